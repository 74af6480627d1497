"""A browser's view of the desk: cookies kept between requests, forms posted with their CSRF
token as the page gave it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from litestar.testing import AsyncTestClient

from service.app import create_app
from tests.tokens import WRITER

CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')


class Browser:
    def __init__(self, client: AsyncTestClient) -> None:
        self.client = client

    async def page(self, path: str):
        return await self.client.get(path)

    async def form_token(self, path: str = "/desk") -> str:
        page = await self.client.get(path)
        found = CSRF_FIELD.search(page.text)
        assert found, f"no CSRF field on {path}"
        return found.group(1)

    async def post_form(self, path: str, fields: dict, *, from_page: str = "/desk", files=None):
        token = await self.form_token(from_page)
        return await self.client.post(
            path, data={"_csrf_token": token, **fields}, files=files, follow_redirects=False
        )

    async def sign_in(self, token: str = WRITER):
        response = await self.post_form("/desk/sign-in", {"token": token})
        assert response.status_code == 303, response.text
        return response


@pytest.fixture
async def browser(database_url, settings) -> AsyncIterator[Browser]:
    """No bearer token: the desk's only credential is its session."""
    async with AsyncTestClient(create_app(settings, database_url)) as client:
        yield Browser(client)
