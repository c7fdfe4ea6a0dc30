"""The home page's "Open for you": meetings taking motions, co-author invitations, motions
needing supporters and unread notifications, each only for the members they concern."""

from __future__ import annotations

from datetime import date, timedelta

from server.db.models import (Meeting, Motion, MotionAuthor, MotionSupporter, MotionVersion, Notification,
                              utcnow)


async def _open_things(app, org) -> dict[str, int]:
    now = utcnow()
    async with app.state.sessions() as db:
        def meeting(body: str, title: str, motions_in: int, amendments_in: int) -> Meeting:
            found = Meeting(body_id=org.bodies[body], title=title, held_on=date(2027, 1, 1),
                            motions_deadline=now + timedelta(days=motions_in),
                            amendments_deadline=now + timedelta(days=amendments_in), supporters_needed=2)
            db.add(found)
            return found

        north_agm = meeting("north", "North AGM", 5, 10)
        north_late = meeting("north", "North special meeting", -5, 3)
        meeting("north", "North last year", -20, -10)
        meeting("south", "South AGM", 5, 10)
        await db.flush()

        def motion(state: str, title: str, at: Meeting = north_agm) -> Motion:
            found = Motion(meeting_id=at.id, state=state, version_number=1, created_by_id=org.members["olive"])
            db.add(found)
            return found

        draft, short, backed = motion("draft", "Rent strike"), motion("submitted", "Free transit"), motion(
            "submitted", "Tenants union")
        await db.flush()
        for m, title in ((draft, "Rent strike"), (short, "Free transit"), (backed, "Tenants union")):
            db.add(MotionVersion(motion_id=m.id, number=1, title=title, text="This branch resolves.",
                                 created_by_id=org.members["olive"]))
            db.add(MotionAuthor(motion_id=m.id, member_id=org.members["olive"], role="mover", accepted_at=now))
        db.add(MotionAuthor(motion_id=draft.id, member_id=org.members["nora"], role="co_author"))
        db.add(MotionSupporter(motion_id=short.id, member_id=org.members["admin"]))
        db.add(MotionSupporter(motion_id=backed.id, member_id=org.members["nora"]))
        for _ in range(2):
            db.add(Notification(member_id=org.members["nora"], motion_id=short.id, text="New post", link="/"))
        db.add(Notification(member_id=org.members["nora"], motion_id=short.id, text="Old", link="/", read_at=now))
        await db.commit()
        return {"agm": north_agm.id, "late": north_late.id, "draft": draft.id, "short": short.id,
                "backed": backed.id}


async def test_home_lists_what_is_open_for_the_member(app, client, org, h):
    ids = await _open_things(app, org)
    await h.signed_in_token(client, "nora@example.org")
    page = (await client.get("/")).text
    assert "Nothing is open for you" not in page
    assert f'<a href="/meetings/{ids["agm"]}">North AGM (North branch) takes motions</a>' in page
    assert f'<a href="/meetings/{ids["late"]}">North special meeting (North branch) takes amendments</a>' in page
    assert "North last year" not in page and "South AGM" not in page
    assert f'<a href="/motions/{ids["draft"]}">You are invited to co-author “Rent strike”</a>' in page
    assert f'<a href="/motions/{ids["short"]}">“Free transit” needs supporters (1 of 2)</a>' in page
    assert "Tenants union" not in page  # she supports it already
    assert '<a href="/notifications">2 unread notifications</a>' in page
    assert page.index("North special meeting") < page.index("North AGM")  # soonest deadline first
    assert " — until " in page and " UTC</span>" in page


async def test_others_see_only_their_own_open_items(app, client, other_client, org, h):
    ids = await _open_things(app, org)
    await h.signed_in_token(client, "sam@example.org")  # south branch: no invitation, no north meetings
    page = (await client.get("/")).text
    assert "South AGM (South branch) takes motions" in page
    assert "North AGM" not in page and "co-author" not in page and "needs supporters" not in page
    assert "unread notification" not in page
    await h.signed_in_token(other_client, "olive@example.org")  # the mover: nothing to support on her own motions
    olive = (await other_client.get("/")).text
    assert "North AGM" in olive and "needs supporters" not in olive and f'/motions/{ids["draft"]}' not in olive


async def test_nothing_open_says_so(client, org, h):
    await h.signed_in_token(client, "nora@example.org")
    assert "Nothing is open for you right now." in (await client.get("/")).text
