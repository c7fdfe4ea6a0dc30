"""A refused position or holder form comes back with what was typed, the problem in words,
and the wrong fields marked (as the admin member form does)."""

from __future__ import annotations


async def test_position_form_keeps_typed_values(client, org, h):
    token = await h.signed_in_token(client, "admin@example.org")
    refused = await client.post("/bodies/north/positions", data={
        "title": "Branch delegates", "filled_by": "group", "seats": "0", "term_months": "-3",
        "elected_by": str(org.bodies["nmm"]), "csrf_token": token})
    assert refused.status_code == 400
    page = refused.text
    assert 'role="alert"' in page and "The term must be a whole number of months." in page
    assert 'value="Branch delegates"' in page and 'value="0"' in page and 'value="-3"' in page
    assert '<option value="group" selected>' in page
    assert f'<option value="{org.bodies["nmm"]}" selected>' in page
    assert 'id="position-term" name="term_months" type="number" min="1" value="-3" aria-invalid="true"' in page
    assert "term_months" not in page.split('role="alert">')[1].split("</p>")[0]  # words, not field names
    seats = await client.post("/bodies/north/positions", data={
        "title": "Chair", "filled_by": "group", "seats": "0", "term_months": "12", "csrf_token": token})
    assert seats.status_code == 400 and "a group has one or more" in seats.text
    assert 'id="position-seats" name="seats" type="number" min="1" value="0" required aria-invalid="true"' in seats.text
    assert 'value="Chair"' in seats.text and 'value="12"' in seats.text


async def test_holder_form_keeps_typed_values(client, org, h):
    token = await h.signed_in_token(client, "admin@example.org")
    secretary = (await client.get(f"/api/v1/positions?body_id={org.bodies['north']}")).json()["positions"][0]
    refused = await client.post("/bodies/north/holders", data={
        "position": str(secretary["id"]), "email": "nora@example.org", "starts_on": "2026-06-01",
        "ends_on": "2026-01-01", "csrf_token": token})
    assert refused.status_code == 400
    page = refused.text
    assert 'role="alert"' in page and "A holding ends after it starts." in page
    assert 'value="nora@example.org"' in page and 'value="2026-06-01"' in page and 'value="2026-01-01"' in page
    assert 'id="holder-ends" name="ends_on" type="date" value="2026-01-01" aria-invalid="true"' in page
    assert f'<option value="{secretary["id"]}" selected>' in page
    assert "<details class=\"admin-form\" open>" in page
    unknown = await client.post("/bodies/north/holders", data={
        "position": str(secretary["id"]), "email": "ghost@example.org", "starts_on": "2026-06-01", "csrf_token": token})
    assert unknown.status_code == 400 and 'value="ghost@example.org" aria-invalid="true"' in unknown.text
