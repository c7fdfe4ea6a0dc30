"""Membership changes through htmx answer with the members fragment, not a redirect."""

from __future__ import annotations


async def test_add_and_remove_return_the_members_partial(client, org, h):
    token = await h.signed_in_token(client, "olive@example.org")
    headers = {"HX-Request": "true", "X-CSRF-Token": token}
    added = await client.post("/bodies/north/members", data={"email": "sam@example.org", "role": "member"},
                              headers=headers)
    assert added.status_code == 200
    assert added.text.lstrip().startswith('<section id="members"')
    assert "<html" not in added.text and "Sam" in added.text and "Membership saved." in added.text
    removed = await client.post(f"/bodies/north/members/{org.members['sam']}/remove", headers=headers)
    assert removed.status_code == 200 and "Sam" not in removed.text and "Member removed." in removed.text
    again = await client.post("/bodies/north/members", data={"email": "nora@example.org", "role": "member"},
                              headers=headers)
    assert again.status_code == 409 and "already a member" in again.text and "<html" not in again.text


async def test_pages_carry_the_csrf_header_for_htmx(client, org, h):
    token = await h.signed_in_token(client, "olive@example.org")
    page = await client.get("/bodies/north")
    assert f'hx-headers=\'{{"X-CSRF-Token": "{token}"}}\'' in page.text
    assert 'hx-post="/bodies/north/members"' in page.text and 'action="/bodies/north/members"' in page.text
