"""DOMAIN: every elected holder is subject to immediate recall by the body that elected them."""

from __future__ import annotations

from datetime import date

import pytest

from server.repositories import bodies as body_rows
from server.repositories import members as member_rows
from server.services import positions
from server.services.errors import Invalid


async def _load(app, org, who):
    async with app.state.sessions() as db:
        member = await member_rows.by_id(db, org.members[who])
        holding = await body_rows.holding_by_id(db, org.holdings["north_secretary"])
    return member, holding


@pytest.mark.parametrize("who, may", [("nora", True), ("olive", True), ("sam", False), ("admin", False)])
async def test_only_the_electing_body_may_recall(app, org, who, may):
    member, holding = await _load(app, org, who)
    assert positions.can_start_recall(member, holding, today=date(2026, 6, 1)) is may


async def test_a_finished_holding_cannot_be_recalled(app, org):
    nora, holding = await _load(app, org, "nora")
    holding.ends_on = date(2026, 3, 1)
    assert not positions.can_start_recall(nora, holding, today=date(2026, 6, 1))
    assert positions.can_start_recall(nora, holding, today=date(2026, 2, 1))


async def test_recall_follows_the_electing_body_not_the_position_body(app, org):
    """A branch delegate sits on another body but answers to the branch that elected them."""
    async with app.state.sessions() as db:
        admin = await member_rows.by_id(db, org.members["admin"])
        delegate_seat = await positions.create_position(
            db, admin, body_id=org.bodies["nmm"], title="South delegate", filled_by="group", seats=2,
            elected_by_id=org.bodies["south"])
        holding = await positions.record_holding(db, admin, position_id=delegate_seat.id,
                                                 member_email="nora@example.org", starts_on=date(2026, 1, 1))
        sam = await member_rows.by_id(db, org.members["sam"])
        nora = await member_rows.by_id(db, org.members["nora"])
    assert holding.elected_by_id == org.bodies["south"]
    assert positions.can_start_recall(sam, holding, today=date(2026, 5, 1))
    assert not positions.can_start_recall(nora, holding, today=date(2026, 5, 1))  # she is not in south


async def test_positions_refuse_impossible_shapes(app, org):
    async with app.state.sessions() as db:
        admin = await member_rows.by_id(db, org.members["admin"])
        with pytest.raises(Invalid, match="one seat"):
            await positions.create_position(db, admin, body_id=org.bodies["north"], title="Chair",
                                            filled_by="individually", seats=3)
        with pytest.raises(Invalid, match="already has its 1 holder"):
            await positions.record_holding(db, admin, position_id=(await body_rows.holding_by_id(
                db, org.holdings["north_secretary"])).position_id, member_email="nora@example.org",
                starts_on=date(2026, 2, 1))


async def test_body_page_shows_who_may_recall(client, other_client, org, h):
    await h.signed_in_token(client, "nora@example.org")
    page = (await client.get("/bodies/north")).text
    assert '<span class="holder">Olive</span>' in page and "recallable by North branch" in page
    assert "you may start a recall" in page and "may start a recall from the holder" in page
    await h.signed_in_token(other_client, "admin@example.org")
    admin_page = (await other_client.get("/bodies/north")).text  # admins see it, but are not in the branch
    assert "recallable by North branch" in admin_page and "you may start a recall" not in admin_page


@pytest.mark.parametrize("who, may", [("nora", True), ("admin", False)])
async def test_api_says_who_may_recall(client, org, h, who, may):
    await h.signed_in_token(client, f"{who}@example.org")
    for url in (f"/api/v1/positions?body_id={org.bodies['north']}", f"/api/v1/bodies/{org.bodies['north']}"):
        [holder] = (await client.get(url)).json()["positions"][0]["holders"]
        assert holder["recallable_by"]["slug"] == "north"
        assert holder["can_start_recall"] is may
