"""The publication queue (review R7, item 24): every faction's and platform's weekly article,
in the order submitted, with its week, on /publication and GET /api/v1/publication, for every
member; the one-article-a-week allowance still refuses a second article with its sentence."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from server.db.models import Member
from server.dates import day_month_year
from server.groupings.allowance import Use, WeekRule, check_allowance
from server.services import grouping_documents


async def _document(browser, body: dict, title: str) -> int:
    made = await browser.api("POST", f"/api/v1/bodies/{body['id']}/documents", {"title": title, "text": f"{title}."})
    assert made.status_code == 201, made.text
    return made.json()["id"]


async def _two_groupings(as_member, formed_faction) -> tuple[object, dict, object, dict]:
    """Olive's faction Renters First and Nora's platform Tenants Together, each formed."""
    olive, renters = await formed_faction()
    nora = await as_member("nora")
    created = await nora.api("POST", "/api/v1/groupings", {"kind": "platform", "name": "Tenants Together",
                                                           "purpose": "Organise tenants year-round."})
    assert created.status_code == 201 and created.json()["state"] == "formed", created.text
    return olive, renters, nora, created.json()["body"]


async def _publish_at(app, who: int, document: int, moment: datetime) -> None:
    """Publish an article at a chosen moment through the service (the page always uses now)."""
    async with app.state.sessions() as db:
        officer = await db.get(Member, who)
        await grouping_documents.circulate(db, officer, document, "article", now=moment)


async def test_articles_are_queued_in_submission_order_with_their_weeks(as_member, people, org, app,
                                                                        formed_faction):
    olive, renters, nora, tenants = await _two_groupings(as_member, formed_faction)
    now = datetime.now(timezone.utc)
    this_week_olive = await _document(olive, renters, "Rent strikes this winter")
    last_week_nora = await _document(nora, tenants, "Why a tenants' platform")
    last_week_olive = await _document(olive, renters, "Affiliate to the union")
    # this week's article is recorded first, the earlier weeks' after it: the queue follows the
    # time each was submitted, not the order the rows were written
    assert (await olive.post(f"/documents/{this_week_olive}/circulate", kind="article")).status_code == 303
    moments = [now - timedelta(days=7, hours=2), now - timedelta(days=7, hours=1), now]
    await _publish_at(app, org.members["nora"], last_week_nora, moments[0])
    await _publish_at(app, org.members["olive"], last_week_olive, moments[1])

    sam = await as_member("sam")  # a member of neither grouping
    queue = (await sam.api("GET", "/api/v1/publication")).json()["articles"]
    assert [(a["position"], a["title"], a["grouping"]["name"], a["grouping"]["kind"]) for a in queue] == [
        (1, "Why a tenants' platform", "Tenants Together", "platform"),
        (2, "Affiliate to the union", "Renters First", "faction"),
        (3, "Rent strikes this winter", "Renters First", "faction")]
    weeks = [WeekRule().week_of(moment) for moment in moments]
    assert weeks[0] < weeks[2] and [a["week_of"] for a in queue] == [week.isoformat() for week in weeks]
    assert queue[0]["week"] == f"the week of {day_month_year(weeks[0])}"
    assert [a["url"] for a in queue] == [f"/documents/{d}" for d in (last_week_nora, last_week_olive, this_week_olive)]
    submitted = [datetime.fromisoformat(a["submitted_at"]) for a in queue]
    assert submitted == sorted(submitted) and all(moment.tzinfo for moment in submitted)

    # the outsider follows each link to the article itself
    for article in queue:
        page = await sam.get(article["url"])
        assert page.status_code == 200 and article["title"].replace("'", "&#39;") in page.text


async def test_a_second_article_in_the_same_week_is_refused_and_not_queued(as_member, people, org, formed_faction):
    olive, renters, nora, tenants = await _two_groupings(as_member, formed_faction)
    first = await _document(olive, renters, "Affiliate to the union")
    second = await _document(olive, renters, "And a second one")
    assert (await olive.post(f"/documents/{first}/circulate", kind="article")).status_code == 303
    queued = (await olive.api("GET", "/api/v1/publication")).json()["articles"]
    at = datetime.fromisoformat(queued[0]["submitted_at"])
    expected = check_allowance([Use("f", "article", at)], "f", "article", datetime.now(timezone.utc), WeekRule())
    assert not expected.allowed and expected.message.startswith("The faction's article for the week of ")
    refused = await olive.post(f"/documents/{second}/circulate", kind="article")
    assert refused.status_code == 409 and expected.message in refused.text.replace("&#39;", "'")
    api = await olive.api("POST", f"/api/v1/documents/{second}/circulations", {"kind": "article"})
    assert api.status_code == 409 and api.json()["error"]["message"] == expected.message
    # another grouping's allowance is its own: the platform's article joins the queue
    platform_article = await _document(nora, tenants, "Tenants first")
    assert (await nora.api("POST", f"/api/v1/documents/{platform_article}/circulations",
                           {"kind": "article"})).status_code == 201
    queue = (await olive.api("GET", "/api/v1/publication")).json()["articles"]
    assert [a["title"] for a in queue] == ["Affiliate to the union", "Tenants first"]


async def test_the_page_lists_the_queue_by_week_without_javascript(as_member, people, org, app, formed_faction):
    olive, renters, nora, tenants = await _two_groupings(as_member, formed_faction)
    wanda = await as_member("wanda")  # in neither grouping
    empty = await wanda.get("/publication")
    assert empty.status_code == 200 and "No articles submitted yet." in empty.text

    now = datetime.now(timezone.utc)
    earlier = await _document(nora, tenants, "Why a tenants' platform")
    later = await _document(olive, renters, "Affiliate to the union")
    await _publish_at(app, org.members["nora"], earlier, now - timedelta(days=7))
    assert (await olive.post(f"/documents/{later}/circulate", kind="article")).status_code == 303

    listing = await wanda.get("/groupings")
    assert 'href="/publication"' in listing.text
    page = await wanda.get("/publication")  # a plain GET: everything is in the HTML, no script loads it
    assert page.status_code == 200 and "hx-get" not in page.text
    text = page.text.replace("&#39;", "'")
    rule = WeekRule()
    headings = re.findall(r"<h2[^>]*>Week of ([^<]+)</h2>", text)
    assert headings == [day_month_year(rule.week_of(now - timedelta(days=7))), day_month_year(rule.week_of(now))]
    assert text.index("Why a tenants' platform") < text.index("Affiliate to the union")
    assert f'href="/documents/{earlier}"' in text and f'href="/documents/{later}"' in text
    assert "Tenants Together</a> (platform)" in text and "Renters First</a> (faction)" in text


async def test_signed_out_visitors_do_not_see_the_queue(client, org):
    assert (await client.get("/publication")).status_code in (303, 401)
    assert (await client.get("/api/v1/publication")).status_code == 401


async def test_the_queue_is_in_the_openapi_document(client):
    document = (await client.get("/api/v1/openapi.json")).json()
    operation = document["paths"]["/api/v1/publication"]["get"]
    assert "in the order submitted" in operation["summary"]
    assert "QueuedArticle" in document["components"]["schemas"]
