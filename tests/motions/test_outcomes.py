"""``record_outcome``: the entry point the ballot code will call once votes are counted."""

from __future__ import annotations

import pytest

from server.repositories import members as member_rows
from server.services import amendments as amendment_actions
from server.services import motions as motion_actions
from server.services.errors import Forbidden


async def test_a_count_records_outcomes_without_the_cac(app, org, as_member, agenda, steps):
    nora, olive, sam = [await as_member(w) for w in ("nora", "olive", "sam")]
    motion = await steps.admitted(nora, olive, sam)
    amendment = await steps.amend(sam, motion, operation="replace", passage="500 pounds", replacement="600 pounds")
    await steps.admit_amendment(olive, nora, amendment["id"])
    await steps.act(olive, motion, "schedule")
    async with app.state.sessions() as db:
        teller = await member_rows.by_id(db, org.members["sam"])
        with pytest.raises(Forbidden):
            await amendment_actions.record_outcome(db, teller, amendment["id"], "carried")
        version = await amendment_actions.record_outcome(db, teller, amendment["id"], "carried",
                                                         note="Ballot 7: 31 for, 12 against", by_count=True)
        assert version is not None and "600 pounds" in version.text and version.number == 2
        await motion_actions.record_outcome(db, teller, motion, "remitted", note="Ballot 8", by_count=True)
    shown = (await sam.get(f"/api/v1/motions/{motion}")).json()
    assert shown["state"] == "remitted"
    assert [e["reason"] for e in shown["events"] if e["action"] == "outcome"] == ["Ballot 8"]
