"""Every state-changing request needs the session's CSRF token."""

from __future__ import annotations


async def test_sign_in_without_token_is_refused(client, org):
    await client.get("/sign-in")
    response = await client.post("/sign-in", data={"email": "olive@example.org", "password": "x"})
    assert response.status_code == 403
    assert "did not come from Plenary" in response.text and "<main" in response.text


async def test_post_without_token_changes_nothing(app, client, org, h):
    await h.signed_in_token(client, "olive@example.org")
    for data in ({"email": "sam@example.org", "role": "member"},
                 {"email": "sam@example.org", "role": "member", "csrf_token": "0" * 64}):
        response = await client.post("/bodies/north/members", data=data)
        assert response.status_code == 403
    page = await client.get("/bodies/north")
    assert "Sam" not in page.text


async def test_token_of_another_session_is_refused(client, other_client, org, h):
    olive_token = await h.signed_in_token(client, "olive@example.org")
    await h.signed_in_token(other_client, "admin@example.org")
    response = await other_client.post("/admin/bodies/new", data={"name": "Sneaky", "kind": "branch",
                                                                  "csrf_token": olive_token})
    assert response.status_code == 403


async def test_sign_out_needs_the_token(client, org, h):
    await h.signed_in_token(client, "nora@example.org")
    assert (await client.post("/sign-out")).status_code == 403
    assert (await client.get("/api/v1/me")).status_code == 200


async def test_api_needs_the_header(client, org, h):
    token = await h.signed_in_token(client, "olive@example.org")
    url = f"/api/v1/bodies/{org.bodies['north']}/memberships"
    refused = await client.post(url, json={"email": "sam@example.org"})
    assert refused.status_code == 403 and "did not come from Plenary" in refused.json()["error"]["message"]
    added = await client.post(url, json={"email": "sam@example.org"}, headers={"X-CSRF-Token": token})
    assert added.status_code == 201
    delete_url = f"{url}/{org.members['sam']}"
    assert (await client.delete(delete_url)).status_code == 403
    assert (await client.delete(delete_url, headers={"X-CSRF-Token": token})).status_code == 204


async def test_upload_without_token_is_refused(client, org, h):
    await h.signed_in_token(client, "admin@example.org")
    response = await client.post("/admin/members/import",
                                 files={"file": ("m.csv", b"name,email\nA,a@example.org\n", "text/csv")})
    assert response.status_code == 403
    listed = (await client.get("/api/v1/members")).json()["members"]
    assert "a@example.org" not in {m["email"] for m in listed}
