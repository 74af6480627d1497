"""``/schema`` shows Swagger UI from the ``swagger-ui-py`` package's own copy of its files,
served by this service: no CDN, so the API description works offline; no inline script or
style, so it keeps to the service's Content-Security-Policy."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import swagger_ui
from litestar import Request, Router
from litestar.openapi.plugins import SwaggerRenderPlugin

from service.http.static import static_files

ASSETS_PATH = "/assets/swagger-ui"
ASSETS = Path(swagger_ui.__file__).resolve().parent / "static"
SCHEMA_PATH = "/schema"
"""Where the OpenAPI document (``/schema/openapi.json``) and Swagger UI are served."""


class SwaggerUI(SwaggerRenderPlugin):
    """Litestar's Swagger UI page without its inline script and style: the same settings, run
    from ``/static/schema.js``, which loads the document from ``/schema/openapi.json``."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        title = html.escape(openapi_schema["info"]["title"])
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  {self.favicon}
  <link rel="stylesheet" href="{self.css_url}">
  <link rel="stylesheet" href="/static/schema.css">
  <script src="{self.js_url}"></script>
  <script src="{self.standalone_preset_js_url}"></script>
  <script src="/static/schema.js" defer></script>
</head>
<body>
  <div id="swagger-container" data-spec="{SCHEMA_PATH}/openapi.json"></div>
</body>
</html>
""".encode()


def schema_viewer() -> SwaggerRenderPlugin:
    """Swagger UI at ``/schema`` (and ``/schema/swagger``), its scripts and styles local."""
    return SwaggerUI(
        path=["/", "/swagger"],
        js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
        css_url=f"{ASSETS_PATH}/swagger-ui.css",
        standalone_preset_js_url=f"{ASSETS_PATH}/swagger-ui-standalone-preset.js",
        favicon=f'<link rel="icon" type="image/png" href="{ASSETS_PATH}/favicon-32x32.png">',
    )


def schema_assets() -> Router:
    return static_files(ASSETS_PATH, ASSETS, "swagger-ui", opt={"skip_etag": True})
