"""The internal bulletin: submissions in order, a refusal only with a written reason shown in
the docket, an appeal recorded, the issue as a page and one PDF with contents, and a reply
in the next issue linked from the original. Pages on both databases."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta, timezone

from pypdf import PdfReader
from sqlalchemy import update

from server.db.models_groupings import BulletinIssue


async def _issue(admin, title: str, deadline: datetime) -> int:
    opened = await admin.post("/bulletin", body="nmm", title=title, deadline=deadline.strftime("%Y-%m-%dT%H:%M"))
    assert opened.status_code == 303, opened.text
    return int(re.search(r"/bulletin/(\d+)", opened.headers["location"]).group(1))


async def _close(app, issue: int) -> None:
    """Let the deadline pass: an issue is published only after it (R7 review)."""
    async with app.state.sessions() as db:
        await db.execute(update(BulletinIssue).where(BulletinIssue.id == issue)
                         .values(deadline=datetime.now(timezone.utc) - timedelta(minutes=1)))
        await db.commit()


async def _submit(member, issue: int, title: str, **extra) -> None:
    response = await member.post(f"/bulletin/{issue}/submissions", title=title, text=f"The text of **{title}**.",
                                 **extra)
    assert response.status_code == 303, response.text


async def test_a_refused_document_shows_its_reason_in_the_docket_and_the_pdf_has_contents(as_member, people, org, app):
    admin = await as_member("admin")
    issue = await _issue(admin, "Pre-conference bulletin 1", datetime.now(timezone.utc) + timedelta(days=3))
    nora, sam = await as_member("nora"), await as_member("sam")
    await _submit(nora, issue, "For rent controls", names_body_id=str(org.bodies["north"]))
    await _submit(sam, issue, "Against the leadership")
    await _submit(nora, issue, "A third view")
    docket = (await nora.api("GET", f"/api/v1/bulletin/{issue}")).json()["docket"]
    assert [d["title"] for d in docket] == ["For rent controls", "Against the leadership", "A third view"]
    # editors refuse only with a written reason; members cannot refuse at all
    assert (await nora.post(f"/bulletin/submissions/{docket[1]['id']}/refuse", reason="no")).status_code == 403
    bare = await admin.post(f"/bulletin/submissions/{docket[1]['id']}/refuse", reason="  ")
    assert bare.status_code == 400 and "only with a written reason" in bare.text
    done = await admin.post(f"/bulletin/submissions/{docket[1]['id']}/refuse",
                            reason="It names a member's private circumstances.")
    assert done.status_code == 303
    appealed = await sam.post(f"/bulletin/submissions/{docket[1]['id']}/appeal", grounds="It is fair comment.")
    assert appealed.status_code == 303
    page = await nora.get(f"/bulletin/{issue}")
    assert "Reason: <span class=\"refusal-reason\">It names a member&#39;s private circumstances.</span>" in page.text
    assert "Appeal: It is fair comment. — awaiting the outcome" in page.text
    assert (await nora.get(f"/bulletin/{issue}.pdf")).status_code == 409
    await _close(app, issue)
    assert (await admin.post(f"/bulletin/{issue}/publish")).status_code == 303
    page = await sam.get(f"/bulletin/{issue}")
    assert '<a href="#doc-%d">For rent controls</a>' % docket[0]["id"] in page.text
    assert "<strong>For rent controls</strong>" in page.text and "Against the leadership</a>" not in page.text
    pdf = await sam.get(f"/bulletin/{issue}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Contents" in text and "For rent controls" in text
    assert "It names a member's private circumstances." in text
    # the right of reply: the North branch, named, answers in the next issue; the reply is linked
    later = await _issue(admin, "Bulletin 2", datetime.now(timezone.utc) + timedelta(days=10))
    sam_reply = await sam.post(f"/bulletin/{later}/submissions", title="Reply", text="x",
                               reply_to_id=str(docket[0]["id"]))
    assert sam_reply.status_code == 403 and "right of reply belongs" in sam_reply.text
    olive = await as_member("olive")
    await _submit(olive, later, "North replies", reply_to_id=str(docket[0]["id"]))
    await _close(app, later)
    assert (await admin.post(f"/bulletin/{later}/publish")).status_code == 303
    original = await nora.get(f"/bulletin/{issue}")
    assert re.search(r'Reply: <a href="/bulletin/%d#doc-\d+">North replies</a>' % later, original.text)


async def test_submissions_close_at_the_deadline(as_member, people, app):
    admin = await as_member("admin")
    issue = await _issue(admin, "Monthly bulletin", datetime.now(timezone.utc) + timedelta(days=1))
    async with app.state.sessions() as db:
        await db.execute(update(BulletinIssue).where(BulletinIssue.id == issue)
                         .values(deadline=datetime.now(timezone.utc) - timedelta(minutes=1)))
        await db.commit()
    nora = await as_member("nora")
    late = await nora.post(f"/bulletin/{issue}/submissions", title="Late", text="Too late.")
    assert late.status_code == 409 and "Submissions to Monthly bulletin closed" in late.text
    assert 'value="Late"' in late.text
