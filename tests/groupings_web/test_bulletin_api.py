"""The bulletin through the JSON API: open, submit, refuse with a written reason (shown in the
docket), appeal and its outcome, withdraw, publish, and a reply linked from the original; the
same refusals, words and statuses as the pages. Both databases."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from server.db.models_groupings import BulletinIssue


def _deadline(days: int) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


async def _open(admin, title: str, days: int) -> dict:
    opened = await admin.api("POST", "/api/v1/bulletin", {"body": "nmm", "title": title, "deadline": _deadline(days)})
    assert opened.status_code == 201, opened.text
    return opened.json()


async def _close(app, issue: int) -> None:
    """Let the deadline pass: an issue is published only after it (R7 review)."""
    async with app.state.sessions() as db:
        await db.execute(update(BulletinIssue).where(BulletinIssue.id == issue)
                         .values(deadline=datetime.now(timezone.utc) - timedelta(minutes=1)))
        await db.commit()


async def _submit(member, issue: int, title: str, **extra) -> dict:
    made = await member.api("POST", f"/api/v1/bulletin/{issue}/submissions",
                            {"title": title, "text": f"The text of **{title}**.", **extra})
    assert made.status_code == 201, made.text
    return made.json()


async def test_submit_refuse_appeal_publish_and_reply_through_the_api(as_member, people, org, app):
    admin, nora, sam, olive = [await as_member(w) for w in ("admin", "nora", "sam", "olive")]
    issue = await _open(admin, "Pre-conference bulletin 1", 3)
    assert issue["state"] == "open" and issue["docket"] == [] and issue["editors"] is None
    listed = (await nora.api("GET", "/api/v1/bulletin")).json()["issues"]
    assert [i["title"] for i in listed] == ["Pre-conference bulletin 1"]

    first = await _submit(nora, issue["id"], "For rent controls", names_body_id=org.bodies["north"])
    assert first["state"] == "submitted" and first["author"]["name"] == "Nora"
    assert first["names"]["slug"] == "north" and first["text"] == "The text of **For rent controls**."
    second = await _submit(sam, issue["id"], "Against the leadership")
    third = await _submit(nora, issue["id"], "A third view")

    # a member who is not an editor cannot refuse: 403 with the service's words, as on the page
    not_editor = await nora.api("POST", f"/api/v1/bulletin/submissions/{second['id']}/refusal", {"reason": "no"})
    assert not_editor.status_code == 403
    assert not_editor.json()["error"]["message"] == "Only the bulletin's editors can refuse a document."
    # before publication, others do not read the text; the editors do
    seen_by_nora = (await nora.api("GET", f"/api/v1/bulletin/{issue['id']}")).json()["docket"][1]
    assert seen_by_nora["text"] is None
    assert (await admin.api("GET", f"/api/v1/bulletin/{issue['id']}")).json()["docket"][1]["text"]

    refused = await admin.api("POST", f"/api/v1/bulletin/submissions/{second['id']}/refusal",
                              {"reason": "It names a member's private circumstances."})
    assert refused.status_code == 200, refused.text
    assert refused.json()["state"] == "refused"
    docket = (await sam.api("GET", f"/api/v1/bulletin/{issue['id']}")).json()["docket"]
    assert [(d["title"], d["state"]) for d in docket] == [
        ("For rent controls", "submitted"), ("Against the leadership", "refused"), ("A third view", "submitted")]
    assert docket[1]["reason"] == "It names a member's private circumstances."

    # only the author appeals; the appeal and its outcome go in the docket
    assert (await nora.api("POST", f"/api/v1/bulletin/submissions/{second['id']}/appeals",
                           {"grounds": "x"})).status_code == 403
    appealed = await sam.api("POST", f"/api/v1/bulletin/submissions/{second['id']}/appeals",
                             {"grounds": "It is fair comment."})
    assert appealed.status_code == 201 and appealed.json()["outcome"] is None
    appeal_id = appealed.json()["id"]
    assert (await sam.api("POST", f"/api/v1/bulletin/appeals/{appeal_id}/decision",
                          {"upheld": True, "outcome": "mine"})).status_code == 403
    not_bool = await admin.api("POST", f"/api/v1/bulletin/appeals/{appeal_id}/decision",
                               {"upheld": "yes", "outcome": "Dismissed"})
    assert not_bool.status_code == 400 and "upheld must be true or false" in not_bool.json()["error"]["message"]
    decided = await admin.api("POST", f"/api/v1/bulletin/appeals/{appeal_id}/decision",
                              {"upheld": False, "outcome": "The editors were right."})
    assert decided.status_code == 200 and decided.json()["outcome"] == "Dismissed: The editors were right."
    docket = (await nora.api("GET", f"/api/v1/bulletin/{issue['id']}")).json()["docket"]
    assert docket[1]["appeals"][0]["grounds"] == "It is fair comment."
    assert docket[1]["appeals"][0]["outcome"] == "Dismissed: The editors were right."

    withdrawn = await nora.api("POST", f"/api/v1/bulletin/submissions/{third['id']}/withdrawal")
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"
    assert (await nora.api("POST", f"/api/v1/bulletin/{issue['id']}/publication")).status_code == 403
    await _close(app, issue["id"])
    published = await admin.api("POST", f"/api/v1/bulletin/{issue['id']}/publication")
    assert published.status_code == 200, published.text
    shown = published.json()
    assert shown["state"] == "published" and shown["pdf"] == f"/bulletin/{issue['id']}.pdf"
    assert [d["state"] for d in shown["docket"]] == ["published", "refused", "withdrawn"]
    again = await admin.api("POST", f"/api/v1/bulletin/{issue['id']}/publication")
    assert again.status_code == 409 and again.json()["error"]["message"] == "This issue is already published."

    # the right of reply: the North branch, named, answers in the next issue, linked from the original
    later = await _open(admin, "Bulletin 2", 10)
    not_named = await sam.api("POST", f"/api/v1/bulletin/{later['id']}/submissions",
                              {"title": "Reply", "text": "x", "reply_to_id": first["id"]})
    assert not_named.status_code == 403 and "right of reply belongs" in not_named.json()["error"]["message"]
    reply = await _submit(olive, later["id"], "North replies", reply_to_id=first["id"])
    assert reply["reply_to"] == first["id"]
    await _close(app, later["id"])
    assert (await admin.api("POST", f"/api/v1/bulletin/{later['id']}/publication")).status_code == 200
    original = (await nora.api("GET", f"/api/v1/bulletin/{issue['id']}")).json()["docket"][0]
    assert original["replies"] == [reply["id"]]


async def test_refusals_have_the_pages_words_and_statuses(as_member, people):
    admin, nora = await as_member("admin"), await as_member("nora")
    issue = (await _open(admin, "Monthly bulletin", 2))["id"]
    submission = (await _submit(nora, issue, "A view"))["id"]
    # a refusal without a written reason is refused, in the same words on the page and in the API
    api = await admin.api("POST", f"/api/v1/bulletin/submissions/{submission}/refusal", {"reason": "   "})
    page = await admin.post(f"/bulletin/submissions/{submission}/refuse", reason="   ")
    message = "A document can be refused only with a written reason; it is published in the docket."
    assert api.status_code == page.status_code == 400
    assert api.json()["error"] == {"status": 400, "message": message, "fields": {"reason": "Write the reason."}}
    assert message in page.text
    # a member who is not an editor: 403 on both, the same words
    api = await nora.api("POST", f"/api/v1/bulletin/submissions/{submission}/refusal", {"reason": "Mine."})
    page = await nora.post(f"/bulletin/submissions/{submission}/refuse", reason="Mine.")
    assert api.status_code == page.status_code == 403
    assert api.json()["error"]["message"] == "Only the bulletin's editors can refuse a document."
    assert "Only the bulletin&#39;s editors can refuse a document." in page.text
    # an empty submission: 400 naming both fields
    empty = await nora.api("POST", f"/api/v1/bulletin/{issue}/submissions", {"title": "", "text": ""})
    assert empty.status_code == 400
    assert empty.json()["error"]["fields"] == {"title": "A title is needed.", "text": "The document has no text."}
    # a member cannot open an issue; an unknown issue is 404
    assert (await nora.api("POST", "/api/v1/bulletin", {"body": "nmm", "title": "Mine",
                                                        "deadline": _deadline(1)})).status_code == 403
    assert (await nora.api("GET", "/api/v1/bulletin/99999")).status_code == 404
    # a submission for a grouping one does not belong to
    foreign = await nora.api("POST", f"/api/v1/bulletin/{issue}/submissions",
                             {"title": "T", "text": "x", "grouping_id": 99999})
    assert foreign.status_code == 403


@pytest.mark.parametrize("body, words", [
    (b"{not json", "The request body is not JSON."),
    (b"[1, 2]", "The request body must be a JSON object."),
    (b'{"title": 5, "text": "x"}', "title must be text."),
    (b'{"title": "T", "text": "x", "reply_to_id": "3"}', "reply_to_id must be a whole number."),
])
async def test_bad_json_is_refused_with_a_message(as_member, people, body, words):
    admin = await as_member("admin")
    issue = (await _open(admin, "Monthly bulletin", 2))["id"]
    answer = await admin.http.post(f"/api/v1/bulletin/{issue}/submissions", content=body,
                                   headers={"X-CSRF-Token": admin.token, "Content-Type": "application/json"})
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == words


async def test_every_bulletin_route_is_documented(client):
    paths = (await client.get("/api/v1/openapi.json")).json()["paths"]
    for path, method in (("/api/v1/bulletin", "get"), ("/api/v1/bulletin", "post"),
                         ("/api/v1/bulletin/{issue_id}/submissions", "post"),
                         ("/api/v1/bulletin/submissions/{submission_id}/refusal", "post"),
                         ("/api/v1/bulletin/submissions/{submission_id}/appeals", "post"),
                         ("/api/v1/bulletin/appeals/{appeal_id}/decision", "post"),
                         ("/api/v1/bulletin/{issue_id}/publication", "post")):
        assert method in paths[path], (method, path)
