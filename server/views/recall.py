"""Pages for recall motions (issue 7): start one against a holder, support it, arrange its
ballot once supported (opening no earlier than the end of notice), and settle it from the
published result. The holder being recalled sees the recall and votes, but never runs it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from server.services import recall as recalls
from server.services.errors import ActionRefused, Invalid, NotFound
from server.views import in_place
from server.views.context import database, is_htmx, require_viewer
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
            "may_arrange": await recalls.may_run(db, member, recall, holding),
            "is_holder": member.id == holding.member_id, "opens_field": _minute_after(recalls.notice_ends(recall)),
            "notice_ends_text": recalls.when(recalls.notice_ends(recall)),
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
                    form = await request.form()
                    await recalls.arrange_ballot(db, current.member, recall_id, by_hand=form.get("by_hand") == "on",
                                                 opens=_opens(form.get("opens")))
                else:
                    await recalls.settle(db, current.member, recall_id)
            except ActionRefused as refused:
                if refused.status in (401, 404):
                    raise
                context = await _context(request, db, recall_id)
                if is_htmx(request):
                    return in_place.fragment(request, "recall/_status.html", context, refused=refused)
                context.update(error=refused.message, message="")
                return render(request, "recall/recall.html", context, status=refused.status)
            if is_htmx(request):
                return in_place.fragment(request, "recall/_status.html", await _context(request, db, recall_id),
                                         message=MESSAGES[name])
        return RedirectResponse(f"/recalls/{recall_id}?done={name}", status_code=303)
    return endpoint


def _minute_after(moment: datetime) -> str:
    """The form's default opening time: the end of notice, rounded up to the minute (UTC)."""
    moment = moment.astimezone(timezone.utc)
    if moment.second or moment.microsecond:
        moment = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return moment.strftime("%Y-%m-%dT%H:%M")


def _opens(raw) -> datetime | None:
    """The opening time chosen at set-up (UTC, as on the ballots pages); blank: when the notice has run."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise Invalid("Give the opening time as a date and time (UTC).", {"opens": "A date and time."}) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


async def recall_json(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        recall, holding = await recalls.recall_by_id(db, current.member, request.path_params["recall_id"])
    return JSONResponse({
        "id": recall.id, "title": recalls.title_of(holding), "state": recall.state, "reason": recall.reason,
        "supporters": [s.member.name for s in recall.supporters], "supporters_needed": recall.supporters_needed,
        "notice_days": recall.notice_days, "notice_ends": recalls.notice_ends(recall).isoformat(),
        "ballot_id": recall.ballot_id,
        "holding": {"id": holding.id, "ends_on": holding.ends_on.isoformat() if holding.ends_on else None},
        "by_election_opened_at": recall.by_election_opened_at.isoformat() if recall.by_election_opened_at else None,
        "by_election_id": recall.by_election.id if recall.by_election else None})


RECALL_API_ROUTES = [Route("/api/v1/recalls/{recall_id:int}", recall_json, methods=["GET"])]

RECALL_PAGE_ROUTES = [
    Route("/holdings/{holding_id:int}/recall", start_page, methods=["GET"]),
    Route("/holdings/{holding_id:int}/recall", start, methods=["POST"]),
    Route("/recalls/{recall_id:int}", recall_page, methods=["GET"]),
    Route("/recalls/{recall_id:int}/support", _action("supported"), methods=["POST"]),
    Route("/recalls/{recall_id:int}/ballot", _action("ballot"), methods=["POST"]),
    Route("/recalls/{recall_id:int}/settle", _action("settled"), methods=["POST"]),
]
