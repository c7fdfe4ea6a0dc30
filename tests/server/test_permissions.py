"""A member cannot see or act on a body they are not in, through the pages or the API."""

from __future__ import annotations


async def test_body_page_of_another_branch_is_not_found(client, org, h):
    await h.signed_in_token(client, "sam@example.org")
    response = await client.get("/bodies/north")
    assert response.status_code == 404
    assert "Nora" not in response.text and "not a member" in response.text
    assert (await client.get("/bodies/south")).status_code == 200


async def test_nmm_is_open_to_every_member(client, org, h):
    await h.signed_in_token(client, "sam@example.org")
    page = await client.get("/bodies/nmm")
    assert page.status_code == 200 and "Olive" in page.text


async def test_api_body_of_another_branch_is_not_found(client, org, h):
    await h.signed_in_token(client, "sam@example.org")
    response = await client.get(f"/api/v1/bodies/{org.bodies['north']}")
    assert response.status_code == 404 and response.json()["error"]["status"] == 404
    listed = {b["slug"] for b in (await client.get("/api/v1/bodies")).json()["bodies"]}
    assert listed == {"nmm", "south"}
    positions = (await client.get("/api/v1/positions")).json()["positions"]
    assert positions == []
    assert (await client.get(f"/api/v1/positions?body_id={org.bodies['north']}")).status_code == 404


async def test_outsider_cannot_change_a_body(client, org, h):
    token = await h.signed_in_token(client, "sam@example.org")
    page = await client.post("/bodies/north/members", data={"email": "sam@example.org", "role": "officer",
                                                           "csrf_token": token})
    assert page.status_code == 404
    api = await client.post(f"/api/v1/bodies/{org.bodies['north']}/memberships",
                            json={"email": "sam@example.org", "role": "officer"}, headers={"X-CSRF-Token": token})
    assert api.status_code == 404
    removal = await client.delete(f"/api/v1/bodies/{org.bodies['north']}/memberships/{org.members['nora']}",
                                  headers={"X-CSRF-Token": token})
    assert removal.status_code == 404


async def test_plain_member_cannot_manage_their_own_body(client, org, h):
    token = await h.signed_in_token(client, "nora@example.org")
    page = await client.get("/bodies/north")
    assert page.status_code == 200 and "Add to North branch" not in page.text
    refused = await client.post("/bodies/north/members", data={"email": "sam@example.org", "role": "member",
                                                              "csrf_token": token})
    assert refused.status_code == 403 and "Only officers" in refused.text


async def test_officer_manages_their_body(client, org, h):
    token = await h.signed_in_token(client, "olive@example.org")
    added = await client.post("/bodies/north/members", data={"email": "SAM@example.org", "role": "teller",
                                                            "csrf_token": token})
    assert added.status_code == 303
    page = await client.get("/bodies/north")
    assert "Sam" in page.text and "Teller" in page.text
    removed = await client.post(f"/bodies/north/members/{org.members['sam']}/remove", data={"csrf_token": token})
    assert removed.status_code == 303
    assert "Sam" not in (await client.get("/bodies/north")).text


async def test_admin_pages_and_member_list_are_for_site_admins(client, org, h):
    token = await h.signed_in_token(client, "olive@example.org")
    for path in ("/admin", "/admin/members/new", "/admin/members/import", "/admin/bodies/new"):
        assert (await client.get(path)).status_code == 403, path
    assert (await client.get("/api/v1/members")).status_code == 403
    refused = await client.post("/admin/members/new", data={"name": "X", "email": "x@example.org",
                                                            "password": "long enough pw", "csrf_token": token})
    assert refused.status_code == 403 and "site admins" in refused.text
    api = await client.post("/api/v1/members", json={"name": "X", "email": "x@example.org",
                                                     "password": "long enough pw"}, headers={"X-CSRF-Token": token})
    assert api.status_code == 403


async def test_identities_are_seen_by_the_member_only(client, other_client, org, h):
    """Issue 3: self-identification is "visible only to the member and to counts that need it"."""
    await h.signed_in_token(client, "wanda@example.org")
    assert (await client.get("/api/v1/me")).json()["identities"] == ["woman"]
    account = await client.get("/account")
    assert account.status_code == 200 and "<li>woman</li>" in account.text
    caucus = await client.get(f"/api/v1/bodies/{org.bodies['women']}")
    assert "woman\"" not in caucus.text and "identities" not in caucus.json()["members"][0]
    nmm_page = await client.get("/bodies/nmm")
    assert ">woman<" not in nmm_page.text
    await h.signed_in_token(other_client, "admin@example.org")
    listed = (await other_client.get("/api/v1/members")).json()["members"]
    assert listed and all("identities" not in m for m in listed)
    assert '"woman"' not in (await other_client.get("/api/v1/members")).text
    for page in ("/admin", "/bodies/women", "/bodies/nmm", "/account"):
        response = await other_client.get(page)
        assert response.status_code == 200 and "woman<" not in response.text.replace("Women's caucus<", ""), page


async def test_the_member_edits_their_own_identities(client, org, h):
    token = await h.signed_in_token(client, "wanda@example.org")
    saved = await client.post("/account/identities", data={"identities": "woman; disabled members", "csrf_token": token})
    assert saved.status_code == 303 and saved.headers["location"] == "/account?saved=1"
    assert sorted((await client.get("/api/v1/me")).json()["identities"]) == ["disabled members", "woman"]
    too_long = await client.post("/account/identities", data={"identities": "x" * 81, "csrf_token": token})
    assert too_long.status_code == 400 and 'role="alert"' in too_long.text
    assert f'value="{"x" * 81}"' in too_long.text and 'aria-invalid="true"' in too_long.text
    cleared = await client.post("/account/identities", data={"identities": "", "csrf_token": token})
    assert cleared.status_code == 303 and (await client.get("/api/v1/me")).json()["identities"] == []
    no_csrf = await client.post("/account/identities", data={"identities": "woman"})
    assert no_csrf.status_code == 403


async def test_signed_out_visitors_are_sent_to_sign_in(client, org):
    assert (await client.get("/bodies/nmm")).headers["location"] == "/sign-in?next=%2Fbodies%2Fnmm"
    assert (await client.get("/admin")).status_code == 303
    assert (await client.get("/api/v1/bodies")).status_code == 401
