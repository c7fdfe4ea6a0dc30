"""What the review of the motions pages found: refused forms keep what was typed, a
hidden post's history, wording, the composite's sources, the thread poll's ETag, the
action bodies in the OpenAPI document, amendment supporters and UTC timestamps."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from server.api.motions import AMENDMENT_ACTIONS, MOTION_ACTIONS
from server.db.models import Meeting, MotionEvent


def _field(html: str, element_id: str) -> str:
    """The opening tag of the element with that id (input, select or textarea)."""
    found = re.search(rf'<(?:input|textarea|select|fieldset)[^>]*id="{element_id}"[^>]*>', html)
    assert found, element_id
    return found.group()


def _textarea(html: str, element_id: str) -> str:
    found = re.search(rf'<textarea[^>]*id="{element_id}"[^>]*>(.*?)</textarea>', html, re.S)
    assert found, element_id
    return found.group(1)


async def test_a_refused_draft_keeps_what_was_typed(as_member, agenda):
    nora = await as_member("nora")
    page = await nora.post(f"/meetings/{agenda.meeting}/motions", title="   ", shape="parts", text="",
                           notes="Rents rose.", believes="Housing is a right.", resolves="To organise.",
                           argument="Because & <b>why</b>", emergency="yes")
    assert page.status_code == 400 and 'role="alert"' in page.text
    assert 'aria-invalid="true"' in _field(page.text, "new-title")
    assert _textarea(page.text, "new-notes") == "Rents rose."
    assert _textarea(page.text, "new-resolves") == "To organise."
    assert _textarea(page.text, "new-argument") == "Because &amp; &lt;b&gt;why&lt;/b&gt;"
    assert "checked" in _field(page.text, "new-shape-parts") and "checked" not in _field(page.text, "new-shape-text")
    assert "checked" in _field(page.text, "new-emergency")
    empty = await nora.post(f"/meetings/{agenda.meeting}/motions", title="Rents", shape="text", text=" ")
    assert empty.status_code == 400 and 'value="Rents"' in _field(empty.text, "new-title")
    assert 'aria-invalid="true"' not in _field(empty.text, "new-title")
    assert re.search(r'<fieldset class="shape" aria-invalid="true"', empty.text)


async def test_a_refused_edit_keeps_what_was_typed(as_member, agenda, steps):
    nora = await as_member("nora")
    motion = await steps.draft(nora)
    page = await nora.post(f"/motions/{motion}/edit", base_version="1", shape="text", title="", text="New words")
    assert page.status_code == 400 and 'role="alert"' in page.text
    assert _textarea(page.text, "edit-text") == "New words"
    assert 'aria-invalid="true"' in _field(page.text, "edit-title")


async def test_a_refused_amendment_keeps_every_field(as_member, agenda, steps):
    nora, olive, sam = [await as_member(w) for w in ("nora", "olive", "sam")]
    motion = await steps.admitted(nora, olive, sam)
    page = await sam.post(f"/motions/{motion}/amendments", operation="replace", passage="900 pounds",
                          occurrence="2", replacement="1,000 pounds", argument="We can afford it.")
    assert page.status_code == 400 and 'role="alert"' in page.text
    assert _textarea(page.text, "amendment-passage") == "900 pounds"
    assert 'aria-invalid="true"' in _field(page.text, "amendment-passage")
    assert 'value="2"' in _field(page.text, "amendment-occurrence")
    assert _textarea(page.text, "amendment-replacement") == "1,000 pounds"
    assert _textarea(page.text, "amendment-argument") == "We can afford it."
    assert '<option value="replace" selected>' in page.text
    words = await sam.post(f"/motions/{motion}/amendments", operation="delete", passage="500 pounds",
                           occurrence="first")
    assert "Which time the words appear must be a whole number." in words.text and "occurrence must" not in words.text


async def test_a_refused_post_keeps_the_quote_and_the_text(as_member, agenda, steps):
    nora, olive, sam = [await as_member(w) for w in ("nora", "olive", "sam")]
    motion = await steps.admitted(nora, olive, sam)
    page = await sam.post(f"/motions/{motion}/posts", body="   ", quote="500 pounds")
    assert page.status_code == 400 and 'role="alert"' in page.text
    assert _textarea(page.text, "post-quote") == "500 pounds"
    assert 'aria-invalid="true"' in _field(page.text, "post-body")
    fragment = await sam.http.post(f"/motions/{motion}/posts", data={"body": " ", "quote": "500 pounds"},
                                   headers={"HX-Request": "true", "X-CSRF-Token": sam.token})
    assert fragment.status_code == 400 and 'role="alert"' in fragment.text and "<html" not in fragment.text
    amendment = (await steps.amend(sam, motion, operation="delete", passage="500 pounds"))["id"]
    on_amendment = await nora.post(f"/amendments/{amendment}/posts", body="", quote="the words")
    assert on_amendment.status_code == 400 and _textarea(on_amendment.text, "post-quote") == "the words"


async def test_refused_actions_keep_what_was_typed(as_member, agenda, steps):
    nora, olive, sam = [await as_member(w) for w in ("nora", "olive", "sam")]
    motion = await steps.admitted(nora, olive, sam)
    await steps.amend(sam, motion, operation="delete", passage="500 pounds")
    order = await olive.post(f"/motions/{motion}/order", order="7, 7")
    assert order.status_code == 400 and 'role="alert"' in order.text
    assert 'value="7, 7"' in _field(order.text, "amendment-order")
    assert 'aria-invalid="true"' in _field(order.text, "amendment-order")
    draft = await steps.draft(nora)
    invite = await nora.post(f"/motions/{draft}/invite", email="nobody@example.org")
    assert invite.status_code in (400, 404, 409) and 'value="nobody@example.org"' in _field(invite.text, "invite-email")


async def test_a_hidden_posts_history_is_not_called_unedited(as_member, agenda, steps):
    nora, olive, sam, wanda = [await as_member(w) for w in ("nora", "olive", "sam", "wanda")]
    motion = await steps.admitted(nora, olive, sam)
    post = (await sam.api("POST", f"/api/v1/motions/{motion}/posts", {"body": "First"})).json()["id"]
    for text in ("Second", "Third"):
        assert (await sam.api("PATCH", f"/api/v1/posts/{post}", {"body": text})).status_code == 200
    assert (await olive.api("POST", f"/api/v1/posts/{post}/hide", {"reason": "Off topic"})).status_code == 200
    seen = await wanda.get(f"/posts/{post}")
    assert "Not edited." not in seen.text and "Edited 2 times" in seen.text and "First" not in seen.text
    assert "Second" not in seen.text


async def test_outcome_wording_and_the_composites_sources(as_member, agenda, steps):
    nora, olive, sam = [await as_member(w) for w in ("nora", "olive", "sam")]
    motion = await steps.admitted(nora, olive, sam)
    amendment = (await steps.amend(sam, motion, operation="delete", passage="500 pounds"))["id"]
    await steps.admit_amendment(olive, nora, amendment)
    await steps.act(olive, motion, "schedule")
    await steps.amendment_act(olive, amendment, "outcome", outcome="fell")
    again = await olive.post(f"/amendments/{amendment}/outcome", outcome="carried")
    assert again.status_code == 409 and "Amendment 1 fell;" in again.text and "is fell" not in again.text
    notes = (await nora.get("/api/v1/notifications")).json()["notifications"]
    assert any(n["text"] == "Amendment 1 fell." for n in notes)

    first = await steps.admitted(nora, olive, sam, title="Rent controls now")
    second = await steps.admitted(nora, olive, sam, title="Cap the rents")
    composite = await olive.api("POST", f"/api/v1/meetings/{agenda.meeting}/composites",
                                {"title": "Rents", "text": "Merged.", "sources": [first, second]})
    page = await nora.get(f"/motions/{composite.json()['id']}")
    assert f"Motion {first}: Rent controls now" in page.text and f"Motion {second}: Cap the rents" in page.text


async def test_amendments_need_the_meetings_supporters(as_member, agenda, steps):
    nora, olive, sam, wanda = [await as_member(w) for w in ("nora", "olive", "sam", "wanda")]
    motion = await steps.admitted(nora, olive, sam)
    amendment = (await steps.amend(sam, motion, operation="delete", passage="500 pounds"))["id"]
    refused = await steps.amendment_act(olive, amendment, "admit", 409)
    assert "has 0 of the 1 supporters" in refused.json()["error"]["message"]
    await steps.amendment_act(sam, amendment, "support", 409)  # the mover does not also support it
    await steps.amendment_act(wanda, amendment, "support")
    await steps.amendment_act(olive, amendment, "admit")


async def test_the_thread_poll_answers_304_while_nothing_changed(as_member, agenda, steps):
    nora, olive, sam = [await as_member(w) for w in ("nora", "olive", "sam")]
    motion = await steps.admitted(nora, olive, sam)
    await sam.api("POST", f"/api/v1/motions/{motion}/posts", {"body": "One"})
    url, htmx = f"/motions/{motion}/thread", {"HX-Request": "true"}
    first = await nora.get(url, headers=htmx)
    etag = first.headers["etag"]
    assert first.status_code == 200 and "One" in first.text and "no-cache" in first.headers["cache-control"]
    same = await nora.get(url, headers={**htmx, "If-None-Match": etag})
    assert same.status_code == 304 and same.content == b""
    other_viewer = await olive.get(url, headers={**htmx, "If-None-Match": etag})  # olive may hide posts
    assert other_viewer.status_code == 200
    post = (await sam.api("POST", f"/api/v1/motions/{motion}/posts", {"body": "Two"})).json()["id"]
    newer = await nora.get(url, headers={**htmx, "If-None-Match": etag})
    assert newer.status_code == 200 and "Two" in newer.text and newer.headers["etag"] != etag
    await sam.api("PATCH", f"/api/v1/posts/{post}", {"body": "Two, edited"})
    edited = await nora.get(url, headers={**htmx, "If-None-Match": newer.headers["etag"]})
    assert edited.status_code == 200 and "Two, edited" in edited.text


async def test_every_action_body_is_described(client):
    document = (await client.get("/api/v1/openapi.json")).json()
    schemas = document["components"]["schemas"]
    for path, actions in (("/api/v1/motions/{motion_id}/actions/{action}", MOTION_ACTIONS),
                          ("/api/v1/amendments/{amendment_id}/actions/{action}", AMENDMENT_ACTIONS)):
        operation = document["paths"][path]["post"]
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        assert set(body["x-action-schemas"]) == set(actions)
        assert operation["parameters"][1]["schema"]["enum"] == list(actions)
        for action, ref in body["x-action-schemas"].items():
            schema = schemas[ref.rsplit("/", 1)[1]]
            assert schema["title"] == action and schema["additionalProperties"] is False
            assert {"$ref": ref} in body["anyOf"]
    invite = schemas["MotionInvite"]
    assert invite["required"] == ["email"] and schemas["MotionOutcome"]["properties"]["outcome"]["enum"] == [
        "carried", "fell", "remitted"]
    assert schemas["AmendmentRuleOut"]["required"] == ["reason"]


async def test_timestamps_are_utc_with_an_offset(app, as_member, agenda, steps):
    nora, olive, sam = [await as_member(w) for w in ("nora", "olive", "sam")]
    motion = await steps.admitted(nora, olive, sam)
    shown = (await sam.get(f"/api/v1/motions/{motion}")).json()
    moments = [shown["submitted_at"], shown["current_version"]["created_at"]] + [e["at"] for e in shown["events"]]
    meeting = (await sam.get(f"/api/v1/meetings/{agenda.meeting}")).json()
    moments += [meeting["motions_deadline"], meeting["amendments_deadline"]]
    for moment in moments:
        assert moment.endswith("+00:00"), moment
        assert datetime.fromisoformat(moment).utcoffset() == timedelta(0)
    async with app.state.sessions() as db:
        # a moment given in another zone is stored as the same instant, and read back in UTC
        meeting_row = await db.get(Meeting, agenda.meeting)
        meeting_row.motions_deadline = datetime(2027, 1, 1, 20, 0, tzinfo=timezone(timedelta(hours=2)))
        await db.commit()
    async with app.state.sessions() as db:
        stored = (await db.execute(select(Meeting.motions_deadline).where(Meeting.id == agenda.meeting))).scalar_one()
        assert stored == datetime(2027, 1, 1, 18, 0, tzinfo=timezone.utc) and stored.tzinfo is not None
        event = (await db.execute(select(MotionEvent).limit(1))).scalar_one()
        assert event.at.tzinfo is not None and event.at.utcoffset() == timedelta(0)
        later = (await db.execute(select(MotionEvent.id).where(
            MotionEvent.at > datetime(2000, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=5)))))).scalars().all()
        assert later
