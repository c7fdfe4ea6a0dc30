"""Names a spreadsheet would run as formulas are refused when a ballot is set up (R6 #20), with the reason,
and nothing is stored; names merely holding such signs are fine. Both databases."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from server.db.models import Ballot

pytestmark = pytest.mark.parametrize("migrated", ["sqlite", "postgres"], indirect=True)


def timetable() -> dict[str, str]:
    now = datetime.now(timezone.utc)
    return {"opens": (now + timedelta(hours=1)).isoformat(), "closes": (now + timedelta(hours=3)).isoformat()}


async def test_a_formula_name_is_refused_at_set_up(app, as_member, roles):
    olive = await as_member("olive")
    async with app.state.sessions() as db:
        before = (await db.execute(select(func.count()).select_from(Ballot))).scalar()
    refused = await olive.api("POST", f"/api/v1/bodies/{roles.bodies['nmm']}/ballots", {
        "kind": "office", "title": "Chair", "candidates": ["Ann", '=HYPERLINK("http://x","Bea")'], **timetable()})
    assert refused.status_code == 400, refused.text
    message = refused.json()["error"]["message"]
    assert "starts with '='" in message and "spreadsheet" in message and "formula" in message
    slate = await olive.api("POST", f"/api/v1/bodies/{roles.bodies['nmm']}/ballots", {
        "kind": "slate", "title": "Exec", "slates": [{"name": "Team", "members": ["Ann", "@Bob"]}], **timetable()})
    assert slate.status_code == 400 and "person on slate 'Team' name '@Bob'" in slate.json()["error"]["message"]
    async with app.state.sessions() as db:
        assert (await db.execute(select(func.count()).select_from(Ballot))).scalar() == before
    fine = await olive.api("POST", f"/api/v1/bodies/{roles.bodies['nmm']}/ballots", {
        "kind": "office", "title": "Chair", "candidates": ["Ann", "Bea = Beatrice", "Cy-Rhys"], **timetable()})
    assert fine.status_code == 201, fine.text
