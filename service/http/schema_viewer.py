"""``/schema`` shows Swagger UI from the ``swagger-ui-py`` package's own copy of its files,
served by this service: no CDN, so the API description works offline."""

from __future__ import annotations

from pathlib import Path

import swagger_ui
from litestar import Router
from litestar.openapi.plugins import SwaggerRenderPlugin

from service.http.static import static_files

ASSETS_PATH = "/assets/swagger-ui"
ASSETS = Path(swagger_ui.__file__).resolve().parent / "static"


def schema_viewer() -> SwaggerRenderPlugin:
    """Swagger UI at ``/schema`` (and ``/schema/swagger``), its scripts and styles local."""
    return SwaggerRenderPlugin(
        path=["/", "/swagger"],
        js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
        css_url=f"{ASSETS_PATH}/swagger-ui.css",
        standalone_preset_js_url=f"{ASSETS_PATH}/swagger-ui-standalone-preset.js",
        favicon=f"<link rel='icon' type='image/png' href='{ASSETS_PATH}/favicon-32x32.png'>",
    )


def schema_assets() -> Router:
    return static_files(ASSETS_PATH, ASSETS, "swagger-ui", opt={"skip_etag": True})
