"""One ballot decides a question, and a count is written once (review R6 recheck N2, N3): a second ballot
on a motion is refused while the first is open or being counted (a tie held for the chair's casting vote
included); counts that run at once (three "count again" presses, a casting vote beside a "count again")
publish once, and none of them fails. Both databases."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from ballot_people import audit_entries, cac, set_up, signed_in  # noqa: F401 (fixtures)
from server.db.models_groupings import Notice
from test_ballot_motion_link import _meeting, _motion, _open_with_votes, _people, _state


async def _tied_on_motion(signed_in, cac):
    admin, olive, nora, sam = await _people(signed_in, "admin", "olive", "nora", "sam")
    nmm = cac.bodies["nmm"]
    motion = await _motion(nora, olive, await _meeting(admin, nmm), "admit", "schedule")
    ballot = await _open_with_votes(olive, nmm, (nora,), motion_id=motion)
    assert (await sam.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "no"})).status_code == 201
    return olive, nora, nmm, motion, ballot


async def test_a_second_ballot_on_a_motion_waits_for_the_first(signed_in, cac):
    admin, olive, nora, sam = await _people(signed_in, "admin", "olive", "nora", "sam")
    nmm = cac.bodies["nmm"]
    motion = await _motion(nora, olive, await _meeting(admin, nmm), "admit", "schedule")
    draft = await set_up(olive, nmm, title="", motion_id=motion)  # a draft decides nothing yet
    ballot = await _open_with_votes(olive, nmm, (nora,), motion_id=motion)
    assert (await sam.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "no"})).status_code == 201
    opening = await olive.api("POST", f"/api/v1/ballots/{draft}/actions/open", {})
    assert opening.status_code == 409 and (f"ballot {ballot} (“Fund the renters' union”) already decides this "
                                           "motion, and it is open for voting") in opening.json()["error"]["message"]
    closed = await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})
    assert closed.json()["state"] == "closed" and closed.json()["note"].startswith("Tied:")
    second = await olive.api("POST", f"/api/v1/bodies/{nmm}/ballots", {
        "kind": "motion", "title": "", "motion_id": motion, "opens": "2030-01-01T10:00:00Z",
        "closes": "2030-01-02T10:00:00Z"})
    assert second.status_code == 409 and "closed and being counted" in second.json()["error"]["message"]
    cast = await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/casting-vote",
                           {"casting_vote": "no", "reason": "The status quo stands on a tie."})
    assert cast.status_code == 200, cast.text
    assert await _state(nora, motion) == "fell"


async def test_counts_at_once_publish_once(app, signed_in, cac):
    olive, nora, nmm, motion, ballot = await _tied_on_motion(signed_in, cac)
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})).json()["state"] == "closed"
    answers = await asyncio.gather(
        olive.api("POST", f"/api/v1/ballots/{ballot}/actions/casting-vote",
                  {"casting_vote": "yes", "reason": "The chair votes for."}),
        *(olive.api("POST", f"/api/v1/ballots/{ballot}/actions/count", {}) for _ in range(3)))
    assert all(a.status_code < 500 for a in answers), [a.text for a in answers]
    assert answers[0].status_code == 200, answers[0].text  # the casting vote is never lost to a count
    shown = (await nora.api("GET", f"/api/v1/ballots/{ballot}")).json()
    assert shown["state"] == "published" and shown["count_facts"]["casting_vote"]["vote"] == "yes"
    assert len(await audit_entries(app, "ballot.publish")) == 1
    assert await _state(nora, motion) == "carried"
    async with app.state.sessions() as db:
        notices = (await db.execute(select(func.count()).select_from(Notice)
                                    .where(Notice.title.like("Result published:%")))).scalar_one()
    on_roll = (await nora.api("GET", f"/api/v1/ballots/{ballot}/turnout")).json()["eligible"]
    assert notices == on_roll  # one result notice each, not one per count
