"""Pages for recall motions (issue 7): start one against a holder, support it, arrange its
ballot once supported and noticed, and settle it from the published result."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from server.services import recall as recalls
from server.services.errors import ActionRefused, NotFound
from server.views.context import database, require_viewer
from server.views.render import render

MESSAGES = {"started": "Recall motion started; you are its first supporter.", "supported": "You support the recall.",
            "ballot": "The recall ballot is set up; it opens when the notice has run.",
            "settled": "The result is recorded."}


async def start_page(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        holding = await recalls.holding_by_id(db, request.path_params["holding_id"])
        member = await recalls.member_with_roles(db, current.member.id)
        if not recalls.can_start_recall(member, holding):
            raise NotFound("There is nothing here you may do.")
    return render(request, "recall/start.html", {"holding": holding, "title": recalls.title_of(holding),
                                                 "error": "", "form": {}})


async def start(request: Request) -> Response:
    current = require_viewer(request)
    form = await request.form()
    async with database(request) as db:
        try:
            recall = await recalls.start(db, current.member, request.path_params["holding_id"],
                                         str(form.get("reason", "")))
        except ActionRefused as refused:
            if refused.status in (401, 403, 404):
                raise
            holding = await recalls.holding_by_id(db, request.path_params["holding_id"])
            return render(request, "recall/start.html", {"holding": holding, "title": recalls.title_of(holding),
                                                         "error": refused.message, "form": dict(form)},
                          status=refused.status)
    return RedirectResponse(f"/recalls/{recall.id}?done=started", status_code=303)


async def _context(request: Request, db, recall_id: int) -> dict:
    current = require_viewer(request)
    recall, holding = await recalls.recall_by_id(db, current.member, recall_id)
    member = await recalls.member_with_roles(db, current.member.id)
    return {"recall": recall, "holding": holding, "title": recalls.title_of(holding),
            "may_support": recall.state == "collecting" and recalls.can_start_recall(member, holding)
            and not any(s.member_id == member.id for s in recall.supporters),
            "may_arrange": recalls.may_arrange(member, recall.body),
            "message": MESSAGES.get(request.query_params.get("done", ""), ""), "error": ""}


async def recall_page(request: Request) -> Response:
    async with database(request) as db:
        context = await _context(request, db, request.path_params["recall_id"])
    return render(request, "recall/recall.html", context)


def _action(name: str):
    async def endpoint(request: Request) -> Response:
        current = require_viewer(request)
        recall_id = request.path_params["recall_id"]
        async with database(request) as db:
            try:
                if name == "supported":
                    await recalls.support(db, current.member, recall_id)
                elif name == "ballot":
                    await recalls.arrange_ballot(db, current.member, recall_id)
                else:
                    await recalls.settle(db, current.member, recall_id)
            except ActionRefused as refused:
                if refused.status in (401, 404):
                    raise
                context = await _context(request, db, recall_id)
                context.update(error=refused.message, message="")
                return render(request, "recall/recall.html", context, status=refused.status)
        return RedirectResponse(f"/recalls/{recall_id}?done={name}", status_code=303)
    return endpoint


async def recall_json(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        recall, holding = await recalls.recall_by_id(db, current.member, request.path_params["recall_id"])
    return JSONResponse({
        "id": recall.id, "title": recalls.title_of(holding), "state": recall.state, "reason": recall.reason,
        "supporters": [s.member.name for s in recall.supporters], "supporters_needed": recall.supporters_needed,
        "notice_days": recall.notice_days, "ballot_id": recall.ballot_id,
        "holding": {"id": holding.id, "ends_on": holding.ends_on.isoformat() if holding.ends_on else None},
        "by_election_opened_at": recall.by_election_opened_at.isoformat() if recall.by_election_opened_at else None})


RECALL_API_ROUTES = [Route("/api/v1/recalls/{recall_id:int}", recall_json, methods=["GET"])]

RECALL_PAGE_ROUTES = [
    Route("/holdings/{holding_id:int}/recall", start_page, methods=["GET"]),
    Route("/holdings/{holding_id:int}/recall", start, methods=["POST"]),
    Route("/recalls/{recall_id:int}", recall_page, methods=["GET"]),
    Route("/recalls/{recall_id:int}/support", _action("supported"), methods=["POST"]),
    Route("/recalls/{recall_id:int}/ballot", _action("ballot"), methods=["POST"]),
    Route("/recalls/{recall_id:int}/settle", _action("settled"), methods=["POST"]),
]
