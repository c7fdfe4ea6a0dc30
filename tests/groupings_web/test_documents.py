"""Grouping documents: versions, diffs, sanitised markdown, and the weekly allowance to
circulate one document and publish one article, refused with the exact message."""

from __future__ import annotations

from datetime import datetime, timezone

from server.groupings.allowance import Use, WeekRule, check_allowance


async def test_versions_diff_and_sanitised_markdown(as_member, people, org, formed_faction):
    olive, body = await formed_faction()
    made = await olive.post(f"/bodies/{body['slug']}/documents", title="Why affiliate",
                            text="Rents rose by 9%.\n\n<script>alert(1)</script>**Join** us.")
    assert made.status_code == 303
    document = made.headers["location"].split("?")[0]
    page = await olive.get(document)
    assert "<strong>Join</strong>" in page.text and "<script>alert" not in page.text
    saved = await olive.post(f"{document}/versions", title="Why affiliate", base_number="1",
                             text="Rents rose by 12%.\n\n**Join** us.")
    assert saved.status_code == 303
    diff = await olive.get(f"{document}?from=1&to=2")
    assert "<del>" in diff.text and "<ins>" in diff.text and "12%" in diff.text
    not_a_number = await olive.get(f"{document}?from=one&to=2")
    assert not_a_number.status_code == 400 and "from must be a whole number." in not_a_number.text
    stale = await olive.post(f"{document}/versions", title="T", base_number="1", text="again")
    assert stale.status_code == 409 and "Version 2 was saved since" in stale.text
    api = await olive.api("GET", f"/api/v1{document}/diff?from=1&to=2")
    assert {op["kind"] for op in api.json()["ops"]} >= {"delete", "insert"}
    # not yet circulated: other members do not see it
    sam = await as_member("sam")
    assert (await sam.get(document)).status_code == 404
    assert (await sam.post(f"/bodies/{body['slug']}/documents", title="x", text="y")).status_code == 403


async def test_one_document_a_week_and_the_second_is_refused_with_the_message(as_member, people, org,
                                                                                  formed_faction):
    olive, body = await formed_faction()
    first = await olive.api("POST", f"/api/v1/bodies/{body['id']}/documents", {"title": "One", "text": "First."})
    second = await olive.api("POST", f"/api/v1/bodies/{body['id']}/documents", {"title": "Two", "text": "Second."})
    circulated = await olive.post(f"/documents/{first.json()['id']}/circulate", kind="document")
    assert circulated.status_code == 303
    at = datetime.fromisoformat((await olive.api("GET", f"/api/v1/documents/{first.json()['id']}"))
                                .json()["circulations"][0]["at"])
    expected = check_allowance([Use("f", "document", at)], "f", "document", datetime.now(timezone.utc), WeekRule())
    assert not expected.allowed
    refused = await olive.post(f"/documents/{second.json()['id']}/circulate", kind="document")
    assert refused.status_code == 409
    assert expected.message in refused.text.replace("&#39;", "'")
    assert expected.message.startswith("The faction's document for the week of ")
    api = await olive.api("POST", f"/api/v1/documents/{second.json()['id']}/circulations", {"kind": "document"})
    assert api.status_code == 409 and api.json()["error"]["message"] == expected.message
    # the article allowance is counted apart
    article = await olive.api("POST", f"/api/v1/documents/{second.json()['id']}/circulations", {"kind": "article"})
    assert article.status_code == 201
    # every member sees the circulated document and every faction's use of the allowance
    sam = await as_member("sam")
    assert (await sam.get(f"/documents/{first.json()['id']}")).status_code == 200
    usage = await sam.get("/groupings/allowance")
    assert "Renters First" in usage.text and usage.text.count("circulated on") + usage.text.count("published on") == 2
    table = (await sam.api("GET", "/api/v1/groupings/allowance")).json()["groupings"]
    assert table[0]["document"].startswith("circulated on") and table[0]["weeks_used"] == {"document": 1, "article": 1}
    # only the grouping's officers circulate
    signer = await as_member("nora")
    assert (await signer.api("POST", f"/api/v1/documents/{first.json()['id']}/circulations",
                             {"kind": "article"})).status_code == 403


async def test_a_dissolved_faction_circulates_nothing(as_member, people, org, app, today, formed_faction):
    from datetime import timedelta

    from sqlalchemy import update

    from server.db.models import Meeting

    olive, body = await formed_faction()
    made = await olive.api("POST", f"/api/v1/bodies/{body['id']}/documents", {"title": "One", "text": "First."})
    async with app.state.sessions() as db:
        await db.execute(update(Meeting).where(Meeting.id == people["meeting"]).values(held_on=today - timedelta(days=1)))
        await db.commit()
    refused = await olive.api("POST", f"/api/v1/documents/{made.json()['id']}/circulations", {"kind": "document"})
    assert refused.status_code == 409 and "has dissolved" in refused.json()["error"]["message"]
