"""The organisation's publication queue (issue 7): every faction's and platform's weekly
article, in the order submitted, with its week, shown to every member as a page and as JSON.

An article joins the queue when its grouping's officer publishes it under the weekly allowance
(``POST /documents/{id}/circulate``, kind ``article``); the queue itself only reads. Marking an
article as published out of the queue needs a stored state, which is left to a later migration
(docs/groupings.md, "The publication queue")."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server.api.shapes import body_summary
from server.dates import day_month_year
from server.services import grouping_documents as documents
from server.views.context import database, require_viewer
from server.views.render import render


def _submitted(queued: documents.QueuedArticle) -> str:
    """"10 March 2026, 14:05 GMT": the organisation's local time, whatever the server's locale."""
    local = queued.submitted_at
    return f"{day_month_year(local.date())}, {local:%H:%M} {local.tzname()}"


def _by_week(queue: list[documents.QueuedArticle]) -> list[tuple[str, list[tuple[documents.QueuedArticle, str]]]]:
    """The queue in submission order, cut where the week changes:
    ("9 March 2026", [(article, when submitted), ...])."""
    weeks: list[tuple[str, list[tuple[documents.QueuedArticle, str]]]] = []
    for queued in queue:
        words = day_month_year(queued.week)
        if not weeks or weeks[-1][0] != words:
            weeks.append((words, []))
        weeks[-1][1].append((queued, _submitted(queued)))
    return weeks


async def publication_page(request: Request) -> Response:
    require_viewer(request)
    async with database(request) as db:
        queue = await documents.publication_queue(db)
    return render(request, "groupings/publication.html", {"weeks": _by_week(queue)})


def _shape(queued: documents.QueuedArticle) -> dict:
    article = queued.article
    return {"position": queued.position, "id": article.id, "week_of": queued.week.isoformat(),
            "week": f"the week of {day_month_year(queued.week)}", "grouping": body_summary(article.body),
            "title": article.version.title, "version": article.version.number, "document_id": article.document_id,
            "url": f"/documents/{article.document_id}", "submitted_at": queued.submitted_at.isoformat()}


async def publication_json(request: Request) -> Response:
    require_viewer(request)
    async with database(request) as db:
        queue = await documents.publication_queue(db)
    return JSONResponse({"articles": [_shape(q) for q in queue]})


PUBLICATION_PAGE_ROUTES = [Route("/publication", publication_page, methods=["GET"])]
PUBLICATION_API_ROUTES = [Route("/api/v1/publication", publication_json, methods=["GET"])]
