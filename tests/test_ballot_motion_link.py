"""A ballot that decides a motion or amendment (server/services/ballot_subjects.py): the link is checked at
set-up (the body's own meeting, a motion waiting for a vote, its amendments decided first; bad ids are a 400
naming the field), the motion's version is pinned in the spec (so the fingerprint covers the words voted
on), opening and recording refuse a text that changed since, and the count records the outcome as itself,
not as whoever happened to look after the closing time. Through the API; both databases."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select, update

from ballot_people import cac, moment, set_up, signed_in  # noqa: F401 (fixtures)
from ballots import kinds
from ballots.published_record import build_record, read_record_json, verify_record, write_record_json
from ballots.receipts import RecordEntry, new_receipt
from ballots.validation import validate
from server.db.models import Ballot, Follow, Membership, MotionEvent, MotionVersion, Notification

TEXT = "**This body resolves:**\n\nTo fund the renters' union with 500 pounds.\n"


async def _people(signed_in, *names):
    return [await signed_in(who) for who in names]


async def _meeting(admin, body_id: int) -> int:
    now = datetime.now(timezone.utc)
    response = await admin.api("POST", f"/api/v1/bodies/{body_id}/meetings", {
        "title": "Conference", "held_on": date(2027, 3, 1).isoformat(),
        "motions_deadline": (now + timedelta(days=7)).isoformat(),
        "amendments_deadline": (now + timedelta(days=14)).isoformat()})
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def _motion(mover, olive, meeting: int, *actions: str) -> int:
    motion = (await mover.api("POST", f"/api/v1/meetings/{meeting}/motions",
                              {"title": "Fund the renters' union", "text": TEXT})).json()["id"]
    for who, action in [(mover, "submit")] + [(olive, a) for a in actions]:
        response = await who.api("POST", f"/api/v1/motions/{motion}/actions/{action}", {})
        assert response.status_code == 200, response.text
    return motion


async def _amendment(mover, olive, motion: int, passage: str, replacement: str) -> int:
    response = await mover.api("POST", f"/api/v1/motions/{motion}/amendments",
                               {"operation": "replace", "passage": passage, "replacement": replacement})
    assert response.status_code == 201, response.text
    amendment = response.json()["id"]
    assert (await olive.api("POST", f"/api/v1/amendments/{amendment}/actions/admit", {})).status_code == 200
    return amendment


async def _open_with_votes(olive, body_id: int, voters, **fields) -> int:
    ballot = await set_up(olive, body_id, **{"title": "", **fields})
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})).status_code == 200
    for voter in voters:
        cast = await voter.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "yes"})
        assert cast.status_code == 201, cast.text
    return ballot


async def _refused(runner, body_id: int, status: int, **fields) -> dict:
    response = await runner.api("POST", f"/api/v1/bodies/{body_id}/ballots", {
        "kind": "motion", "title": "A ballot", "opens": moment(hours=1), "closes": moment(hours=3), **fields})
    assert response.status_code == status, response.text
    return response.json()["error"]


async def _ballot_count(app) -> int:
    async with app.state.sessions() as db:
        return len((await db.execute(select(Ballot.id))).all())


async def _state(browser, motion: int) -> str:
    return (await browser.api("GET", f"/api/v1/motions/{motion}")).json()["state"]


async def _outcome_events(app, motion: int) -> list[MotionEvent]:
    async with app.state.sessions() as db:
        return list((await db.execute(select(MotionEvent).where(
            MotionEvent.motion_id == motion, MotionEvent.action.in_(("outcome", "amendment_outcome")))
            .order_by(MotionEvent.id))).scalars())


async def test_a_branch_ballot_cannot_decide_a_national_motion(app, signed_in, cac):
    """The review's reproduction: Olive, an ordinary NMM member and an officer of North branch, links a
    North ballot with a title of its own to a scheduled NMM motion. Refused, nothing stored, still scheduled."""
    admin, olive, sam = await _people(signed_in, "admin", "olive", "sam")
    motion = await _motion(sam, olive, await _meeting(admin, cac.bodies["nmm"]), "admit", "schedule")
    async with app.state.sessions() as db:
        await db.execute(update(Membership).where(Membership.member_id == cac.members["olive"],
                                                  Membership.body_id == cac.bodies["nmm"]).values(role="member"))
        await db.commit()
    error = await _refused(olive, cac.bodies["north"], 400, title="Branch view", motion_id=motion)
    assert "a meeting of National Members' Meeting" in error["message"]
    assert "not one of North branch" in error["message"] and "motion_id" in error["fields"]
    assert await _ballot_count(app) == 0 and await _state(sam, motion) == "scheduled"

    # ballots linked before the check existed (no pinned text): a draft does not open, an open one records nothing
    draft = await set_up(olive, cac.bodies["north"], title="Branch view")
    opened = await _open_with_votes(olive, cac.bodies["north"], (olive,), title="Branch view, open")
    async with app.state.sessions() as db:
        await db.execute(update(Ballot).where(Ballot.id.in_((draft, opened))).values(motion_id=motion))
        await db.commit()
    opening = await olive.api("POST", f"/api/v1/ballots/{draft}/actions/open", {})
    assert opening.status_code == 409 and "is not on the agenda of a meeting of North branch" in opening.text
    closed = await olive.api("POST", f"/api/v1/ballots/{opened}/actions/close", {})
    assert closed.json()["note"] == (
        "The outcome (carried) was not recorded on the motion: “Fund the renters' union” is on the agenda of "
        "Conference, a meeting of National Members' Meeting, which this ballot's body does not decide for.")
    assert await _state(sam, motion) == "scheduled"


async def test_bad_or_unknown_ids_are_a_400_naming_the_field(app, signed_in, cac):
    admin, olive, nora = await _people(signed_in, "admin", "olive", "nora")
    nmm = cac.bodies["nmm"]
    meeting = await _meeting(admin, nmm)
    for value in ("abc", 1.5, True, [1], {"id": 1}, 0, -3, 10**12):
        error = await _refused(olive, nmm, 400, motion_id=value)
        assert list(error["fields"]) == ["motion_id"] and "must be the id of a motion" in error["message"], value
        error = await _refused(olive, nmm, 400, kind="amendment", amendment_id=value)
        assert list(error["fields"]) == ["amendment_id"] and "amendment" in error["message"], value
    error = await _refused(olive, nmm, 400, motion_id=99999)
    assert error["message"] == "There is no motion 99999, or you may not read it."
    assert (await _refused(olive, nmm, 400, amendment_id="99999"))["fields"] == {"amendment_id": "No such amendment."}
    draft = (await nora.api("POST", f"/api/v1/meetings/{meeting}/motions",
                            {"title": "Not yet", "text": TEXT})).json()["id"]  # a draft Olive may not read
    assert (await _refused(olive, nmm, 400, motion_id=draft))["fields"] == {"motion_id": "No such motion."}
    motion = await _motion(nora, olive, meeting, "admit", "schedule")
    error = await _refused(olive, nmm, 400, kind="choice", candidates=["A", "B"], motion_id=motion)
    assert "Only a motion or amendment ballot decides a motion" in error["message"]
    assert "amendment_id" in (await _refused(olive, nmm, 400, kind="amendment", motion_id=motion))["fields"]
    assert await _ballot_count(app) == 0
    quoted = await set_up(olive, nmm, title="", motion_id=str(motion))  # digits in quotes are the id
    shown = (await olive.api("GET", f"/api/v1/ballots/{quoted}")).json()
    assert shown["motion_id"] == motion and shown["title"] == "Fund the renters' union"


async def test_only_a_motion_or_amendment_waiting_for_a_vote_takes_a_ballot(app, signed_in, cac):
    admin, olive, nora, sam = await _people(signed_in, "admin", "olive", "nora", "sam")
    nmm = cac.bodies["nmm"]
    meeting = await _meeting(admin, nmm)
    submitted = await _motion(nora, olive, meeting)
    error = await _refused(olive, nmm, 409, motion_id=submitted)
    assert "“Fund the renters' union” is submitted; only an admitted or scheduled motion" in error["message"]
    motion = await _motion(nora, olive, meeting, "admit")
    pending = (await sam.api("POST", f"/api/v1/motions/{motion}/amendments", {
        "operation": "replace", "passage": "500 pounds", "replacement": "5 pounds"})).json()["id"]
    error = await _refused(olive, nmm, 409, kind="amendment", amendment_id=pending)
    assert "amendment 1 to “Fund the renters' union” is submitted; only an admitted amendment" in error["message"]
    other = await _motion(nora, olive, meeting, "admit", "schedule")
    assert (await olive.api("POST", f"/api/v1/motions/{other}/actions/outcome",
                            {"outcome": "carried"})).status_code == 200
    assert "was carried" in (await _refused(olive, nmm, 409, motion_id=other))["message"]
    assert await _ballot_count(app) == 0


async def test_a_motion_ballot_waits_until_its_amendments_are_decided(app, signed_in, cac):
    """The review's reproduction of the text changing under an open ballot: the motion's ballot can no longer
    be set up, nor a draft opened, while an amendment is undecided."""
    admin, olive, nora, sam = await _people(signed_in, "admin", "olive", "nora", "sam")
    nmm = cac.bodies["nmm"]
    motion = await _motion(nora, olive, await _meeting(admin, nmm), "admit")
    early = await set_up(olive, nmm, title="", motion_id=motion)  # a draft, before any amendment
    amendment = await _amendment(sam, olive, motion, "500 pounds", "50,000 pounds")
    assert (await olive.api("POST", f"/api/v1/motions/{motion}/actions/schedule", {})).status_code == 200
    error = await _refused(olive, nmm, 409, title="", motion_id=motion)
    assert ("amendments to “Fund the renters' union” are decided before it, and amendment 1 (admitted) is still "
            "undecided") in error["message"]
    opening = await olive.api("POST", f"/api/v1/ballots/{early}/actions/open", {})
    assert opening.status_code == 409 and "The ballot cannot be opened" in opening.json()["error"]["message"]
    on_amendment = await _open_with_votes(olive, nmm, (olive,), kind="amendment", amendment_id=amendment)
    closed = await olive.api("POST", f"/api/v1/ballots/{on_amendment}/actions/close", {})
    assert closed.json()["note"] == "The outcome (carried) is recorded on the amendment."
    # decided: the draft set up on version 1 no longer opens; a new ballot is on version 2 and decides it
    opening = await olive.api("POST", f"/api/v1/ballots/{early}/actions/open", {})
    assert opening.status_code == 409 and ("this ballot is on version 1 of “Fund the renters' union”, but the motion "
                                           "now reads as version 2 (as amended by amendment 1)") in opening.text
    on_motion = await _open_with_votes(olive, nmm, (nora, sam, admin), motion_id=motion)
    closed = await olive.api("POST", f"/api/v1/ballots/{on_motion}/actions/close", {})
    assert closed.json()["note"] == "The outcome (carried) is recorded on the motion."
    shown = await nora.api("GET", f"/api/v1/motions/{motion}")
    assert shown.json()["state"] == "carried" and "50,000 pounds" in shown.text
    async with app.state.sessions() as db:
        v2 = (await db.execute(select(MotionVersion).where(MotionVersion.motion_id == motion,
                                                           MotionVersion.number == 2))).scalar_one()
        assert v2.created_by_id == cac.members["sam"]  # carried by a count: credited to the amendment's mover
    sha = hashlib.sha256(v2.text.encode()).hexdigest()
    spec = (await olive.api("GET", f"/api/v1/ballots/{on_motion}")).json()["spec"]
    assert spec["subject_version"] == f"motion {motion} version 2 text sha256:{sha}"


async def test_the_pinned_text_is_in_the_fingerprint_and_a_changed_text_records_nothing(app, signed_in, cac):
    """An amendment proposed after the motion's ballot opened, and carried by the CAC, changes the text
    under the ballot: the count then records nothing and the ballot's report says why."""
    admin, olive, nora, sam = await _people(signed_in, "admin", "olive", "nora", "sam")
    nmm = cac.bodies["nmm"]
    motion = await _motion(nora, olive, await _meeting(admin, nmm), "admit", "schedule")
    ballot = await _open_with_votes(olive, nmm, (nora, sam, admin), motion_id=motion)
    shown = (await olive.api("GET", f"/api/v1/ballots/{ballot}")).json()
    pin = f"motion {motion} version 1 text sha256:{hashlib.sha256(TEXT.encode()).hexdigest()}"
    spec = kinds.BallotSpec.from_dict(shown["spec"])
    assert spec.subject_version == pin and shown["fingerprint"] == spec.fingerprint()
    assert pin in (await nora.get(f"/ballots/{ballot}")).text  # the ballot page shows the text voted on
    other_version = kinds.with_flags(spec, subject_version=pin.replace("version 1", "version 2"))
    assert other_version.fingerprint() != spec.fingerprint()

    amendment = await _amendment(sam, olive, motion, "500 pounds", "50,000 pounds")
    carried = await olive.api("POST", f"/api/v1/amendments/{amendment}/actions/outcome", {"outcome": "carried"})
    assert carried.status_code == 200, carried.text
    closed = await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})
    why = ("The outcome (carried) was not recorded on the motion: this ballot is on version 1 of “Fund the renters' "
           "union”, but the motion now reads as version 2 (as amended by amendment 1).")
    assert closed.json()["note"].startswith(why)
    assert await _state(nora, motion) == "scheduled"
    assert [e.action for e in await _outcome_events(app, motion)] == ["amendment_outcome"]
    result = (await nora.api("GET", f"/api/v1/ballots/{ballot}/result")).json()
    assert why in result["report"] and why in (await nora.get(f"/ballots/{ballot}/report.txt")).text
    record = read_record_json((await nora.get(f"/ballots/{ballot}/record.json")).text)
    assert record.spec.subject_version == pin and verify_record(record) == []


async def test_an_amendment_ballot_records_nothing_once_an_earlier_amendment_changed_the_text(app, signed_in, cac):
    admin, olive, nora, sam = await _people(signed_in, "admin", "olive", "nora", "sam")
    nmm = cac.bodies["nmm"]
    motion = await _motion(nora, olive, await _meeting(admin, nmm), "admit")
    first = await _amendment(sam, olive, motion, "500 pounds", "1,000 pounds")
    second = await _amendment(sam, olive, motion, "renters' union", "tenants' union")
    assert (await olive.api("POST", f"/api/v1/motions/{motion}/actions/schedule", {})).status_code == 200
    on_first = await _open_with_votes(olive, nmm, (nora,), kind="amendment", amendment_id=first)
    on_second = await _open_with_votes(olive, nmm, (nora,), kind="amendment", amendment_id=second)
    assert (await olive.api("GET", f"/api/v1/ballots/{on_second}")).json()["spec"]["subject_version"].startswith(
        "amendment 2 sha256:")
    await olive.api("POST", f"/api/v1/ballots/{on_first}/actions/close", {})
    closed = await olive.api("POST", f"/api/v1/ballots/{on_second}/actions/close", {})
    assert closed.json()["note"].startswith(
        "The outcome (carried) was not recorded on the amendment: this ballot is on amendment 2 to version 1 of "
        "“Fund the renters' union”, but the motion now reads as version 2 (as amended by amendment 1).")
    assert (await nora.api("GET", f"/api/v1/amendments/{second}")).json()["state"] == "admitted"


async def test_a_timetable_close_records_the_outcome_as_the_count_and_tells_every_follower(app, signed_in, cac):
    """The review's finding 12: Nora, the mover, happens to be the first to look after the closing time.
    The history names no member, says which ballot's count recorded it, and Nora is told like Sam."""
    admin, olive, nora, sam = await _people(signed_in, "admin", "olive", "nora", "sam")
    nmm = cac.bodies["nmm"]
    motion = await _motion(nora, olive, await _meeting(admin, nmm), "admit", "schedule")
    assert (await sam.api("POST", f"/api/v1/motions/{motion}/actions/follow", {})).status_code == 200
    ballot = await _open_with_votes(olive, nmm, (nora, sam), motion_id=motion)
    async with app.state.sessions() as db:
        await db.execute(update(Ballot).where(Ballot.id == ballot)
                         .values(closes_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
        await db.commit()
    shown = (await nora.api("GET", f"/api/v1/ballots/{ballot}")).json()
    assert shown["state"] == "published" and shown["close_reason"] == "timetable"
    assert await _state(nora, motion) == "carried"
    [event] = await _outcome_events(app, motion)
    assert event.actor_id is None and event.to_state == "carried"
    assert event.reason.startswith(f"recorded by the count of ballot {ballot}: Carried")
    async with app.state.sessions() as db:
        told = (await db.execute(select(Notification.member_id).where(
            Notification.motion_id == motion, Notification.text.like("%was carried: recorded by the count%")))).all()
        followers = (await db.execute(select(Follow.member_id).where(Follow.motion_id == motion))).all()
    assert sorted(m for (m,) in told) == sorted(m for (m,) in followers)
    assert {cac.members["nora"], cac.members["sam"]} <= {m for (m,) in told}
    page = await sam.get(f"/motions/{motion}")
    assert f"Plenary: outcome → Carried — recorded by the count of ballot {ballot}" in page.text


def test_a_spec_without_a_pinned_text_reads_and_hashes_as_before():
    """Specs stored before ``subject_version`` existed: read back byte for byte, same fingerprint."""
    spec = kinds.motion("Old motion", kinds.Electorate(3, 3, "d" * 64),
                        kinds.Timetable("2026-01-01T10:00:00Z", "2026-01-02T10:00:00Z"))
    stored = spec.canonical_json()
    assert "subject_version" not in json.loads(stored)
    again = kinds.BallotSpec.from_json(stored)
    assert again.canonical_json() == stored and again.fingerprint() == spec.fingerprint()
    pinned = kinds.with_flags(spec, subject_version="motion 4 version 2 text sha256:" + "a" * 64)
    assert json.loads(pinned.canonical_json())["subject_version"].startswith("motion 4 version 2")
    assert pinned.fingerprint() != spec.fingerprint()
    taken: list[str] = []
    for _ in range(3):
        taken.append(new_receipt(taken))
    entries = [RecordEntry(code, validate(pinned, {"choice": "yes"}, 1)) for code in taken]
    record = read_record_json(write_record_json(build_record(pinned, entries)))
    assert record.spec == pinned and verify_record(record) == []
    for bad in (" padded", "two\nlines"):
        try:
            kinds.with_flags(spec, subject_version=bad)
        except kinds.SpecError:
            continue
        raise AssertionError(f"{bad!r} was accepted")
    choice = kinds.choice("Pick", ["A", "B"], spec.electorate, spec.timetable, seed="s")
    try:
        kinds.with_flags(choice, subject_version="motion 4 version 2")
    except kinds.SpecError as refused:
        assert "only a motion or amendment ballot" in str(refused)
    else:
        raise AssertionError("a choice ballot took a pinned motion text")
