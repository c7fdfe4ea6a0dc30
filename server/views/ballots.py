"""Pages for ballots: a body's ballots and the set-up form, the ballot page with its voting form
(every kind; the ranking works by clicking candidates in order with JavaScript and as a numbered
form without), the receipt, the roll, live turnout (server-sent events, or polling), the result
with its round table and charts, the downloadable record and report, and finding a ballot by
receipt. Every action is a plain form that works without JavaScript."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response, StreamingResponse

from ballots.hand_count import HandCount, check_hand_count
from ballots.kinds import BallotSpec
from server.services import ballots as ballot_actions
from server.services import count_facts, hand_counts
from server.services.bodies import body_for
from server.services.errors import ActionRefused, Invalid
from server.views.ballot_charts import decision_chart, round_chart
from server.views.context import database, require_viewer
from server.views.form_values import optional_id
from server.views.render import STATIC_DIR, render, templates

SSE_FILE = STATIC_DIR / "vendor" / "htmx-sse.min.js"
#: seconds between turnout checks on a live stream, and how long one stream lasts before the browser reconnects
STREAM_INTERVAL_S = 2.0
STREAM_LIFETIME_S = 300.0
#: a quiet stream still sends an ``alive`` event this often, so the page can tell a stream held up on the way
#: (a buffering proxy) from a quiet ballot and poll instead (web/static/js/turnout.js waits 2.5 times this)
STREAM_HEARTBEAT_S = 10.0

MESSAGES = {
    "created": "Ballot set up. Check its rules and candidates, then open it.",
    "opened": "Voting is open. The roll is frozen and the ballot's fingerprint fixed.",
    "closed": "Voting closed; the result is published.",
    "proxy": "Your proxy is recorded.",
    "proxy-withdrawn": "Your proxy's appointment is withdrawn: you may vote yourself.",
    "figures": "Figures entered. Two tellers must confirm them before publication.",
    "confirmed": "Your confirmation is recorded.",
    "published": "The result is published.",
    "withdrawn": "The withdrawal is recorded; every voter sees it, and new votes may not name the candidate.",
    "casting-vote": "The casting vote is recorded and the result published.",
    "tied": "Voting closed. The vote is tied: the result waits for the chair's casting vote.",
}


def field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.replace(";", ",").split(",") if n.strip()]


def _number(raw: str, name: str, default: int) -> int:
    raw = raw.strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise Invalid(f"{name} must be a whole number.", {name: "A whole number."})
    return int(raw)


def _moment(raw: str, name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise Invalid(f"Give the {name} time as a date and time (UTC).", {name: "A date and time."}) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def fields_from_form(form: FormData) -> ballot_actions.SpecFields:
    quotas = []
    for line in _lines(field(form, "quotas")):
        parts = [p.strip() for p in line.split(":")]
        if len(parts) != 3 or not parts[1].isdigit():
            raise Invalid("Write each quota as label: minimum: names, e.g. “women: 4: Ann, Bea, Cat”.",
                          {"quotas": "label: minimum: names"})
        quotas.append((parts[0], int(parts[1]), _names(parts[2])))
    slates = []
    for line in _lines(field(form, "slates")):
        name, _, people = line.partition(":")
        slates.append((name.strip(), _names(people)))
    weights = {}
    for line in _lines(field(form, "weights")):
        email, _, votes = line.rpartition(":")
        weights[email.strip()] = _number(votes, "weights", 1)
    return ballot_actions.SpecFields(
        kind=field(form, "kind"), title=field(form, "title"),
        opens=_moment(field(form, "opens"), "opening"), closes=_moment(field(form, "closes"), "closing"),
        candidates=_lines(field(form, "candidates")), seats=_number(field(form, "seats"), "seats", 1),
        method=field(form, "method"), quotas=quotas, rule=field(form, "rule") or "simple",
        base=field(form, "base") or "cast", slates=slates, strike_share=field(form, "strike_share").strip() or None,
        secret=field(form, "secret") != "no", may_change_vote=field(form, "may_change_vote") == "yes",
        proxies_allowed=field(form, "proxies_allowed") == "yes", weighted=field(form, "weighted") == "yes",
        by_hand=field(form, "by_hand") == "yes", motion_id=optional_id(field(form, "motion_id"), "motion_id"),
        amendment_id=optional_id(field(form, "amendment_id"), "amendment_id"), weights=weights,
        roll_source=field(form, "roll_source") or "members",
        individual_preferences=field(form, "individual_preferences") == "yes",
        individual_method=field(form, "individual_method").strip())


# --- a body's ballots ---------------------------------------------------------------------------

#: a refused set-up form's error fields that name a field of another name on the form
SETUP_FIELD_OF = {"opening": "opens", "closing": "closes"}


def entered_setup(form: FormData | None, refused_fields: dict[str, str] | None = None) -> dict[str, Any]:
    """What a refused set-up form held, to fill it in again (``invalid``: the fields the refusal names)."""
    entered: dict[str, Any] = {k: v for k, v in (form or {}).items() if isinstance(v, str) and k != "csrf_token"}
    entered["invalid"] = {SETUP_FIELD_OF.get(name, name) for name in (refused_fields or {})}
    return entered


async def body_ballots_page(request: Request, error: str = "", status: int = 200, form: FormData | None = None,
                            refused_fields: dict[str, str] | None = None) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        body = await body_for(db, current.member, slug=request.path_params["slug"])
        found = await ballot_actions.ballots_of(db, current.member, body)
    return render(request, "ballots/list.html", {
        "body": body, "ballots": found, "can_run": ballot_actions.can_run(current.member, body),
        "state_labels": ballot_actions.STATE_LABELS, "ballot_kind_labels": ballot_actions.KIND_LABELS, "error": error,
        "form": entered_setup(form, refused_fields)}, status=status)


async def create_ballot(request: Request) -> Response:
    current = require_viewer(request)
    form = await request.form()
    async with database(request) as db:
        body = await body_for(db, current.member, slug=request.path_params["slug"])
        try:
            ballot = await ballot_actions.create_ballot(db, current.member, body, fields_from_form(form))
        except ActionRefused as refused:
            if refused.status in (403, 404):
                raise
            return await body_ballots_page(request, refused.message, refused.status, form, refused.fields)
    return RedirectResponse(f"/ballots/{ballot.id}?done=created", status_code=303)


# --- a ballot -------------------------------------------------------------------------------------

def paper_of(spec: BallotSpec) -> dict[str, Any]:
    """How the voting form looks for this spec; ``people``: a slate paper that also ranks the people on
    the slates (``person:<name>`` boxes, ranked by clicking with JavaScript)."""
    people = spec.individuals if spec.individual_preferences and spec.kind in ("slate", "slates") else ()
    if spec.answers_yes_no:
        strikes = spec.slates[0].members if spec.kind == "slate" and spec.strike_share is not None else ()
        return {"shape": "answer", "strikes": strikes, "people": people}
    if spec.ranked:
        return {"shape": "ranked", "choices": spec.standing, "people": people}
    return {"shape": "single" if spec.mark_limit == 1 else "marks", "choices": spec.standing,
            "limit": spec.mark_limit, "people": people}


def entered_paper(form: FormData, refused_fields: dict[str, str] | None = None) -> dict[str, Any]:
    """What a refused ballot paper held, to fill it in again: ``behalf`` names the paper sent (a
    represented member's id, or "" for the voter's own), ``invalid`` the fields the refusal names."""
    def numbers(prefix: str) -> dict[str, str]:
        return {key[len(prefix):]: value for key, value in form.multi_items()
                if key.startswith(prefix) and isinstance(value, str)}
    return {"behalf": field(form, "on_behalf_of").strip(), "ranks": numbers("rank:"), "people": numbers("person:"),
            "choice": field(form, "choice"), "marks": [v for v in form.getlist("mark") if isinstance(v, str)],
            "struck": [v for v in form.getlist("struck") if isinstance(v, str)],
            "receipt": field(form, "previous_receipt"), "invalid": set(refused_fields or {})}


async def ballot_page(request: Request, error: str = "", status: int = 200, fields: dict | None = None,
                      entered: dict[str, Any] | None = None, sent: dict[str, Any] | None = None) -> Response:
    current = require_viewer(request)
    member = current.member
    async with database(request) as db:
        ballot = await ballot_actions.ballot_for(db, member, request.path_params["ballot_id"])
        await ballot_actions.settle(db, member, ballot)
        spec = ballot_actions.spec_of(ballot)
        mine = await ballot_actions.my_status(db, member, ballot)
        turnout = await ballot_actions.turnout(db, member, ballot.id)
        hand = hand_counts.hand_count_of(ballot)
        hand_check = check_hand_count(spec, hand) if hand else None
        hand_ready = await hand_counts.hand_count_status(db, ballot) if ballot.by_hand else (False, "")
        # who runs it: a recall's holder never does (server/services/recall.py: may_run)
        roles = {a: await ballot_actions.may_run(db, member, ballot, a) for a in ("run", "hand count", "confirm")}
        roles["early"] = roles["run"] and await ballot_actions.may_act_early(db, member, ballot)  # the CAC
    return render(request, "ballots/ballot.html", {
        "ballot": ballot, "spec": spec, "paper": paper_of(ballot_actions.paper_spec_of(ballot)), "mine": mine,
        "turnout": turnout, "facts": ballot_actions.late_facts_of(ballot),
        "can_run": roles["run"], "is_cac": roles["hand count"], "is_teller": roles["confirm"],
        "can_act_early": roles["early"],
        "state_labels": ballot_actions.STATE_LABELS, "ballot_kind_labels": ballot_actions.KIND_LABELS,
        "hand": hand, "hand_check": hand_check, "hand_ready": hand_ready, "sse_available": SSE_FILE.is_file(),
        "error": error, "fields": fields or {}, "entered": entered, "sent": sent or {},
        "message": MESSAGES.get(request.query_params.get("done", ""), ""),
    }, status=status)


def entered_action(request: Request, form: FormData, keeps: tuple[str, ...],
                   refused_fields: dict[str, str] | None = None) -> dict[str, Any]:
    """What a refused action form held (its fields ``keeps``), to fill it in again: ``form`` names the
    action that was sent (the last part of its address), ``invalid`` the fields the refusal names."""
    return {"form": request.url.path.rsplit("/", 1)[-1], **{name: field(form, name) for name in keeps},
            "invalid": set(refused_fields or {})}


async def _act(request: Request, action, keeps: tuple[str, ...] = ()) -> Response:
    """Run one action on the ballot; refusals come back on the ballot page with the reason, and the form's
    fields ``keeps`` as they were sent."""
    current = require_viewer(request)
    form = await request.form()
    ballot_id = request.path_params["ballot_id"]
    async with database(request) as db:
        try:
            done = await action(db, current.member, ballot_id, form)
        except ActionRefused as refused:
            if refused.status in (401, 403, 404):
                raise
            return await ballot_page(request, refused.message, refused.status, refused.fields,
                                     sent=entered_action(request, form, keeps, refused.fields))
    return RedirectResponse(f"/ballots/{ballot_id}?done={done}", status_code=303)


async def open_ballot(request: Request) -> Response:
    async def act(db, member, ballot_id, _form):
        await ballot_actions.open_ballot(db, member, ballot_id)
        return "opened"
    return await _act(request, act)


async def _counted(db, member, ballot_id) -> str:
    """The message after a count: published, or a tie held for the chair's casting vote."""
    ballot = await ballot_actions.ballot_for(db, member, ballot_id)
    return "tied" if ballot_actions.late_facts_of(ballot).awaiting_casting_vote else "closed"


async def close_ballot(request: Request) -> Response:
    async def act(db, member, ballot_id, _form):
        await ballot_actions.close_ballot(db, member, ballot_id)
        return await _counted(db, member, ballot_id)
    return await _act(request, act)


async def count_again(request: Request) -> Response:
    async def act(db, member, ballot_id, _form):
        await ballot_actions.count_again(db, member, ballot_id)
        return await _counted(db, member, ballot_id)
    return await _act(request, act)


async def appoint_proxy(request: Request) -> Response:
    async def act(db, member, ballot_id, form):
        await ballot_actions.appoint_proxy(db, member, ballot_id, field(form, "proxy"))
        return "proxy"
    return await _act(request, act)


async def withdraw_proxy(request: Request) -> Response:
    async def act(db, member, ballot_id, _form):
        await ballot_actions.withdraw_proxy(db, member, ballot_id)
        return "proxy-withdrawn"
    return await _act(request, act)


async def withdraw_candidate(request: Request) -> Response:
    async def act(db, member, ballot_id, form):
        await count_facts.withdraw_candidate(db, member, ballot_id, field(form, "candidate"), field(form, "reason"))
        return "withdrawn"
    return await _act(request, act, keeps=("candidate", "reason"))


async def give_casting_vote(request: Request) -> Response:
    async def act(db, member, ballot_id, form):
        await count_facts.give_casting_vote(db, member, ballot_id, field(form, "casting_vote"),
                                               field(form, "reason"))
        return "casting-vote"
    return await _act(request, act, keeps=("casting_vote", "reason"))


def hand_count_from(form: FormData) -> HandCount:
    raw_for = field(form, "for").strip().lower()
    try:
        return HandCount(None if raw_for in ("many", "") else _number(raw_for, "for", 0),
                         _number(field(form, "against"), "against", 0), _number(field(form, "abstain"), "abstain", 0),
                         _number(field(form, "present"), "present", 0) if field(form, "present").strip() else None,
                         field(form, "declared") or None)
    except ValueError as exc:
        raise Invalid(str(exc)) from None


async def enter_hand_count(request: Request) -> Response:
    async def act(db, member, ballot_id, form):
        await hand_counts.enter_hand_count(db, member, ballot_id, hand_count_from(form))
        return "figures"
    return await _act(request, act)


async def confirm_hand_count(request: Request) -> Response:
    async def act(db, member, ballot_id, _form):
        await hand_counts.confirm_hand_count(db, member, ballot_id)
        return "confirmed"
    return await _act(request, act)


async def publish_hand_count(request: Request) -> Response:
    async def act(db, member, ballot_id, _form):
        await hand_counts.publish_hand_count(db, member, ballot_id)
        return "published"
    return await _act(request, act)


def submission_from(form: FormData, spec: BallotSpec) -> tuple[dict[str, Any], dict[str, str] | None]:
    """The form's ballot: an answer, marks, or rank numbers (``rank:<name>`` boxes)."""
    submitted: dict[str, Any] = {}
    numbers = None
    if spec.answers_yes_no:
        submitted["choice"] = field(form, "choice")
        struck = [v for v in form.getlist("struck") if isinstance(v, str)]
        if struck:
            submitted["struck"] = struck
    elif spec.ranked:
        numbers = {key[5:]: value for key, value in form.multi_items()
                   if key.startswith("rank:") and isinstance(value, str)}
    else:
        submitted["ranking"] = [v for v in form.getlist("mark") if isinstance(v, str)]
    return submitted, numbers


def people_numbers_from(form: FormData) -> dict[str, str] | None:
    """The numbers typed in a slate paper's ``person:<name>`` boxes (None: the paper has no such boxes)."""
    numbers = {key[7:]: value for key, value in form.multi_items()
               if key.startswith("person:") and isinstance(value, str)}
    return numbers or None


async def cast_vote(request: Request) -> Response:
    current = require_viewer(request)
    form = await request.form()
    ballot_id = request.path_params["ballot_id"]
    try:
        async with database(request) as db:  # closed before the vote waits for its round
            ballot = await ballot_actions.ballot_for(db, current.member, ballot_id)
            spec = ballot_actions.spec_of(ballot)
            shown = {"id": ballot.id, "title": ballot.title}
        submitted, numbers = submission_from(form, spec)
        behalf = field(form, "on_behalf_of").strip()
        cast = await ballot_actions.cast_vote(
            request.app.state.sessions, request.app.state.ballot_box, current.member, ballot_id, submitted,
            numbers=numbers, people_numbers=people_numbers_from(form),
            on_behalf_of=int(behalf) if behalf.isdigit() else None,
            previous_receipt=field(form, "previous_receipt"))
    except ActionRefused as refused:
        if refused.status in (401, 403, 404):
            raise
        return await ballot_page(request, refused.message, refused.status, refused.fields,
                                 entered_paper(form, refused.fields))
    return render(request, "ballots/receipt.html", {"ballot": shown, "spec": spec, "cast": cast},
                  headers=RECEIPT_HEADERS)


async def roll_page(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        await ballot_actions.settled(db, current.member, request.path_params["ballot_id"])
        ballot, entries = await ballot_actions.roll_of(db, current.member, request.path_params["ballot_id"])
        spec = ballot_actions.spec_of(ballot)
        voted = (await ballot_actions.rows.voted_member_ids(db, ballot.id)) if not spec.secret else set()
    return render(request, "ballots/roll.html", {"ballot": ballot, "spec": spec, "entries": entries, "voted": voted})


# --- live turnout -------------------------------------------------------------------------------

async def turnout_fragment(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        ballot = await ballot_actions.ballot_for(db, current.member, request.path_params["ballot_id"])
        turnout = await ballot_actions.turnout(db, current.member, ballot.id)
    return render(request, "ballots/_turnout.html", {"ballot": ballot, "turnout": turnout, "poll": True,
                                                     "sse_available": False})


async def turnout_stream(request: Request) -> Response:
    """Server-sent events: a ``turnout`` event (the fragment's HTML) whenever the count changes, an ``alive``
    event when nothing else was sent for a while, until the ballot closes (then a ``closed`` event, on which
    the page's ``sse-close`` stops the browser reconnecting) or the stream's lifetime ends (the browser then
    reconnects). Starlette ends the stream when the browser goes away."""
    current = require_viewer(request)
    ballot_id = request.path_params["ballot_id"]
    async with database(request) as db:
        ballot = await ballot_actions.ballot_for(db, current.member, ballot_id)
    once = request.query_params.get("once") == "1"
    fragment = templates.get_template("ballots/_turnout.html")

    async def events():
        last = None
        loop = asyncio.get_running_loop()
        ends = loop.time() + STREAM_LIFETIME_S
        sent = loop.time()
        while loop.time() < ends:
            async with database(request) as db:
                turnout = await ballot_actions.turnout(db, current.member, ballot_id)
            if turnout != last:
                last, sent = turnout, loop.time()
                html = fragment.render({"ballot": ballot, "turnout": turnout, "poll": False, "sse_available": False})
                data = "\n".join(f"data: {line}" for line in html.strip().split("\n"))
                yield f"event: turnout\n{data}\n\n"
            elif loop.time() - sent >= STREAM_HEARTBEAT_S:
                sent = loop.time()
                yield "event: alive\ndata: 1\n\n"
            if turnout.state != "open":
                yield "event: closed\ndata: closed\n\n"
                return
            if once:
                return  # a browser that went away ends the stream at the next send
            await asyncio.sleep(STREAM_INTERVAL_S)

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


# --- results ------------------------------------------------------------------------------------

def _turnout_line(spec: BallotSpec, ballots: int) -> str:
    eligible = spec.electorate.voters
    share = f"{100 * ballots / eligible:.1f}%" if eligible else "0.0%"
    return f"Turnout: {ballots} of {eligible} on the roll voted, {share}."


async def result_page(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        ballot, record = await ballot_actions.published(db, current.member, request.path_params["ballot_id"])
    spec = ballot_actions.spec_of(ballot)
    data = json.loads(ballot.record or "{}")
    result = data.get("result") or {}
    count = result if result.get("type") == "count" else (result.get("count") if result.get("type") == "slate choice" else None)
    decision = result if result.get("type") == "decision" else (result.get("decision") if result.get("type") == "slate decision" else None)
    charts = []
    if count:
        elected_so_far: list[str] = []
        for r in count.get("rounds", []):
            elected_so_far += r.get("elected", [])
            charts.append(round_chart(r, count.get("candidates", []), list(elected_so_far)))
    decision_svg = decision_chart(decision["yes"], decision["no"], decision["abstain"]) if decision else None
    ballots = len(data.get("ballots", []))
    return render(request, "ballots/result.html", {
        "ballot": ballot, "spec": spec, "record": data, "result": result, "count": count, "decision": decision,
        "charts": charts, "decision_svg": decision_svg, "ballots": ballots,
        "turnout_line": _turnout_line(spec, ballots), "by_hand": ballot.by_hand,
        "facts": ballot_actions.late_facts_of(ballot),
        "ballot_kind_labels": ballot_actions.KIND_LABELS,
    })


async def record_download(request: Request) -> Response:
    current = require_viewer(request)
    suffix = request.path_params["suffix"]
    async with database(request) as db:
        ballot, record = await ballot_actions.published(db, current.member, request.path_params["ballot_id"])
    if record is None and suffix != "json":
        raise Invalid("A hand count's record is published as JSON only.")
    text = ballot.record if record is None else ballot_actions.record_file(ballot, record, suffix)
    media = {"json": "application/json", "csv": "text/csv", "blt": "text/plain"}[suffix]
    return Response(text, media_type=f"{media}; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="ballot-{ballot.id}-record.{suffix}"'})


async def report_download(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        ballot, _record = await ballot_actions.published(db, current.member, request.path_params["ballot_id"])
    return PlainTextResponse(ballot.report or "", headers={
        "Content-Disposition": f'attachment; filename="ballot-{ballot.id}-report.txt"'})


#: on every page showing a receipt code: no cached copy, and no Referer carrying the page onward (R6 #10)
RECEIPT_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


async def receipt_page(request: Request) -> Response:
    """GET: the lookup form. POST: the ballot with the typed receipt code. The code travels in the form's
    body, never in the address, so access logs, browser history and Referer headers never hold it."""
    current = require_viewer(request)
    code, found, error, status = "", None, "", 200
    if request.method == "POST":
        code = field(await request.form(), "code").strip()
    elif "code" in request.query_params:
        error, status = ("Type your receipt code in the box: a code in the page's address is kept in access "
                         "logs and browser history, so it is not looked up."), 400
    async with database(request) as db:
        ballot = await ballot_actions.ballot_for(db, current.member, request.path_params["ballot_id"])
        if request.method == "POST":
            try:
                found = await ballot_actions.look_up_receipt(db, current.member, ballot.id, code)
                if found is None:
                    error, status = "No ballot in the published record has that receipt code.", 404
            except ActionRefused as refused:
                if refused.status in (401, 403):
                    raise
                error, status = refused.message, refused.status
    return render(request, "ballots/find_receipt.html", {"ballot": ballot, "code": code, "found": found,
                                                         "error": error}, status, headers=RECEIPT_HEADERS)
