"""The timeline page for people: templates, static files and the view models they render.

The page reads the same read-model queries as the JSON API (``service.queries``); nothing
here keeps data of its own. ``service/http/pages.py`` holds its thin HTTP handlers.
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
