"""The bulletin after the R7 review (notes/R7-review.md, findings 9, 12-14, 19 and 21): the PDF is
built once per version of an issue and kept in the data directory, off the event loop; an issue
is published only after its deadline; a named grouping must exist and a named officer can be
chosen on the page (and then has the right of reply); only a live faction, platform, caucus or
fraction submits in its own name; times are shown in the organisation's time zone; the docket
says who refused a document. Pages through the real app on both databases."""

from __future__ import annotations

import asyncio
import io
import re
import time
from datetime import date, datetime, timedelta, timezone

from pypdf import PdfReader
from sqlalchemy import update

from server.db.models import Body, Meeting, Membership
from server.db.models_groupings import BulletinIssue, BulletinSubmission, GroupingProposal, GroupingRules


async def _open(admin, title: str, deadline: str | None = None) -> int:
    deadline = deadline or (datetime.now(timezone.utc) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    opened = await admin.post("/bulletin", body="nmm", title=title, deadline=deadline)
    assert opened.status_code == 303, opened.text
    return int(re.search(r"/bulletin/(\d+)", opened.headers["location"]).group(1))


async def _submit(member, issue: int, title: str, text: str | None = None, **extra) -> int:
    done = await member.post(f"/bulletin/{issue}/submissions", title=title, text=text or f"The text of {title}.",
                             **extra)
    assert done.status_code == 303, done.text
    docket = (await member.api("GET", f"/api/v1/bulletin/{issue}")).json()["docket"]
    return next(d["id"] for d in reversed(docket) if d["title"] == title)


async def _close(app, issue: int) -> None:
    """Let the submission deadline pass."""
    async with app.state.sessions() as db:
        await db.execute(update(BulletinIssue).where(BulletinIssue.id == issue)
                         .values(deadline=datetime.now(timezone.utc) - timedelta(minutes=1)))
        await db.commit()


def _pdf_text(content: bytes) -> str:
    """The PDF's words, with line breaks as spaces (the layout wraps long lines)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def _kept(settings, issue: int) -> list:
    return sorted((settings.data_dir / "bulletin").glob(f"issue-{issue}-*.pdf"))


# --- finding 9: the PDF is built once per version and kept; the build does not block ------------

async def test_the_pdf_is_built_once_kept_and_built_again_only_when_the_issue_changes(as_member, org, app, settings):
    admin, sam = await as_member("admin"), await as_member("sam")
    issue = await _open(admin, "Kept bulletin")
    await _submit(sam, issue, "For rent controls")
    refused = await _submit(sam, issue, "Against the leadership")
    assert (await admin.post(f"/bulletin/submissions/{refused}/refuse", reason="Off topic.")).status_code == 303
    await _close(app, issue)
    assert (await admin.post(f"/bulletin/{issue}/publish")).status_code == 303

    first = await sam.get(f"/bulletin/{issue}.pdf")
    assert first.status_code == 200 and first.content.startswith(b"%PDF-")
    [kept] = _kept(settings, issue)
    assert kept.read_bytes() == first.content
    stamp = kept.stat()
    # the second download is the kept file, not a new build (a build would write the file again)
    second = await admin.get(f"/bulletin/{issue}.pdf")
    assert second.content == first.content
    assert _kept(settings, issue) == [kept]
    assert (kept.stat().st_mtime_ns, kept.stat().st_ino) == (stamp.st_mtime_ns, stamp.st_ino)

    # a change after publication (an appeal and its outcome in the docket) gives a new build
    appealed = await sam.post(f"/bulletin/submissions/{refused}/appeal", grounds="It is on topic.")
    assert appealed.status_code == 303
    appeal_id = (await sam.api("GET", f"/api/v1/bulletin/{issue}")).json()["docket"][1]["appeals"][0]["id"]
    assert (await admin.post(f"/bulletin/appeals/{appeal_id}/decide", upheld="no",
                             outcome="The editors were right.")).status_code == 303
    third = await sam.get(f"/bulletin/{issue}.pdf")
    assert "Dismissed: The editors were right." in _pdf_text(third.content)
    [rebuilt] = _kept(settings, issue)
    assert rebuilt != kept and not kept.exists()


async def test_a_long_build_does_not_stop_the_server_answering_others(as_member, org, app):
    admin, nora = await as_member("admin"), await as_member("nora")
    issue = await _open(admin, "Long bulletin")
    paragraph = "A paragraph of **text** with some words, long enough to wrap across a line or two. " * 10
    # long enough that the build takes seconds even on a fast machine: the first page's own start-up
    # (templates, the download's queries) must stay well under half of it
    await _submit(nora, issue, "A long document", text=(paragraph + "\n\n") * 240)
    await _close(app, issue)
    assert (await admin.post(f"/bulletin/{issue}/publish")).status_code == 303

    started = time.monotonic()
    download = asyncio.create_task(admin.get(f"/bulletin/{issue}.pdf"))
    answered, longest, last = 0, 0.0, time.monotonic()
    while not download.done():
        page = await nora.get("/bulletin")
        assert page.status_code == 200
        now = time.monotonic()
        longest, last, answered = max(longest, now - last), now, answered + 1
        await asyncio.sleep(0.02)
    built_in = time.monotonic() - started
    assert (await download).status_code == 200
    # the build took seconds, and meanwhile other pages kept being answered promptly
    assert built_in > 1.0, built_in  # long enough that a blocked event loop would show
    assert answered >= 3 and longest < built_in / 2, (answered, longest, built_in)


# --- finding 12: publishing waits for the deadline ------------------------------------------------

async def test_an_issue_is_not_published_before_its_deadline(as_member, org, app):
    admin = await as_member("admin")
    issue = await _open(admin, "Monthly bulletin")
    early = await admin.post(f"/bulletin/{issue}/publish")
    assert early.status_code == 409
    assert "Monthly bulletin takes submissions until" in early.text
    assert "it can be published only after that" in early.text
    api = await admin.api("POST", f"/api/v1/bulletin/{issue}/publication")
    assert api.status_code == 409 and "can be published only after that" in api.json()["error"]["message"]
    assert (await admin.api("GET", f"/api/v1/bulletin/{issue}")).json()["state"] == "open"
    await _close(app, issue)
    assert (await admin.post(f"/bulletin/{issue}/publish")).status_code == 303


# --- finding 13: naming a grouping or an officer ---------------------------------------------------

async def test_naming_an_unknown_body_or_a_member_without_office_is_a_400(as_member, org):
    admin, nora = await as_member("admin"), await as_member("nora")
    issue = await _open(admin, "Monthly bulletin")
    unknown = await nora.post(f"/bulletin/{issue}/submissions", title="Criticism", text="x", names_body_id="999999")
    assert unknown.status_code == 400
    assert "There is no body number 999999 to name" in unknown.text and 'value="Criticism"' in unknown.text
    api = await nora.api("POST", f"/api/v1/bulletin/{issue}/submissions",
                         {"title": "Criticism", "text": "x", "names_body_id": 999999})
    assert api.status_code == 400 and api.json()["error"]["fields"] == {"names_body_id": "Unknown body."}
    no_office = await nora.post(f"/bulletin/{issue}/submissions", title="Criticism", text="x",
                                names_member_id=str(org.members["sam"]))
    assert no_office.status_code == 400 and "holds no office" in no_office.text
    assert (await nora.api("GET", f"/api/v1/bulletin/{issue}")).json()["docket"] == []


async def test_a_named_officer_is_chosen_on_the_page_and_may_reply(as_member, org, app):
    admin, nora, sam, olive = [await as_member(w) for w in ("admin", "nora", "sam", "olive")]
    issue = await _open(admin, "Bulletin 1")
    form = (await nora.get(f"/bulletin/{issue}")).text
    assert re.search(r'<select id="sub-officer" name="names_member_id">.*<option value="%d">Olive, officer of '
                     r'North branch, Secretary</option>' % org.members["olive"], form, re.S)
    assert '<option value="%d">' % org.members["sam"] not in form  # Sam holds no office
    original = await _submit(nora, issue, "The secretary is wrong", names_member_id=str(org.members["olive"]))
    await _close(app, issue)
    assert (await admin.post(f"/bulletin/{issue}/publish")).status_code == 303
    assert "Names Olive, who may reply in the next issue." in (await sam.get(f"/bulletin/{issue}")).text

    later = await _open(admin, "Bulletin 2",
                        (datetime.now(timezone.utc) + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"))
    others = await sam.post(f"/bulletin/{later}/submissions", title="Reply", text="x", reply_to_id=str(original))
    assert others.status_code == 403 and "right of reply belongs" in others.text
    await _submit(olive, later, "The secretary answers", reply_to_id=str(original))
    await _close(app, later)
    assert (await admin.post(f"/bulletin/{later}/publish")).status_code == 303
    assert re.search(r'Reply: <a href="/bulletin/%d#doc-\d+">The secretary answers</a>' % later,
                     (await nora.get(f"/bulletin/{issue}")).text)


# --- finding 14: only a live grouping submits in its own name -------------------------------------

async def _faction(app, org, name: str, meeting_day: date) -> int:
    """A formed faction whose deciding meeting is held on meeting_day; Olive is its officer."""
    async with app.state.sessions() as db:
        body = Body(slug=name.lower().replace(" ", "-"), name=name, kind="faction", parent_id=org.bodies["nmm"])
        db.add(body)
        meeting = Meeting(body_id=org.bodies["nmm"], title=f"Conference for {name}", held_on=meeting_day,
                          motions_deadline=datetime.now(timezone.utc) - timedelta(days=60),
                          amendments_deadline=datetime.now(timezone.utc) - timedelta(days=50))
        db.add(meeting)
        await db.flush()
        db.add(GroupingProposal(kind="faction", name=name, purpose="Rent controls.", parent_id=org.bodies["nmm"],
                                meeting_id=meeting.id, minimum=1, state="formed", proposed_by_id=org.members["olive"],
                                body_id=body.id, formed_at=datetime.now(timezone.utc)))
        db.add(Membership(member_id=org.members["olive"], body_id=body.id, role="officer"))
        await db.commit()
        return body.id


async def test_only_a_live_grouping_submits_in_its_own_name(as_member, org, app):
    admin, olive, wanda = await as_member("admin"), await as_member("olive"), await as_member("wanda")
    today = datetime.now(timezone.utc).date()
    dissolved = await _faction(app, org, "Renters First", today - timedelta(days=5))
    live = await _faction(app, org, "Renters Now", today + timedelta(days=30))
    issue = await _open(admin, "Monthly bulletin")

    gone = await olive.post(f"/bulletin/{issue}/submissions", title="Ours", text="x", grouping_id=str(dissolved))
    assert gone.status_code == 409
    assert "Renters First has dissolved, so it no longer submits in its own name; submit as yourself." in gone.text
    branch = await olive.post(f"/bulletin/{issue}/submissions", title="Ours", text="x",
                              grouping_id=str(org.bodies["north"]))
    assert branch.status_code == 400
    assert "North branch is not a faction, platform, caucus or fraction" in branch.text
    api = await olive.api("POST", f"/api/v1/bulletin/{issue}/submissions",
                          {"title": "Ours", "text": "x", "grouping_id": org.bodies["north"]})
    assert api.status_code == 400 and api.json()["error"]["fields"] == {"grouping_id": "Not a grouping."}

    await _submit(olive, issue, "From the live faction", grouping_id=str(live))
    await _submit(wanda, issue, "From the caucus", grouping_id=str(org.bodies["women"]))
    docket = (await admin.api("GET", f"/api/v1/bulletin/{issue}")).json()["docket"]
    assert [(d["title"], d["grouping"]["name"]) for d in docket] == [
        ("From the live faction", "Renters Now"), ("From the caucus", "Women's caucus")]


# --- findings 19 and 21: local times, and who refused --------------------------------------------

async def test_times_are_in_the_organisations_zone_and_the_docket_names_who_refused(as_member, org, app):
    async with app.state.sessions() as db:
        db.add(GroupingRules(body_id=org.bodies["nmm"], minimum_signatures=10, time_zone="America/New_York",
                             first_weekday="monday", recall_supporters=2, recall_notice_days=7))
        await db.commit()
    admin, nora = await as_member("admin"), await as_member("nora")
    listing = await admin.get("/bulletin")
    assert "Submission deadline (America/New_York time)" in listing.text
    # the deadline is typed in the organisation's zone: 18:00 in New York in January is 23:00 UTC
    issue = await _open(admin, "Winter bulletin", "2099-01-15T18:00")
    shown = (await admin.api("GET", f"/api/v1/bulletin/{issue}")).json()
    assert shown["deadline"] == "2099-01-15T23:00:00+00:00"
    assert "submissions until 15 January 2099 at 18:00 EST" in (await nora.get("/bulletin")).text
    page = await nora.get(f"/bulletin/{issue}")
    assert "<dd>15 January 2099 at 18:00 EST</dd>" in page.text

    kept = await _submit(nora, issue, "For rent controls")
    refused = await _submit(nora, issue, "Against the leadership")
    assert (await admin.post(f"/bulletin/submissions/{refused}/refuse", reason="Off topic.")).status_code == 303
    async with app.state.sessions() as db:  # known moments: 03:30 UTC on 10 January is 22:30 on the 9th in New York
        await db.execute(update(BulletinSubmission).where(BulletinSubmission.id == kept)
                         .values(submitted_at=datetime(2099, 1, 10, 3, 30, tzinfo=timezone.utc)))
        await db.execute(update(BulletinSubmission).where(BulletinSubmission.id == refused)
                         .values(submitted_at=datetime(2099, 1, 10, 4, 0, tzinfo=timezone.utc),
                                 decided_at=datetime(2099, 1, 11, 1, 15, tzinfo=timezone.utc)))
        await db.commit()
    page = await nora.get(f"/bulletin/{issue}")
    assert "Nora, 9 January 2099 at 22:30 EST:" in page.text
    assert ('refused by <span class="refused-by">Admin</span>, 10 January 2099 at 20:15 EST. '
            'Reason: <span class="refusal-reason">Off topic.</span>') in page.text
    assert "UTC" not in page.text

    await _close(app, issue)
    assert (await admin.post(f"/bulletin/{issue}/publish")).status_code == 303
    page = await nora.get(f"/bulletin/{issue}")
    assert "submitted 9 January 2099 at 22:30 EST" in page.text
    text = _pdf_text((await nora.get(f"/bulletin/{issue}.pdf")).content)
    assert "Submitted 9 January 2099 at 22:30." in text
    assert "Times are America/New_York time." in text
    assert "Refused by Admin, 10 January 2099 at 20:15." in text
    assert "Reason for refusal: Off topic." in text
