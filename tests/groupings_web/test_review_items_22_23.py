"""Review R7, items 22 and 23, on both databases.

22: a faction names a meeting of the body it belongs to (the NMM) that has not yet voted; the
service refuses any other, whatever the form offered, and a faction whose meeting was deleted
(the key is SET NULL) is still shown.
23: a recall motion that needs supporters is made known to the electing body, each member as
they chose to hear of petitions (in the app, the daily digest, each by email through a real
local SMTP server); and every member belongs to the NMM, so any member may start or support
the recall of a holder the NMM elected, as they may sign its groupings and petitions.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import delete, select

from server.auth.passwords import hash_password
from server.db.models import Holding, Meeting, Member, Membership, Position
from server.db.models_groupings import GroupingProposal, Notice
from server.services import notices
from server_fixtures import PASSWORD


async def _meeting(app, body_id: int, title: str, days_from_now: int) -> int:
    now = datetime.now(timezone.utc)
    async with app.state.sessions() as db:
        meeting = Meeting(body_id=body_id, title=title, held_on=(now + timedelta(days=days_from_now)).date(),
                          motions_deadline=now - timedelta(days=40), amendments_deadline=now - timedelta(days=35))
        db.add(meeting)
        await db.commit()
        return meeting.id


def _faction(meeting: int, name: str = "Renters First") -> dict:
    return {"kind": "faction", "name": name, "purpose": "Affiliate to the renters' union.", "meeting_id": meeting}


# --- 22: the faction's meeting ------------------------------------------------------------------

async def test_a_faction_for_a_meeting_that_has_voted_is_refused(as_member, people, org, app):
    past = await _meeting(app, org.bodies["nmm"], "Conference 2025", -3)
    olive = await as_member("olive")
    api = await olive.api("POST", "/api/v1/groupings", _faction(past))
    assert api.status_code == 409, api.text
    assert "Conference 2025" in api.json()["error"]["message"]
    assert "has already voted, so a faction for it would be dissolved as soon as it was proposed" in api.text
    assert api.json()["error"]["fields"]["meeting_id"]
    page = await olive.post("/groupings", **{k: str(v) for k, v in _faction(past).items()})
    assert page.status_code == 409 and "Name a meeting still to come." in page.text
    # the form does not offer it; the coming NMM meeting is offered and accepted
    listed = await olive.get("/groupings")
    assert "Conference 2025" not in listed.text and "Conference 2027" in listed.text
    assert (await olive.api("POST", "/api/v1/groupings", _faction(people["meeting"]))).status_code == 201


async def test_a_faction_for_another_bodys_meeting_is_refused(as_member, people, org, app):
    branch_meeting = await _meeting(app, org.bodies["north"], "North branch AGM", 20)
    olive = await as_member("olive")
    api = await olive.api("POST", "/api/v1/groupings", _faction(branch_meeting))
    assert api.status_code == 400, api.text
    message = api.json()["error"]["message"]
    assert message == ("North branch AGM is a meeting of North branch; a faction belongs to National Members' "
                       "Meeting and names one of its meetings to decide its question.")
    assert api.json()["error"]["fields"]["meeting_id"] == "Choose a meeting of National Members' Meeting."
    assert "North branch AGM" not in (await olive.get("/groupings")).text
    async with app.state.sessions() as db:
        assert (await db.execute(select(GroupingProposal.id))).first() is None  # nothing was proposed


async def test_a_faction_whose_meeting_was_deleted_is_still_shown(as_member, people, org, app):
    meeting = await _meeting(app, org.bodies["nmm"], "Special NMM", 10)
    olive = await as_member("olive")
    created = await olive.api("POST", "/api/v1/groupings", _faction(meeting))
    assert created.status_code == 201, created.text
    proposal = created.json()["id"]
    async with app.state.sessions() as db:
        await db.execute(delete(Meeting).where(Meeting.id == meeting))
        await db.commit()
    state = await olive.api("GET", f"/api/v1/groupings/{proposal}")
    assert state.status_code == 200, state.text
    assert state.json()["meeting_id"] is None and state.json()["dissolved"] is False
    assert state.json()["lifespan"] == "The meeting it named has been deleted, so no date of dissolution is known."
    page = await olive.get(f"/groupings/{proposal}")
    assert page.status_code == 200 and "The meeting it named has been deleted" in page.text
    assert (await olive.get("/groupings")).status_code == 200
    nora = await as_member("nora")
    assert (await nora.post(f"/groupings/{proposal}/sign")).status_code == 303


# --- 23: recall notices, and the NMM's members -----------------------------------------------

async def _join(app, member_id: int, body_id: int) -> None:
    async with app.state.sessions() as db:
        db.add(Membership(member_id=member_id, body_id=body_id, role="member"))
        await db.commit()


async def _choose(browser, petition: str) -> None:
    response = await browser.post("/account/notices", petition=petition, document="in_app", bulletin="in_app",
                                  ballot="in_app")
    assert response.status_code == 303, response.text


async def _start(browser, holding: int) -> int:
    started = await browser.post(f"/holdings/{holding}/recall", reason="Did not call the AGM.")
    assert started.status_code == 303, started.text
    return int(re.search(r"/recalls/(\d+)", started.headers["location"]).group(1))


async def test_a_recall_needing_supporters_tells_the_electing_body_as_each_chose(
        as_member, people, org, app, smtp, settings):
    admin = await as_member("admin")
    rules = await admin.api("PUT", f"/api/v1/bodies/{org.bodies['north']}/grouping-rules",
                            {"minimum_signatures": 10, "recall_supporters": 3, "recall_notice_days": 7})
    assert rules.status_code == 200, rules.text
    # North: Olive (the holder, in the app), Nora (starts it), Signer1 (each by email), Signer2 (digest)
    await _join(app, people["signer1"], org.bodies["north"])
    await _join(app, people["signer2"], org.bodies["north"])
    await _choose(await as_member("signer1"), "email")
    await _choose(await as_member("signer2"), "digest")
    await _choose(await as_member("sam"), "email")  # South: not told
    nora = await as_member("nora")
    await _choose(nora, "email")  # she started it: not told
    recall = await _start(nora, org.holdings["north_secretary"])

    title = "Recall Olive as Secretary of North branch: a recall motion needs 2 more supporters from North branch"
    [mail] = smtp.messages()
    assert [a.addr_spec for a in mail["To"].addresses] == ["signer1@example.org"]
    assert mail["Subject"].endswith(title), mail["Subject"]
    assert f"http://testserver/recalls/{recall}" in mail.get_body(("plain",)).get_content()
    olive_page = await (await as_member("olive")).get("/account/notices")
    assert title in olive_page.text and f'href="/recalls/{recall}"' in olive_page.text
    assert title not in (await (await as_member("sam")).get("/account/notices")).text
    async with app.state.sessions() as db:
        told = (await db.execute(select(Notice.member_id).where(Notice.kind == "petition")
                                 .order_by(Notice.member_id))).scalars().all()
        assert sorted(told) == sorted([people["olive"], people["signer1"], people["signer2"]])
        assert await notices.send_digests(db, app.state.mail_settings, settings.secret_key, date(2026, 3, 10)) == 1
    digest = smtp.messages()[-1]
    assert digest["To"].addresses[0].addr_spec == "signer2@example.org"
    assert title in digest.get_body(("plain",)).get_content()


async def test_a_recall_its_starter_alone_carries_asks_nobody(as_member, people, org, app, smtp):
    admin = await as_member("admin")
    await admin.api("PUT", f"/api/v1/bodies/{org.bodies['north']}/grouping-rules",
                    {"minimum_signatures": 10, "recall_supporters": 1, "recall_notice_days": 7})
    await _join(app, people["signer1"], org.bodies["north"])
    await _choose(await as_member("signer1"), "email")
    await _start(await as_member("nora"), org.holdings["north_secretary"])
    assert smtp.messages() == []
    async with app.state.sessions() as db:
        assert (await db.execute(select(Notice.id))).first() is None


async def _member_without_rows(app, settings, who: str) -> int:
    """A member with no membership row at all: DOMAIN makes them a member of the NMM all the same."""
    async with app.state.sessions() as db:
        member = Member(name=who.title(), email=f"{who}@example.org", email_key=f"{who}@example.org",
                        password_hash=hash_password(settings, PASSWORD), is_site_admin=False, session_version=1)
        db.add(member)
        await db.commit()
        return member.id


async def test_any_member_starts_and_supports_the_recall_of_an_nmm_elected_holder(as_member, people, org, app,
                                                                                   settings, smtp):
    async with app.state.sessions() as db:
        post = Position(body_id=org.bodies["nmm"], title="National Secretary", filled_by="individually", seats=1,
                        elected_by_id=org.bodies["nmm"])
        db.add(post)
        await db.flush()
        held = Holding(position_id=post.id, member_id=org.members["olive"], elected_by_id=org.bodies["nmm"],
                       starts_on=date(2026, 1, 1))
        db.add(held)
        await db.commit()
        holding = held.id
    admin = await as_member("admin")
    assert (await admin.api("PUT", f"/api/v1/bodies/{org.bodies['nmm']}/grouping-rules",
                            {"minimum_signatures": 10, "recall_supporters": 3,
                             "recall_notice_days": 7})).status_code == 200
    rosa = await _member_without_rows(app, settings, "rosa")
    await _member_without_rows(app, settings, "tom")
    first, second = await as_member("rosa"), await as_member("tom")
    await _choose(second, "email")
    nmm = (await first.api("GET", f"/api/v1/bodies/{org.bodies['nmm']}")).json()
    [holder] = [h for p in nmm["positions"] if p["title"] == "National Secretary" for h in p["holders"]]
    assert holder["can_start_recall"] is True
    assert (await first.get(f"/holdings/{holding}/recall")).status_code == 200
    recall = await _start(first, holding)
    assert (await first.get(f"/recalls/{recall}")).status_code == 200
    # every other member of the NMM is asked, row or not: Tom by email
    assert [m["To"].addresses[0].addr_spec for m in smtp.messages()] == ["tom@example.org"]
    async with app.state.sessions() as db:
        told = set((await db.execute(select(Notice.member_id))).scalars().all())
        everyone = set((await db.execute(select(Member.id))).scalars().all())
    assert told == everyone - {rosa}
    page = await second.get(f"/recalls/{recall}")
    assert page.status_code == 200, page.text
    assert (await second.post(f"/recalls/{recall}/support")).status_code == 303
    state = (await second.api("GET", f"/api/v1/recalls/{recall}")).json()
    assert state["supporters"] == ["Rosa", "Tom"]
