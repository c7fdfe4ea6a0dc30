"""Pages for by-elections (issue 7): the by-election with its nominations, nominating,
accepting and withdrawing, opening the election once nominations close, and resigning a post.
Plain forms; no JavaScript needed."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server.repositories import by_elections as rows
from server.services import bodies as body_actions
from server.services import by_elections
from server.services.errors import ActionRefused, NotFound
from server.services.positions import is_current
from server.services.recall import holding_by_id
from server.views.context import database, require_viewer
from server.views.form_values import optional_whole_number
from server.views.render import render

MESSAGES = {
    "nominated": "Nominated. A member nominated by someone else stands once they accept.",
    "accepted": "You have accepted: you stand in the by-election.",
    "withdrawn": "The nomination is withdrawn.",
    "election": "The election ballot is open; members vote on its page.",
    "reopened": "Nominations are open again.",
    "resigned": "You have resigned; the post is vacant and this by-election is open.",
}


async def _context(request: Request, db, by_election_id: int) -> dict:
    current = require_viewer(request)
    member = current.member
    by_election = await by_elections.by_election_for(db, member, by_election_id)
    is_open = by_elections.nominations_open(by_election)
    may_run = await by_elections.may_run(db, member, by_election)
    return {
        "by_election": by_election, "title": by_elections.title_of(by_election),
        "state_label": by_elections.STATE_LABELS[by_election.state],
        "close_words": by_elections.when(by_election.nominations_close_at), "nominations_open": is_open,
        "may_nominate": is_open and await rows.belongs(db, member.id, by_election.body),
        "members": await rows.members_of(db, by_election.body) if is_open else [],
        "standing": by_elections.standing(by_election), "me": member.id,
        "may_open": may_run and by_election.state == "nominations" and not is_open,
        "methods": [(m, by_elections.METHOD_LABELS.get(m, m)) for m in by_elections.OFFICE_METHODS],
        "message": MESSAGES.get(request.query_params.get("done", ""), ""), "error": "",
    }


async def by_election_page(request: Request) -> Response:
    current = require_viewer(request)
    by_election_id = request.path_params["by_election_id"]
    async with database(request) as db:
        await by_elections.bring_up_to_date(db, current.member, by_election_id)
        context = await _context(request, db, by_election_id)
    return render(request, "by_elections/by_election.html", context)


async def body_by_elections_page(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        body = await body_actions.body_for(db, current.member, slug=request.path_params["slug"])
        listed = await by_elections.by_elections_of(db, current.member, body)
    return render(request, "by_elections/list.html", {
        "body": body, "listed": [(b, by_elections.title_of(b), by_elections.STATE_LABELS[b.state],
                                  by_elections.when(b.nominations_close_at)) for b in listed]})


async def _refused(request: Request, db, by_election_id: int, refused: ActionRefused) -> Response:
    if refused.status in (401, 404):
        raise refused
    context = await _context(request, db, by_election_id)
    context.update(error=refused.message, message="")
    return render(request, "by_elections/by_election.html", context, status=refused.status)


def _by_election_action(done: str, act):
    """A form posted to a by-election: ``act(db, member, by_election_id, form)``; refusals are
    shown on the by-election's page with the reason, success goes back to it."""
    async def endpoint(request: Request) -> Response:
        current = require_viewer(request)
        by_election_id = request.path_params["by_election_id"]
        form = await request.form()
        async with database(request) as db:
            try:
                await act(db, current.member, by_election_id, form)
            except ActionRefused as refused:
                return await _refused(request, db, by_election_id, refused)
        return RedirectResponse(f"/by-elections/{by_election_id}?done={done}", status_code=303)
    return endpoint


nominate = _by_election_action("nominated", lambda db, member, by_election_id, form: by_elections.nominate(
    db, member, by_election_id, optional_whole_number(form.get("nominee_id"), "nominee_id")))
open_election = _by_election_action("election", lambda db, member, by_election_id, form: by_elections.open_election(
    db, member, by_election_id, str(form.get("method", "exhaustive"))))
reopen = _by_election_action("reopened", lambda db, member, by_election_id, form: by_elections.reopen_nominations(
    db, member, by_election_id))


def _on_nomination(action, done: str):
    async def endpoint(request: Request) -> Response:
        current = require_viewer(request)
        async with database(request) as db:
            nomination = await rows.nomination_by_id(db, request.path_params["nomination_id"])
            if nomination is None:
                raise NotFound("There is no such nomination.")
            by_election_id = nomination.by_election_id
            try:
                await action(db, current.member, nomination.id)
            except ActionRefused as refused:
                return await _refused(request, db, by_election_id, refused)
        return RedirectResponse(f"/by-elections/{by_election_id}?done={done}", status_code=303)
    return endpoint


async def _own_holding(request: Request, db):
    current = require_viewer(request)
    holding = await holding_by_id(db, request.path_params["holding_id"])
    if holding.member_id != current.member.id or not is_current(holding):
        raise NotFound("There is no such post of yours.")
    return holding


async def resign_page(request: Request) -> Response:
    async with database(request) as db:
        holding = await _own_holding(request, db)
    return render(request, "by_elections/resign.html", {"holding": holding,
                                                        "nomination_days": by_elections.NOMINATION_DAYS})


async def resign(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        holding = await _own_holding(request, db)
        by_election = await by_elections.resign(db, current.member, holding.id)
    return RedirectResponse(f"/by-elections/{by_election.id}?done=resigned", status_code=303)


BY_ELECTION_PAGE_ROUTES = [
    Route("/bodies/{slug}/by-elections", body_by_elections_page, methods=["GET"]),
    Route("/by-elections/{by_election_id:int}", by_election_page, methods=["GET"]),
    Route("/by-elections/{by_election_id:int}/nominations", nominate, methods=["POST"]),
    Route("/by-elections/{by_election_id:int}/election", open_election, methods=["POST"]),
    Route("/by-elections/{by_election_id:int}/reopen", reopen, methods=["POST"]),
    Route("/nominations/{nomination_id:int}/accept", _on_nomination(by_elections.accept, "accepted"),
          methods=["POST"]),
    Route("/nominations/{nomination_id:int}/withdraw", _on_nomination(by_elections.withdraw, "withdrawn"),
          methods=["POST"]),
    Route("/holdings/{holding_id:int}/resign", resign_page, methods=["GET"]),
    Route("/holdings/{holding_id:int}/resign", resign, methods=["POST"]),
]
