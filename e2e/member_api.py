"""A demo member signed in over HTTP alone, no page: the browser tests build their state with it
(the JSON API and the plain forms, as a script would) and keep the browser for what the member
does and sees. Imported by the browser tests, like member_pages.py."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Browser

from server.demo import DEMO_MEMBER_PASSWORD

CSRF_FIELD = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


class MemberApi:
    """``MemberApi(browser, live_server, email).call("POST", url, {...})`` answers the JSON; the
    session cookie and the ``X-CSRF-Token`` header are those of a real sign-in."""

    def __init__(self, browser: Browser, live_server: str, email: str, password: str = DEMO_MEMBER_PASSWORD) -> None:
        self.email = email
        self.context = browser.new_context(base_url=live_server)
        request = self.context.request
        token = CSRF_FIELD.search(request.get("/sign-in").text())[1]
        signed = request.post("/sign-in", form={"email": email, "password": password, "csrf_token": token},
                              max_redirects=0)
        assert signed.status == 303, f"{email} could not sign in: {signed.status} {signed.text()[:300]}"
        self.token = request.get("/api/v1/me").json()["csrf_token"]

    def call(self, method: str, url: str, body: dict[str, Any] | None = None, expect: int = 200) -> Any:
        response = self.context.request.fetch(url, method=method, data=body, headers={"X-CSRF-Token": self.token})
        assert response.status == expect, f"{method} {url}: {response.status} {response.text()[:500]}"
        return response.json()

    def form(self, url: str, expect: int = 303, **fields: str) -> None:
        """Post a page's form, as the browser would without JavaScript."""
        response = self.context.request.post(url, form={"csrf_token": self.token, **fields}, max_redirects=0)
        assert response.status == expect, f"POST {url}: {response.status} {response.text()[:500]}"

    def body(self, slug: str) -> dict[str, Any]:
        """A body's details (members and roles) by its address."""
        found = next(b for b in self.call("GET", "/api/v1/bodies")["bodies"] if b["slug"] == slug)
        return self.call("GET", f"/api/v1/bodies/{found['id']}")

    def close(self) -> None:
        self.context.close()
