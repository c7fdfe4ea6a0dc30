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


async def test_htmx_is_configured_to_swap_refusals(client, org, h):
    """htmx 2 drops 4xx responses unless told otherwise: base.html tells it to swap them."""
    await h.signed_in_token(client, "olive@example.org")
    page = await client.get("/bodies/north")
    assert '<meta name="htmx-config"' in page.text
    assert '{"code": "[45]..", "swap": true, "error": true}' in page.text
    assert '<div id="alerts"></div>' in page.text


async def test_unknown_email_comes_back_as_an_alert_with_the_typed_input(client, org, h):
    token = await h.signed_in_token(client, "olive@example.org")
    headers = {"HX-Request": "true", "X-CSRF-Token": token}
    refused = await client.post("/bodies/north/members", data={"email": "nobody@example.org", "role": "teller"},
                                headers=headers)
    assert refused.status_code == 400
    assert refused.text.lstrip().startswith('<section id="members"') and "<html" not in refused.text
    assert 'role="alert"' in refused.text and "There is no member with the email" in refused.text
    assert 'value="nobody@example.org"' in refused.text and 'aria-invalid="true"' in refused.text
    assert '<option value="teller" selected>' in refused.text


async def test_unknown_email_without_javascript_keeps_the_typed_input(client, org, h):
    token = await h.signed_in_token(client, "olive@example.org")
    refused = await client.post("/bodies/north/members",
                                data={"email": "nobody@example.org", "role": "member", "csrf_token": token})
    assert refused.status_code == 400 and "<html" in refused.text
    assert 'role="alert"' in refused.text and 'value="nobody@example.org"' in refused.text


async def test_other_htmx_refusals_go_to_the_alert_region_not_the_target(client, org, h):
    """A refusal raised before the endpoint can answer with its fragment (here: not an
    officer) must not swap a whole error page into the target."""
    token = await h.signed_in_token(client, "nora@example.org")
    refused = await client.post("/bodies/north/members", data={"email": "sam@example.org", "role": "member"},
                                headers={"HX-Request": "true", "X-CSRF-Token": token})
    assert refused.status_code == 403
    assert refused.headers["HX-Retarget"] == "#alerts" and refused.headers["HX-Reswap"] == "innerHTML"
    assert refused.text.strip().startswith('<p class="error" role="alert">') and "<html" not in refused.text
