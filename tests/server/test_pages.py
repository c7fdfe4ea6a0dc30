"""The web shell: landmarks, labels, skip link, error pages, and no dependence on htmx."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from server.views import render


class Shape(HTMLParser):
    """What an accessibility check needs from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.inputs: list[dict] = []
        self.label_targets: set[str] = set()
        self.scripts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append(tag)
        if tag in ("input", "select", "textarea") and attributes.get("type") != "hidden":
            self.inputs.append(attributes)
        if tag == "label" and "for" in attributes:
            self.label_targets.add(attributes["for"])
        if tag == "script":
            self.scripts.append(attributes.get("src", ""))
        if tag == "link":
            self.links.append(attributes.get("href", ""))


def shape_of(html: str) -> Shape:
    parsed = Shape()
    parsed.feed(html)
    return parsed


PAGES_BY_WHO = {
    None: ["/", "/sign-in", "/no-such-page"],
    "olive@example.org": ["/", "/bodies/north", "/bodies/nmm", "/bodies/south", "/admin", "/account", "/account/password"],
    "admin@example.org": ["/admin", "/admin/members/new", "/admin/members/import", "/admin/bodies/new",
                          "/bodies/north"],
}


@pytest.mark.parametrize("who", list(PAGES_BY_WHO), ids=["visitor", "member", "admin"])
async def test_every_page_has_landmarks_skip_link_and_labels(client, org, h, who):
    if who:
        await h.signed_in_token(client, who)
    for path in PAGES_BY_WHO[who]:
        response = await client.get(path)
        page = shape_of(response.text)
        for landmark in ("header", "main", "footer"):
            assert landmark in page.tags, (path, landmark)
        assert 'class="skip-link" href="#main"' in response.text, path
        assert '<meta name="viewport"' in response.text
        for field in page.inputs:
            assert field.get("id") in page.label_targets, (path, field)
        # nothing from outside: every script and stylesheet is served by us
        assert all(src.startswith("/static/") for src in page.scripts + page.links), path


async def test_error_pages_are_human(client, org, h):
    missing = await client.get("/no-such-page")
    assert missing.status_code == 404 and "<h1>Page not found</h1>" in missing.text
    wrong_method = await client.get("/sign-out")
    assert wrong_method.status_code == 405 and "<h1>" in wrong_method.text
    token = await h.signed_in_token(client, "olive@example.org")
    forbidden = await client.get("/admin")
    assert forbidden.status_code == 403 and "<h1>Not allowed</h1>" in forbidden.text
    bad = await client.post("/bodies/north/members", data={"email": "", "role": "boss", "csrf_token": token})
    assert bad.status_code == 400 and "<h1>" in bad.text and "is not a role" in bad.text


async def test_htmx_is_linked_only_when_installed(client, org, tmp_path, monkeypatch):
    present = tmp_path / "htmx.min.js"
    present.write_text("/* htmx */")
    monkeypatch.setattr(render, "HTMX_FILE", present)
    with_htmx = shape_of((await client.get("/")).text)
    assert with_htmx.scripts == ["/static/vendor/htmx.min.js"]
    assert re.search(r'<script src="/static/vendor/htmx.min.js" defer>', (await client.get("/")).text)
    monkeypatch.setattr(render, "HTMX_FILE", tmp_path / "missing.js")
    without = await client.get("/")
    assert without.status_code == 200 and shape_of(without.text).scripts == []


async def test_stylesheet_is_served_and_responsive(client):
    css = await client.get("/static/css/plenary.css")
    assert css.status_code == 200
    assert ":focus-visible" in css.text and "@media" in css.text


async def test_home_lists_bodies_with_roles_and_the_empty_state(client, org, h):
    await h.signed_in_token(client, "olive@example.org")
    home = await client.get("/")
    assert re.search(r"North branch</a></td>\s*<td>Branch</td>\s*<td>Officer</td>", home.text)
    assert "Nothing is open for you right now." in home.text
    assert "South branch" not in home.text


async def test_body_page_shows_officers_positions_and_holders(client, org, h):
    await h.signed_in_token(client, "nora@example.org")
    page = await client.get("/bodies/north")
    assert "<h1>North branch</h1>" in page.text
    assert re.search(r"Officers</h2>\s*<ul><li>Olive</li></ul>", page.text)
    assert "Secretary" in page.text and "Members (2)" in page.text
