"""Every motion page has the shell's landmarks, a label for each field, unique ids, and
only our own scripts; and works without htmx (plain forms with actions)."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser


class Shape(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.fields: list[dict] = []
        self.label_targets: set[str] = set()
        self.ids: list[str] = []
        self.scripts: list[str] = []
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append(tag)
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag in ("input", "select", "textarea") and attributes.get("type") != "hidden":
            self.fields.append(attributes)
        if tag == "label" and "for" in attributes:
            self.label_targets.add(attributes["for"])
        if tag == "script":
            self.scripts.append(attributes.get("src", ""))
        if tag == "form":
            self.forms.append(attributes)


async def test_motion_pages_are_accessible_and_work_without_htmx(as_member, agenda, steps):
    nora, olive, sam = [await as_member(w) for w in ("nora", "olive", "sam")]
    draft = await steps.draft(nora)
    motion = await steps.admitted(nora, olive, sam)
    amendment = await steps.amend(sam, motion, operation="delete", passage="500 pounds")
    post = (await sam.api("POST", f"/api/v1/motions/{motion}/posts", {"body": "Hello"})).json()
    pages = {
        nora: [f"/motions/{draft}", f"/motions/{draft}/edit", "/notifications", "/bodies/nmm/meetings"],
        olive: [f"/meetings/{agenda.meeting}", f"/motions/{motion}", f"/amendments/{amendment['id']}",
                f"/motions/{motion}/versions", f"/posts/{post['id']}", "/bodies/north/meetings"],
        sam: [f"/posts/{post['id']}", f"/motions/{motion}"],
    }
    for member, paths in pages.items():
        for path in paths:
            response = await member.get(path)
            assert response.status_code == 200, path
            page = Shape()
            page.feed(response.text)
            for landmark in ("header", "main", "footer", "h1"):
                assert landmark in page.tags, (path, landmark)
            for field in page.fields:
                assert field.get("id") in page.label_targets, (path, field)
            repeated = [i for i, n in Counter(page.ids).items() if n > 1]
            assert repeated == [], (path, repeated)
            assert all(src.startswith("/static/") for src in page.scripts), path
            for form in page.forms:
                assert form.get("method") == "post" or form.get("method") == "get", (path, form)
                assert form.get("action"), (path, form)  # a plain form, whatever htmx adds
