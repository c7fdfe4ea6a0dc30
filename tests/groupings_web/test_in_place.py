"""The grouping pages with htmx: a form sent with ``HX-Request: true`` gets back the fragment it
targets (not a whole page), updated in place, and a refusal comes back in that fragment with its
4xx status and words; the same forms without htmx still redirect or show the page. Both databases."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from server.db.models import Membership

HX = {"HX-Request": "true"}


async def hx(member, url: str, **data):
    return await member.http.post(url, data={"csrf_token": member.token, **data}, headers=HX)


def fragment(response, opening: str) -> str:
    """The body is the fragment that starts with ``opening`` (after an optional comment), no page around it."""
    text = response.text
    assert "<html" not in text.lower() and "<!doctype" not in text.lower(), text[:200]
    assert re.sub(r"^\{#.*?#\}\s*|^\s+", "", text).startswith(opening), text[:200]
    # and the page's own message, now out of date, is cleared out of band
    assert text.rstrip().endswith('<div id="page-message" hx-swap-oob="true"></div>'), text[-200:]
    return text


async def _id_from(response, pattern: str) -> int:
    assert response.status_code == 303, response.text
    return int(re.search(pattern, response.headers["location"]).group(1))


async def test_signing_a_proposal_updates_the_signatures_in_place(as_member, people):
    nora, sam = await as_member("nora"), await as_member("sam")
    proposal = await _id_from(await nora.post("/groupings", kind="platform", name="Red Green",
                                              purpose="Ecosocialism."), r"/groupings/(\d+)")
    signed = await hx(sam, f"/groupings/{proposal}/sign")
    assert signed.status_code == 200
    text = fragment(signed, '<div id="proposal-actions"')
    assert 'role="status">You have signed.</p>' in text
    assert '<dd id="formation-status">2 of the 10 signatures needed; 8 more to form</dd>' in text
    assert text.count("<li>") == 2 and "Sam" in text
    again = await hx(sam, f"/groupings/{proposal}/sign")
    assert again.status_code == 409
    assert 'role="alert">You have already signed.</p>' in fragment(again, '<div id="proposal-actions"')
    # without htmx the same form still redirects to the page
    wanda = await as_member("wanda")
    assert (await wanda.post(f"/groupings/{proposal}/sign")).status_code == 303


async def test_a_request_refused_in_place_and_decided_in_place(as_member, people):
    wanda, admin = await as_member("wanda"), await as_member("admin")
    nameless = await hx(wanda, "/groupings", kind="caucus", name="", purpose="For disabled members.")
    assert nameless.status_code == 400
    text = fragment(nameless, '<section aria-labelledby="propose-heading" id="propose">')
    assert 'role="alert">The grouping was not proposed:' in text and "For disabled members." in text
    made = await hx(wanda, "/groupings", kind="caucus", name="Disabled members", purpose="For disabled members.")
    assert made.status_code == 204 and re.fullmatch(r"/groupings/\d+\?done=requested", made.headers["HX-Redirect"])
    proposal = int(re.search(r"/groupings/(\d+)", made.headers["HX-Redirect"]).group(1))
    bare = await hx(admin, f"/groupings/{proposal}/decide", decision="refuse", reason=" ")
    assert bare.status_code == 400
    text = fragment(bare, '<div id="proposal-actions"')
    assert "A decision on a request needs a written reason" in text
    assert 'value="refuse" checked' in text  # the choice is kept to correct
    decided = await hx(admin, f"/groupings/{proposal}/decide", decision="approve", reason="Welcome.")
    assert decided.status_code == 200
    text = fragment(decided, '<div id="proposal-actions"')
    assert "Decision recorded." in text and "Approved by Admin" in text and "Welcome." in text
    # a member who may not decide: the refusal goes to the page's alert region, never a whole page
    nora = await as_member("nora")
    forbidden = await hx(nora, f"/groupings/{proposal}/decide", decision="approve", reason="x")
    assert forbidden.status_code == 403 and forbidden.headers["HX-Retarget"] == "#alerts"
    assert "<html" not in forbidden.text.lower()


async def test_circulating_in_place_and_the_second_in_a_week_refused_in_place(as_member, people, org):
    admin = await as_member("admin")
    await admin.api("PUT", f"/api/v1/bodies/{org.bodies['nmm']}/grouping-rules", {"minimum_signatures": 1})
    olive = await as_member("olive")
    body = (await olive.api("POST", "/api/v1/groupings", {"kind": "faction", "name": "Renters First",
                                                          "purpose": "Affiliate.",
                                                          "meeting_id": people["meeting"]})).json()["body"]
    first, second = [(await olive.api("POST", f"/api/v1/bodies/{body['id']}/documents",
                                      {"title": t, "text": t})).json()["id"] for t in ("One", "Two")]
    done = await hx(olive, f"/documents/{first}/circulate", kind="document")
    assert done.status_code == 200
    text = fragment(done, '<section aria-labelledby="circulate-heading" id="circulation"')
    assert "Circulated to all members." in text and "Circulated: to all members on" in text
    refused = await hx(olive, f"/documents/{second}/circulate", kind="document")
    assert refused.status_code == 409
    text = fragment(refused, '<section aria-labelledby="circulate-heading" id="circulation"')
    assert re.search(r'role="alert">The faction&#39;s document for the week of .* was already circulated', text)


async def test_bulletin_submission_and_refusal_in_place(as_member, people):
    admin, nora = await as_member("admin"), await as_member("nora")
    deadline = (datetime.now(timezone.utc) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    issue = await _id_from(await admin.post("/bulletin", body="nmm", title="Monthly", deadline=deadline),
                           r"/bulletin/(\d+)")
    empty = await hx(nora, f"/bulletin/{issue}/submissions", title="Half done", text=" ")
    assert empty.status_code == 400
    text = fragment(empty, '<div id="bulletin-work"')
    assert "The document has no text." in text and 'value="Half done"' in text
    submitted = await hx(nora, f"/bulletin/{issue}/submissions", title="For rent controls", text="Yes.")
    assert submitted.status_code == 200
    text = fragment(submitted, '<div id="bulletin-work"')
    assert "Submitted. It is in the docket" in text and "<strong>For rent controls</strong>" in text
    assert 'value="For rent controls"' not in text  # the form is cleared for the next one
    submission = int(re.search(r'id="docket-(\d+)"', text).group(1))
    bare = await hx(admin, f"/bulletin/submissions/{submission}/refuse", reason="")
    assert bare.status_code == 400
    assert "only with a written reason" in fragment(bare, '<div id="bulletin-work"')
    refused = await hx(admin, f"/bulletin/submissions/{submission}/refuse", reason="Off topic.")
    assert refused.status_code == 200
    text = fragment(refused, '<div id="bulletin-work"')
    assert 'Reason: <span class="refusal-reason">Off topic.</span>' in text


async def test_petition_signing_updates_the_count_in_place(as_member, people):
    nora, sam = await as_member("nora"), await as_member("sam")
    petition = await _id_from(await nora.post("/petitions", title="Extra NMM", text="Please.", kind="additional-nmm"),
                              r"/petitions/(\d+)")
    signed = await hx(sam, f"/petitions/{petition}/sign")
    assert signed.status_code == 200
    text = fragment(signed, '<section aria-labelledby="signed-heading" id="petition-signing"')
    count = re.search(r'<dd id="petition-count">(.*?)</dd>', text).group(1)
    assert "or 1 of 15 members = 6.7%" in count and "You have signed." in text
    assert '<ol id="petition-signers"><li>Sam</li></ol>' in text
    again = await hx(sam, f"/petitions/{petition}/sign")
    assert again.status_code == 409 and 'role="alert">You have already signed.' in again.text
    not_officer = await hx(nora, f"/petitions/{petition}/sign", branch_id="1")
    assert not_officer.status_code == 403
    fragment(not_officer, '<section aria-labelledby="signed-heading" id="petition-signing"')


async def test_recall_support_in_place(as_member, people, org, app):
    admin, nora = await as_member("admin"), await as_member("nora")
    await admin.api("PUT", f"/api/v1/bodies/{org.bodies['north']}/grouping-rules",
                    {"minimum_signatures": 10, "recall_supporters": 3, "recall_notice_days": 0})
    recall = await _id_from(await nora.post(f"/holdings/{org.holdings['north_secretary']}/recall",
                                            reason="Did not call the AGM."), r"/recalls/(\d+)")
    async with app.state.sessions() as db:
        db.add(Membership(member_id=people["signer1"], body_id=org.bodies["north"], role="member"))
        await db.commit()
    signer = await as_member("signer1")
    supported = await hx(signer, f"/recalls/{recall}/support")
    assert supported.status_code == 200
    text = fragment(supported, '<div id="recall-status"')
    assert "You support the recall." in text and "2 of the 3 needed: Nora, Signer1" in text
    short = await hx(admin, f"/recalls/{recall}/ballot")
    assert short.status_code == 409
    assert "2 of the 3 supporters" in fragment(short, '<div id="recall-status"')


async def test_notification_preferences_saved_in_place(as_member, people):
    sam = await as_member("sam")
    saved = await hx(sam, "/account/notices", ballot="email", document="digest", bulletin="in_app",
                     petition="in_app")
    assert saved.status_code == 200
    text = fragment(saved, '<form method="post" action="/account/notices"')
    assert "Saved: this is how you will hear of things." in text
    assert re.search(r'id="pref-ballot" name="ballot">.*?<option value="email" selected>', text)
    wrong = await hx(sam, "/account/notices", ballot="pigeon", document="email")
    assert wrong.status_code == 400
    text = fragment(wrong, '<form method="post" action="/account/notices"')
    assert 'role="alert">Choose one of' in text
    # nothing of the refused choice was kept
    assert re.search(r'id="pref-document" name="document">.*?<option value="digest" selected>', text)
    assert (await sam.post("/account/notices", ballot="in_app")).status_code == 303
