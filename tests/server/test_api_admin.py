"""The admin actions through the JSON API: bodies, positions, holders, roles, CSV import and
changing one's own password; each with its permission check and CSRF protection."""

from __future__ import annotations

import pytest


async def test_admin_creates_a_body_a_position_and_its_holder(client, org, h):
    token = await h.signed_in_token(client, "admin@example.org")
    headers = {"X-CSRF-Token": token}
    body = await client.post("/api/v1/bodies", headers=headers, json={
        "name": "East branch", "kind": "branch", "parent": "nmm", "description": "The east"})
    assert body.status_code == 201, body.text
    east = body.json()
    assert (east["slug"], east["kind"], east["parent"]["slug"]) == ("east-branch", "branch", "nmm")
    taken = await client.post("/api/v1/bodies", headers=headers, json={"name": "East", "kind": "branch",
                                                                        "slug": "east-branch"})
    assert taken.status_code == 409 and taken.json()["error"]["fields"] == {"slug": "Already used."}
    bad = await client.post("/api/v1/bodies", headers=headers, json={"name": "", "kind": "club"})
    assert bad.status_code == 400 and set(bad.json()["error"]["fields"]) >= {"name", "kind"}

    position = await client.post(f"/api/v1/bodies/{east['id']}/positions", headers=headers, json={
        "title": "Delegates", "filled_by": "group", "seats": 2, "term_months": 12})
    assert position.status_code == 201, position.text
    created = position.json()
    assert (created["title"], created["seats"], created["elected_by"]["slug"], created["holders"]) == (
        "Delegates", 2, "east-branch", [])
    wrong = await client.post(f"/api/v1/bodies/{east['id']}/positions", headers=headers, json={
        "title": "Chair", "filled_by": "group", "seats": "two"})
    assert wrong.status_code == 400 and "seats" in wrong.json()["error"]["fields"]

    holder = await client.post(f"/api/v1/positions/{created['id']}/holders", headers=headers, json={
        "email": "sam@example.org", "starts_on": "2026-02-01"})
    assert holder.status_code == 201, holder.text
    held = holder.json()
    assert (held["member"]["name"], held["recallable_by"]["slug"], held["current"]) == ("Sam", "east-branch", True)
    assert held["can_start_recall"] is False  # the admin is not in the east branch
    backwards = await client.post(f"/api/v1/positions/{created['id']}/holders", headers=headers, json={
        "email": "sam@example.org", "starts_on": "2026-02-01", "ends_on": "2026-01-01"})
    assert backwards.status_code == 400 and backwards.json()["error"]["fields"] == {"ends_on": "Must be after the start."}
    missing = await client.post("/api/v1/positions/999999/holders", headers=headers, json={
        "email": "sam@example.org", "starts_on": "2026-02-01"})
    assert missing.status_code == 404


async def test_officer_changes_a_role_but_not_elsewhere(client, org, h):
    token = await h.signed_in_token(client, "olive@example.org")
    headers = {"X-CSRF-Token": token}
    url = f"/api/v1/bodies/{org.bodies['north']}/memberships/{org.members['nora']}"
    changed = await client.patch(url, headers=headers, json={"role": "teller"})
    assert changed.status_code == 200 and changed.json()["role"] == "teller"
    north = (await client.get(f"/api/v1/bodies/{org.bodies['north']}")).json()
    assert {m["member"]["name"]: m["role"] for m in north["members"]}["Nora"] == "teller"
    assert (await client.patch(url, headers=headers, json={"role": "queen"})).status_code == 400
    not_in = f"/api/v1/bodies/{org.bodies['north']}/memberships/{org.members['sam']}"
    assert (await client.patch(not_in, headers=headers, json={"role": "member"})).status_code == 404
    south = f"/api/v1/bodies/{org.bodies['south']}/memberships/{org.members['sam']}"
    assert (await client.patch(south, headers=headers, json={"role": "officer"})).status_code == 404  # unseen body
    nmm = f"/api/v1/bodies/{org.bodies['nmm']}/memberships/{org.members['sam']}"
    assert (await client.patch(nmm, headers=headers, json={"role": "officer"})).status_code == 403
    assert (await client.patch(url, json={"role": "member"})).status_code == 403  # no CSRF header


@pytest.mark.parametrize("method, url, body", [
    ("post", "/api/v1/bodies", {"name": "X", "kind": "branch"}),
    ("post", "/api/v1/bodies/{north}/positions", {"title": "Chair", "filled_by": "individually"}),
    ("post", "/api/v1/positions/{position}/holders", {"email": "sam@example.org", "starts_on": "2026-02-01"}),
    ("post", "/api/v1/members/import", {"rows": [{"name": "A", "email": "a@example.org"}]}),
])
async def test_admin_actions_refuse_members_and_missing_csrf(client, other_client, org, h, method, url, body):
    position = (await _positions(client, org, h))[0]["id"]
    url = url.format(north=org.bodies["north"], position=position)
    token = await h.signed_in_token(client, "olive@example.org")  # an officer, not a site admin
    refused = await getattr(client, method)(url, headers={"X-CSRF-Token": token}, json=body)
    assert refused.status_code == 403 and refused.json()["error"]["message"]
    await h.signed_in_token(other_client, "admin@example.org")
    no_csrf = await getattr(other_client, method)(url, json=body)
    assert no_csrf.status_code == 403


async def _positions(client, org, h) -> list[dict]:
    await h.signed_in_token(client, "admin@example.org")
    found = (await client.get(f"/api/v1/positions?body_id={org.bodies['north']}")).json()["positions"]
    await client.post("/sign-out", data={"csrf_token": (await client.get("/api/v1/me")).json()["csrf_token"]})
    return found


async def test_import_as_json_rows_reports_every_row(client, org, h):
    token = await h.signed_in_token(client, "admin@example.org")
    headers = {"X-CSRF-Token": token}
    rows = [
        {"name": "Rosa Lux", "email": "rosa@example.org", "password": "spartacus-1919",
         "identities": ["woman"], "bodies": ["north:officer", "women"]},
        {"name": "", "email": "noname@example.org"},
        {"name": "Twin", "email": "rosa@example.org"},
    ]
    refused = await client.post("/api/v1/members/import", headers=headers, json={"rows": rows})
    assert refused.status_code == 400
    report = refused.json()
    assert report["imported"] == 0
    assert [(r["line"], bool(r["problems"])) for r in report["rows"]] == [(2, False), (3, True), (4, True)]
    partial = await client.post("/api/v1/members/import", headers=headers, json={"rows": rows, "import_valid_rows": True})
    assert partial.status_code == 200 and partial.json()["imported"] == 1
    listed = {m["email"]: m for m in (await client.get("/api/v1/members")).json()["members"]}
    assert {(m["body"]["slug"], m["role"]) for m in listed["rosa@example.org"]["memberships"]} == {
        ("north", "officer"), ("women", "member")}
    assert "identities" not in listed["rosa@example.org"]
    generated = await client.post("/api/v1/members/import", headers=headers,
                                  json={"rows": [{"name": "Gen", "email": "gen@example.org"}]})
    assert generated.status_code == 200 and len(generated.json()["rows"][0]["generated_password"]) >= 10
    empty = await client.post("/api/v1/members/import", headers=headers, json={"rows": []})
    assert empty.status_code == 400 and "rows" in empty.json()["error"]["fields"]


async def test_import_as_a_csv_upload(client, org, h):
    token = await h.signed_in_token(client, "admin@example.org")
    csv_text = "name,email,password\nAda One,ada1@example.org,long enough pw\nBad,not-an-email,\n"
    refused = await client.post("/api/v1/members/import", headers={"X-CSRF-Token": token},
                                files={"file": ("members.csv", csv_text.encode(), "text/csv")})
    assert refused.status_code == 400 and refused.json()["rows"][1]["problems"]
    taken = await client.post("/api/v1/members/import", headers={"X-CSRF-Token": token},
                              files={"file": ("members.csv", csv_text.encode(), "text/csv")},
                              data={"import_valid_rows": "true"})
    assert taken.status_code == 200 and taken.json()["imported"] == 1
    header = await client.post("/api/v1/members/import", headers={"X-CSRF-Token": token},
                               files={"file": ("m.csv", b"who,where\nx,y\n", "text/csv")})
    assert header.status_code == 400 and "Line 1" in header.json()["error"]["message"]


async def test_change_own_password_through_the_api(client, org, h):
    token = await h.signed_in_token(client, "nora@example.org")
    headers = {"X-CSRF-Token": token}
    wrong = await client.post("/api/v1/me/password", headers=headers,
                              json={"current_password": "not it", "new_password": "a new long password"})
    assert wrong.status_code == 400 and "current_password" in wrong.json()["error"]["fields"]
    short = await client.post("/api/v1/me/password", headers=headers,
                              json={"current_password": h.password, "new_password": "short"})
    assert short.status_code == 400 and "new_password" in short.json()["error"]["fields"]
    no_csrf = await client.post("/api/v1/me/password",
                                json={"current_password": h.password, "new_password": "a new long password"})
    assert no_csrf.status_code == 403
    changed = await client.post("/api/v1/me/password", headers=headers,
                                json={"current_password": h.password, "new_password": "a new long password"})
    assert changed.status_code == 204
    assert (await client.get("/api/v1/me")).status_code == 401  # every session ended, this one too
    assert (await h.sign_in(client, "nora@example.org", "a new long password")).status_code == 303


async def test_admin_actions_are_in_the_openapi_document(client):
    paths = (await client.get("/api/v1/openapi.json")).json()["paths"]
    for path, method in [("/api/v1/bodies", "post"), ("/api/v1/bodies", "get"),
                         ("/api/v1/bodies/{body_id}/positions", "post"),
                         ("/api/v1/positions/{position_id}/holders", "post"),
                         ("/api/v1/bodies/{body_id}/memberships/{member_id}", "patch"),
                         ("/api/v1/members/import", "post"), ("/api/v1/me/password", "post")]:
        operation = paths[path][method]
        assert operation["responses"] and (method == "get" or "requestBody" in operation), (path, method)
