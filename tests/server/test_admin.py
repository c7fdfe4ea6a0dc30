"""Admin actions: members one by one and from CSV, bodies."""

from __future__ import annotations

from sqlalchemy import func, select

from server.db.models import Member, Membership
from server.repositories import members as member_rows

GOOD_AND_BAD = (
    "name,email,password,identities,bodies\n"
    "Rosa Lux,rosa@example.org,spartacus-1919,woman,north:officer;women\n"
    ",noname@example.org,long enough pw,,\n"
    "Bad Mail,not-an-email,long enough pw,,\n"
    "Short Pass,short@example.org,short,,\n"
    "Dup Nora,NORA@example.org,long enough pw,,\n"
    "Lost,lost@example.org,long enough pw,,nowhere\n"
    "Role,role@example.org,long enough pw,,north:king\n"
    "Again,rosa@example.org,long enough pw,,\n"
    "Generated,gen@example.org,,,south\n"
)


async def _upload(client, token, text, import_valid_rows=False):
    data = {"csrf_token": token}
    if import_valid_rows:
        data["import_valid_rows"] = "on"
    return await client.post("/admin/members/import", data=data,
                             files={"file": ("members.csv", text.encode(), "text/csv")})


async def _member_count(app) -> int:
    async with app.state.sessions() as db:
        return (await db.execute(select(func.count(Member.id)))).scalar_one()


async def test_csv_import_reports_every_bad_row_and_imports_nothing(app, client, org, h):
    token = await h.signed_in_token(client, "admin@example.org")
    before = await _member_count(app)
    response = await _upload(client, token, GOOD_AND_BAD)
    assert response.status_code == 400
    assert "Nothing was imported" in response.text
    report = response.text
    for line, problem in [
        (3, "A name is needed."),
        (4, "not-an-email is not an email address."),
        (5, "Passwords need at least 10 characters."),
        (6, "a member with the email NORA@example.org already exists"),
        (7, "there is no body &#39;nowhere&#39;"),
        (8, "&#39;king&#39; is not a role"),
        (9, "the email rosa@example.org is already on line 2"),
    ]:
        assert f"<td>{line}</td>" in report and problem in report, (line, problem)
    assert report.count('class="bad-row"') == 7
    assert await _member_count(app) == before


async def test_csv_import_of_good_rows_when_the_admin_chooses(app, client, org, h):
    token = await h.signed_in_token(client, "admin@example.org")
    before = await _member_count(app)
    response = await _upload(client, token, GOOD_AND_BAD, import_valid_rows=True)
    assert response.status_code == 200
    assert "Imported 2 member(s)" in response.text and "7 row(s) were left out" in response.text
    assert await _member_count(app) == before + 2
    assert "gen@example.org" in response.text and "shown only this once" in response.text
    me = await client.get("/api/v1/members")
    rosa = next(m for m in me.json()["members"] if m["email"] == "rosa@example.org")
    assert "identities" not in rosa  # written by the import, readable only by Rosa herself
    assert {(m["body"]["slug"], m["role"]) for m in rosa["memberships"]} == {("north", "officer"), ("women", "member")}
    await client.post("/sign-out", data={"csrf_token": token})
    assert (await h.sign_in(client, "rosa@example.org", "spartacus-1919")).status_code == 303
    assert (await client.get("/api/v1/me")).json()["identities"] == ["woman"]


async def test_csv_clean_file_imports_everything(app, client, org, h):
    token = await h.signed_in_token(client, "admin@example.org")
    text = "Name,Email\nAda One,ada1@example.org\nAda Two,ada2@example.org\n\n"
    response = await _upload(client, token, text)
    assert response.status_code == 200 and "Imported 2 member(s)" in response.text
    assert response.text.count("<code>") >= 2  # two generated passwords shown


async def test_csv_header_problems_are_named(client, org, h):
    token = await h.signed_in_token(client, "admin@example.org")
    response = await _upload(client, token, "fullname,mail\nA,a@example.org\n")
    assert response.status_code == 400
    assert "Line 1 (the header): missing column(s) name, email; unknown column(s) fullname, mail" in response.text
    ragged = await _upload(client, token, "name,email\nA,a@example.org,extra\n")
    assert "more fields than the 2 columns" in ragged.text
    empty = await client.post("/admin/members/import", data={"csrf_token": token})
    assert empty.status_code == 400 and "Choose a CSV file" in empty.text
    latin = await client.post("/admin/members/import", data={"csrf_token": token},
                              files={"file": ("m.csv", "name,email\nJos\xe9,j@example.org\n".encode("latin-1"), "text/csv")})
    assert latin.status_code == 400 and "not UTF-8" in latin.text


async def test_create_member_form(app, client, org, h):
    token = await h.signed_in_token(client, "admin@example.org")
    created = await client.post("/admin/members/new", data={
        "name": "Clara Z", "email": "Clara@Example.org", "password": "long enough pw",
        "identities": "woman; members of colour", "csrf_token": token})
    assert created.status_code == 303
    again = await client.post("/admin/members/new", data={
        "name": "Clara Again", "email": "clara@example.ORG", "password": "long enough pw", "csrf_token": token})
    assert again.status_code == 409 and "already exists" in again.text and 'value="Clara Again"' in again.text
    bad = await client.post("/admin/members/new", data={"name": "", "email": "nope", "password": "x",
                                                        "csrf_token": token})
    assert bad.status_code == 400 and "A name is needed." in bad.text and 'aria-invalid="true"' in bad.text
    assert await _identities_of(app, "clara@example.org") == ["members of colour", "woman"]


async def _identities_of(app, email: str) -> list[str]:
    async with app.state.sessions() as db:
        member = await member_rows.by_email(db, email)
        return sorted(identity.tag for identity in member.identities)


async def test_create_member_through_the_api(app, client, org, h):
    token = await h.signed_in_token(client, "admin@example.org")
    response = await client.post("/api/v1/members", headers={"X-CSRF-Token": token},
                                 json={"name": "Api Person", "email": "api@example.org", "password": "long enough pw",
                                       "identities": ["woman"]})
    assert response.status_code == 201 and "identities" not in response.json()
    assert await _identities_of(app, "api@example.org") == ["woman"]
    bad = await client.post("/api/v1/members", headers={"X-CSRF-Token": token},
                            json={"name": "", "email": "x", "password": ""})
    assert bad.status_code == 400 and set(bad.json()["error"]["fields"]) == {"name", "email", "password"}
    not_json = await client.post("/api/v1/members", headers={"X-CSRF-Token": token}, content=b"{")
    assert not_json.status_code == 400 and "not JSON" in not_json.json()["error"]["message"]


async def test_create_body(app, client, org, h):
    token = await h.signed_in_token(client, "admin@example.org")
    created = await client.post("/admin/bodies/new", data={
        "name": "Teachers' Fraction", "kind": "fraction", "parent": "nmm", "csrf_token": token})
    assert created.status_code == 303 and created.headers["location"] == "/bodies/teachers-fraction"
    page = await client.get("/bodies/teachers-fraction")
    assert "Teachers&#39; Fraction" in page.text and "part of National Members" in page.text
    duplicate = await client.post("/admin/bodies/new", data={
        "name": "Teachers fraction", "kind": "fraction", "csrf_token": token})
    assert duplicate.status_code == 409
    bad = await client.post("/admin/bodies/new", data={"name": "X", "kind": "cabal", "slug": "Bad Slug",
                                                       "parent": "nope", "csrf_token": token})
    assert bad.status_code == 400
    for message in ("Choose one of", "lower-case letters", "There is no body"):
        assert message in bad.text


async def test_admin_adds_member_with_a_role(app, client, org, h):
    token = await h.signed_in_token(client, "admin@example.org")
    response = await client.post("/bodies/south/members", data={"email": "nora@example.org", "role": "cac_member",
                                                               "csrf_token": token})
    assert response.status_code == 303
    async with app.state.sessions() as db:
        role = (await db.execute(select(Membership.role).where(
            Membership.member_id == org.members["nora"], Membership.body_id == org.bodies["south"]))).scalar_one()
    assert role == "cac_member"
    unknown = await client.post("/bodies/south/members", data={"email": "ghost@example.org", "role": "member",
                                                              "csrf_token": token})
    assert unknown.status_code == 400 and "no member with the email" in unknown.text


async def test_admin_adds_a_position_and_records_its_holder(app, client, org, h):
    token = await h.signed_in_token(client, "admin@example.org")
    added = await client.post("/bodies/south/positions", data={
        "title": "Delegates to the NMM", "filled_by": "group", "seats": "2", "term_months": "6",
        "elected_by": "", "csrf_token": token})
    assert added.status_code == 303
    body = (await client.get(f"/api/v1/bodies/{org.bodies['south']}")).json()
    [position] = body["positions"]
    assert (position["filled_by"], position["seats"], position["term_months"], position["elected_by"]["slug"]) == (
        "group", 2, 6, "south")
    recorded = await client.post("/bodies/south/holders", data={
        "position": str(position["id"]), "email": "sam@example.org", "starts_on": "2026-02-01", "csrf_token": token})
    assert recorded.status_code == 303
    page = await client.get("/bodies/south")
    assert "Delegates to the NMM" in page.text and '<span class="holder">Sam</span>' in page.text
    bad = await client.post("/bodies/south/holders", data={
        "position": str(position["id"]), "email": "sam@example.org", "starts_on": "soon", "csrf_token": token})
    assert bad.status_code == 400 and "The start must be a date, like 2026-01-31." in bad.text
    elsewhere = await client.post("/bodies/north/holders", data={
        "position": str(position["id"]), "email": "sam@example.org", "starts_on": "2026-02-01", "csrf_token": token})
    assert elsewhere.status_code == 400 and "not on North branch" in elsewhere.text
    shape = await client.post("/bodies/south/positions", data={
        "title": "Chair", "filled_by": "individually", "seats": "2", "csrf_token": token})
    assert shape.status_code == 400 and "one seat" in shape.text


async def test_only_admins_add_positions(client, org, h):
    token = await h.signed_in_token(client, "olive@example.org")
    page = await client.get("/bodies/north")
    assert "Add a position" not in page.text
    refused = await client.post("/bodies/north/positions", data={"title": "Chair", "filled_by": "individually",
                                                                "seats": "1", "csrf_token": token})
    assert refused.status_code == 403
