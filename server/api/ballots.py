"""The ballots API: set up, open, vote, close, hand counts, turnout, roll, result, record and receipts,
calling the same service functions as the pages (same checks, same refusals)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ballots.hand_count import HandCount
from server.api.routes import _json_body
from server.api.shapes import body_summary
from server.db.models import Ballot
from server.repositories import bodies as body_rows
from server.services import ballots as ballot_actions
from server.services import count_facts, hand_counts
from server.services.errors import Invalid, NotFound
from server.views.form_values import optional_id
from server.views.context import database, require_identity, require_viewer
from server.views.render import error_response

#: a receipt with a ballot's contents: no cache or proxy keeps a copy (the receipt pages send the same)
NOT_KEPT = {"Cache-Control": "no-store"}


def _list(data: dict, name: str) -> list:
    value = data.get(name, [])
    if not isinstance(value, list):
        raise Invalid(f"{name} must be a list.", {name: "A list."})
    return value


def _moment(data: dict, name: str) -> datetime:
    value = data.get(name)
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise Invalid(f"{name} must be an ISO 8601 date and time.", {name: "A date and time."}) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _flag(data: dict, name: str, default: bool) -> bool:
    """A JSON boolean: ``bool("false")`` is True, so a quoted value is refused rather than read as on."""
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise Invalid(f"{name} must be true or false (a JSON boolean), not {json.dumps(value)}.",
                      {name: "true or false."})
    return value


def _integer(value: object) -> bool:
    """A JSON integer: Python's ``True`` is an ``int`` too, and a flag is no number."""
    return isinstance(value, int) and not isinstance(value, bool)


def _whole(data: dict, name: str, default: int | None = None, *, many: bool = False) -> int | None:
    """A JSON integer of 0 or more, or null (``default`` when absent); ``many`` also takes "many" as null
    (a hand count's uncounted side). A quoted number is refused, never guessed."""
    value = data.get(name, default)
    if value is None or (many and isinstance(value, str) and value.strip().lower() == "many"):
        return None
    if not _integer(value):
        allowed = "a whole number, \"many\" or null" if many else "a whole number"
        raise Invalid(f"{name} must be {allowed}, not {json.dumps(value)}.", {name: allowed.capitalize() + "."})
    if value < 0:
        raise Invalid(f"{name} cannot be negative ({value}).", {name: "0 or more."})
    return value


#: what each key of a quota or a slate holds, as the messages name it
_KEY_KINDS = {"label": "text", "name": "text", "minimum": "a whole number", "members": "a list of names"}


def _fits(value: object, kind: str) -> bool:
    if kind == "text":
        return isinstance(value, str)
    if kind == "a whole number":
        return _integer(value)
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _objects(data: dict, name: str, keys: tuple[str, ...], each: str) -> list[dict]:
    """``name``'s list of objects (quotas, slates), each holding ``keys`` of the kinds in ``_KEY_KINDS``;
    anything else is refused naming the field, the entry and the key, not in Python's words."""
    parts = [f"{key} ({_KEY_KINDS[key]})" for key in keys]
    wanted = f"{', '.join(parts[:-1])} and {parts[-1]}"
    entries = _list(data, name)
    for n, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise Invalid(f"{name}: entry {n} must be an object giving {wanted}, not {json.dumps(entry)}.",
                          {name: f"Objects with {', '.join(keys)}."})
        for key in keys:
            if key not in entry:
                raise Invalid(f"{name}: entry {n} has no {key}: {each} needs {wanted}.", {name: f"Each needs {key}."})
            if not _fits(entry[key], _KEY_KINDS[key]):
                raise Invalid(f"{name}: entry {n}'s {key} must be {_KEY_KINDS[key]}, not {json.dumps(entry[key])}.",
                              {name: f"{key}: {_KEY_KINDS[key]}."})
    return entries


def _weights(data: dict) -> dict[str, int]:
    """Card votes: an object of member email -> whole number of votes (the service checks each is 1 or more
    and on the roll); a list or a quoted number is refused naming the field, never guessed."""
    value = data.get("weights") or {}
    if not isinstance(value, dict):
        raise Invalid('weights must be an object of member email to card votes, such as {"ann@example.org": 3}, '
                      f"not {json.dumps(value)}.", {"weights": "email: card votes."})
    for email, votes in value.items():
        if not _integer(votes):
            raise Invalid(f"weights: the card votes of {email} must be a whole number, not {json.dumps(votes)}.",
                          {"weights": "Whole numbers."})
    return dict(value)


def _seats(data: dict) -> int:
    """How many seats: a whole number (1 when not given), else refused naming the field."""
    value = data.get("seats", 1)
    if not _integer(value) or value < 1:
        raise Invalid(f"seats must be a whole number of seats, 1 or more, not {json.dumps(value)}.",
                      {"seats": "A whole number."})
    return value


def fields_from_json(data: dict) -> ballot_actions.SpecFields:
    try:
        return ballot_actions.SpecFields(
            kind=str(data.get("kind", "")), title=str(data.get("title", "")),
            opens=_moment(data, "opens"), closes=_moment(data, "closes"),
            candidates=[str(c) for c in _list(data, "candidates")], seats=_seats(data),
            method=str(data.get("method", "")),
            quotas=[(q["label"], q["minimum"], q["members"])
                    for q in _objects(data, "quotas", ("label", "minimum", "members"), "each quota")],
            rule=str(data.get("rule", "simple")), base=str(data.get("base", "cast")),
            slates=[(s["name"], s["members"]) for s in _objects(data, "slates", ("name", "members"), "each slate")],
            strike_share=None if data.get("strike_share") in (None, "") else str(data["strike_share"]),
            secret=_flag(data, "secret", True), may_change_vote=_flag(data, "may_change_vote", False),
            proxies_allowed=_flag(data, "proxies_allowed", False), weighted=_flag(data, "weighted", False),
            by_hand=_flag(data, "by_hand", False), motion_id=optional_id(data.get("motion_id"), "motion_id"),
            amendment_id=optional_id(data.get("amendment_id"), "amendment_id"),
            weights=_weights(data),
            roll_source=str(data.get("roll_source") or "members"),
            individual_preferences=_flag(data, "individual_preferences", False),
            individual_method=str(data.get("individual_method") or ""))
    except (KeyError, TypeError, ValueError) as exc:
        raise Invalid(f"The ballot's fields are incomplete or mistyped ({exc}).") from None


def ballot_shape(ballot: Ballot, turnout: ballot_actions.Turnout | None = None) -> dict[str, Any]:
    spec = ballot_actions.spec_of(ballot)
    shape = {"id": ballot.id, "body": body_summary(ballot.body), "kind": ballot.kind, "title": ballot.title,
             "state": ballot.state, "by_hand": ballot.by_hand, "motion_id": ballot.motion_id,
             "amendment_id": ballot.amendment_id, "spec": spec.as_dict(),
             "fingerprint": ballot.fingerprint, "close_reason": ballot.close_reason,
             "count_facts": ballot_actions.late_facts_of(ballot).as_dict()}
    if turnout is not None:
        shape["turnout"] = {"voted": turnout.voted, "eligible": turnout.eligible}
    return shape


async def list_ballots(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        body = await body_rows.by_id(db, request.path_params["body_id"])
        if body is None:
            raise NotFound("There is no such body, or you may not see it.")
        found = await ballot_actions.ballots_of(db, current.member, body)
        return JSONResponse({"ballots": [ballot_shape(b) for b in found]})


async def create_ballot(request: Request) -> Response:
    current = require_viewer(request)
    data = await _json_body(request)
    async with database(request) as db:
        body = await body_rows.by_id(db, request.path_params["body_id"])
        if body is None:
            raise NotFound("There is no such body, or you may not see it.")
        ballot = await ballot_actions.create_ballot(db, current.member, body, fields_from_json(data))
        ballot = await ballot_actions.ballot_for(db, current.member, ballot.id)
        return JSONResponse(ballot_shape(ballot), status_code=201)


async def get_ballot(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        turnout = await ballot_actions.turnout(db, current.member, request.path_params["ballot_id"])
        ballot = await ballot_actions.ballot_for(db, current.member, request.path_params["ballot_id"])
        mine = await ballot_actions.my_status(db, current.member, ballot)
        return JSONResponse({**ballot_shape(ballot, turnout),
                             "me": {"on_roll": mine.on_roll, "weight": mine.weight, "voted": mine.voted,
                                    "proxy_for": [m for m, _ in mine.proxy_for]}})


def _hand_count(data: dict) -> HandCount:
    """The tellers' figures: whole numbers; "for" may be "many" or null (the side not counted)."""
    declared = data.get("declared") or None
    if declared not in (None, "carried", "fell"):
        raise Invalid(f"declared must be \"carried\", \"fell\" or null, not {json.dumps(declared)}.",
                      {"declared": "carried, fell or null."})
    return HandCount(_whole(data, "for", many=True), _whole(data, "against", 0), _whole(data, "abstain", 0),
                     _whole(data, "present"), declared)


async def ballot_action(request: Request) -> Response:
    current = require_viewer(request)
    action = request.path_params["action"]
    ballot_id = request.path_params["ballot_id"]
    data = await _json_body(request)
    note = ""
    async with database(request) as db:
        member = current.member
        if action == "open":
            await ballot_actions.open_ballot(db, member, ballot_id)
        elif action == "close":
            note = await ballot_actions.close_ballot(db, member, ballot_id)
        elif action == "count":
            note = await ballot_actions.count_again(db, member, ballot_id)
        elif action == "proxy":
            await ballot_actions.appoint_proxy(db, member, ballot_id, str(data.get("proxy", "")))
        elif action == "hand-count":
            check = await hand_counts.enter_hand_count(db, member, ballot_id, _hand_count(data))
            note = "; ".join(check.flags) or check.words
        elif action == "confirm":
            await hand_counts.confirm_hand_count(db, member, ballot_id)
        elif action == "publish":
            note = await hand_counts.publish_hand_count(db, member, ballot_id)
        elif action == "withdraw-candidate":
            note = await count_facts.withdraw_candidate(db, member, ballot_id, str(data.get("candidate", "")),
                                                           str(data.get("reason", "")))
        elif action == "casting-vote":
            note = await count_facts.give_casting_vote(db, member, ballot_id, str(data.get("casting_vote", "")),
                                                          str(data.get("reason", "")))
        else:
            raise NotFound(f"There is no action {action!r}; see /api/v1/openapi.json.")
        turnout = await ballot_actions.turnout(db, member, ballot_id)
        ballot = await ballot_actions.ballot_for(db, member, ballot_id)
        return JSONResponse({**ballot_shape(ballot, turnout), "note": note})


async def cast_vote(request: Request) -> Response:
    current = require_identity(request)  # an identity-only route: casting loads no memberships
    data = await _json_body(request)
    submitted = {k: data[k] for k in ("choice", "ranking", "struck", "individuals") if k in data}
    behalf = _whole(data, "on_behalf_of")  # a quoted id is refused, never taken as the proxy's own vote
    cast = await ballot_actions.cast_vote(request.app.state.sessions, request.app.state.ballot_box, current,
                                          request.path_params["ballot_id"], submitted, on_behalf_of=behalf,
                                          previous_receipt=str(data.get("previous_receipt", "")))
    return JSONResponse({"receipt": cast.receipt, "contents": cast.contents, "changed": cast.changed},
                        status_code=201, headers=NOT_KEPT)


async def turnout(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        found = await ballot_actions.turnout(db, current.member, request.path_params["ballot_id"])
    return JSONResponse({"voted": found.voted, "eligible": found.eligible, "state": found.state})


async def roll(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        await ballot_actions.settled(db, current.member, request.path_params["ballot_id"])
        ballot, entries = await ballot_actions.roll_of(db, current.member, request.path_params["ballot_id"])
        spec = ballot_actions.spec_of(ballot)
        voted = await ballot_actions.rows.voted_member_ids(db, ballot.id) if not spec.secret else set()
    return JSONResponse({"roll_digest": spec.electorate.roll_digest, "voters": [
        {"member": {"id": e.member_id, "name": e.member.name}, "weight": e.weight,
         "proxy": {"id": e.proxy_id, "name": e.proxy.name} if e.proxy else None,
         **({"voted": e.member_id in voted} if not spec.secret else {})} for e in entries]})


async def result(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        ballot, _record = await ballot_actions.published(db, current.member, request.path_params["ballot_id"])
    data = json.loads(ballot.record or "{}")
    return JSONResponse({"ballot": ballot.id, "result": data.get("result"), "ballots_digest": ballot.ballots_digest,
                         "spec_fingerprint": ballot.fingerprint, "audit_head": ballot.audit_head,
                         "report": ballot.report, "record": f"/api/v1/ballots/{ballot.id}/record"})


async def record(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        ballot, _record = await ballot_actions.published(db, current.member, request.path_params["ballot_id"])
    return Response(ballot.record or "{}", media_type="application/json")


async def receipt(request: Request) -> Response:
    """POST {"code": …}: the ballot with that receipt in the published record. The code goes in the body,
    never the address, which access logs keep beside the caller's address and time (R6 #10)."""
    current = require_viewer(request)
    code = (await _json_body(request)).get("code")
    if not isinstance(code, str) or not code.strip():
        raise Invalid('Give the receipt code in the body: {"code": "7KQM-3WXA-HN9D-PT4C"}.',
                      {"code": "The receipt code, as text."})
    async with database(request) as db:
        found = await ballot_actions.look_up_receipt(db, current.member, request.path_params["ballot_id"], code)
    if found is None:
        raise NotFound("No ballot in the published record has that receipt code.")
    return JSONResponse(found.as_dict(), headers=NOT_KEPT)


async def receipt_in_address(request: Request) -> Response:
    """The old GET …/receipts/{code}: refused (410), and the code is not looked up, so a client moves to POST."""
    return error_response(request, 410, "Receipt codes are no longer taken from the address (access logs and "
                          f"browser history keep it): POST /api/v1/ballots/{request.path_params['ballot_id']}"
                          '/receipts with {"code": …} instead.')


async def withdraw_proxy(request: Request) -> Response:
    """DELETE the caller's proxy appointment (before the proxy has voted), so they may vote themselves."""
    current = require_viewer(request)
    ballot_id = request.path_params["ballot_id"]
    async with database(request) as db:
        await ballot_actions.withdraw_proxy(db, current.member, ballot_id)
        turnout = await ballot_actions.turnout(db, current.member, ballot_id)
        ballot = await ballot_actions.ballot_for(db, current.member, ballot_id)
        return JSONResponse({**ballot_shape(ballot, turnout), "note": "Your proxy's appointment is withdrawn."})
