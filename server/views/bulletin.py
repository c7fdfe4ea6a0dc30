"""Pages for the internal bulletin (issue 7): issues, submissions, the editors' refusals with
their reasons, appeals, the docket, the published issue as a page and as one PDF."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server.db.models import Body
from server.db.models_groupings import BulletinAppeal
from server.drafting.markdown import render_markdown
from server.services import bulletin, notices
from server.services.errors import ActionRefused, Invalid
from server.views import in_place
from server.views.context import database, is_htmx, require_viewer, settings_of
from server.views.form_values import optional_whole_number
from server.views.render import render

MESSAGES = {
    "opened": "Issue opened for submissions.",
    "submitted": "Submitted. It is in the docket; editors can refuse it only with a written reason.",
    "refused": "Refused; the reason is published in the docket.",
    "withdrawn": "Withdrawn.",
    "appealed": "Appeal recorded in the docket.",
    "decided": "Outcome of the appeal recorded.",
    "published": "Issue published to all members.",
}



async def issues_page(request: Request) -> Response:
    require_viewer(request)
    async with database(request) as db:
        found = await bulletin.issues(db)
        zone = await bulletin.time_zone_for(db)
    return render(request, "bulletin/issues.html", {"issues": found, "error": "", "form": {},
                                                    "when": bulletin.clock(zone), "time_zone": zone,
                                                    "message": MESSAGES.get(request.query_params.get("done", ""), "")})


async def create_issue(request: Request) -> Response:
    current = require_viewer(request)
    form = await request.form()
    async with database(request) as db:
        try:
            issue = await bulletin.create_issue(db, current.member, body_slug=str(form.get("body", "")),
                                                title=str(form.get("title", "")), deadline=str(form.get("deadline", "")),
                                                editors_slug=str(form.get("editors", "")),
                                                deadline_in_local_time=True)
        except ActionRefused as refused:
            if refused.status in (401, 403, 404):
                raise
            found, zone = await bulletin.issues(db), await bulletin.time_zone_for(db)
            return render(request, "bulletin/issues.html", {"issues": found, "error": refused.message,
                                                            "when": bulletin.clock(zone), "time_zone": zone,
                                                            "form": dict(form), "message": ""}, status=refused.status)
    return RedirectResponse(f"/bulletin/{issue.id}?done=opened", status_code=303)


async def _issue_context(request: Request, db, issue_id: int) -> dict:
    current = require_viewer(request)
    issue = await bulletin.issue_by_id(db, issue_id)
    published = [s for s in issue.submissions if s.state == "published"]
    groupings = [m.body_id for m in current.member.memberships]
    my_groupings = (await db.execute(Body.__table__.select().where(
        Body.id.in_(groupings), Body.kind.in_(("faction", "platform", "caucus", "fraction"))))).all() if groupings else []
    return {
        "issue": issue, "published": published,
        "html": {s.id: render_markdown(s.text) for s in published},
        "replies": await bulletin.replies_to(db, [s.id for s in published]),
        "is_editor": await bulletin.is_editor(db, current.member, issue),
        "me": current.member, "my_groupings": my_groupings,
        "when": bulletin.clock(await bulletin.time_zone_for(db, issue.body_id)),
        "officers": await bulletin.nameable_officers(db) if issue.state == "open" else [],
        "reply_to": optional_whole_number(request.query_params.get("reply_to"), "reply_to"),
        "message": MESSAGES.get(request.query_params.get("done", ""), ""), "error": "", "form": {},
    }


async def issue_page(request: Request) -> Response:
    async with database(request) as db:
        context = await _issue_context(request, db, request.path_params["issue_id"])
    return render(request, "bulletin/issue.html", context)


async def issue_pdf(request: Request) -> Response:
    require_viewer(request)
    async with database(request) as db:
        issue = await bulletin.issue_by_id(db, request.path_params["issue_id"])
        # built once per version of the issue, off the event loop, and kept in the data directory
        data = await bulletin.kept_issue_pdf(db, issue, settings_of(request).data_dir)
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="bulletin-{issue.id}.pdf"'})


async def _act(request: Request, issue_id_of, action, done: str) -> Response:
    """Run one action; a refusal comes back on the issue page with the message (with htmx, the
    docket and submission form alone, in place)."""
    current = require_viewer(request)
    form = dict(await request.form())
    async with database(request) as db:
        issue_id = await issue_id_of(db)
        try:
            await action(db, current.member, form)
        except ActionRefused as refused:
            if refused.status in (401, 403, 404):
                raise
            context = await _issue_context(request, db, issue_id)
            if is_htmx(request):
                return in_place.fragment(request, "bulletin/_work.html", context, refused=refused, form=form)
            context.update(error=refused.message, form=form, message="")
            return render(request, "bulletin/issue.html", context, status=refused.status)
        if is_htmx(request):
            return in_place.fragment(request, "bulletin/_work.html", await _issue_context(request, db, issue_id),
                                     message=MESSAGES[done])
    return RedirectResponse(f"/bulletin/{issue_id}?done={done}", status_code=303)


async def submit(request: Request) -> Response:
    issue_id = request.path_params["issue_id"]

    async def issue_of(db):
        return issue_id

    async def action(db, member, form):
        await bulletin.submit(db, member, issue_id, title=str(form.get("title", "")), text=str(form.get("text", "")),
                              grouping_id=optional_whole_number(form.get("grouping_id"), "grouping_id"),
                              names_body_id=optional_whole_number(form.get("names_body_id"), "names_body_id"),
                              names_member_id=optional_whole_number(form.get("names_member_id"), "names_member_id"),
                              reply_to_id=optional_whole_number(form.get("reply_to_id"), "reply_to_id"))
    return await _act(request, issue_of, action, "submitted")


def _submission_route(name: str, done: str):
    async def endpoint(request: Request) -> Response:
        submission_id = request.path_params["submission_id"]

        async def issue_of(db):
            return (await bulletin.submission_by_id(db, submission_id)).issue_id

        async def action(db, member, form):
            if name == "refuse":
                await bulletin.refuse(db, member, submission_id, str(form.get("reason", "")))
            elif name == "withdraw":
                await bulletin.withdraw(db, member, submission_id)
            else:
                await bulletin.appeal(db, member, submission_id, str(form.get("grounds", "")))
        return await _act(request, issue_of, action, done)
    return endpoint


async def decide_appeal(request: Request) -> Response:
    appeal_id = request.path_params["appeal_id"]

    async def issue_of(db):
        row = await db.get(BulletinAppeal, appeal_id)
        if row is None:
            raise Invalid("There is no such appeal.")
        return (await bulletin.submission_by_id(db, row.submission_id)).issue_id

    async def action(db, member, form):
        await bulletin.decide_appeal(db, member, appeal_id, upheld=form.get("upheld") == "yes",
                                     outcome=str(form.get("outcome", "")))
    return await _act(request, issue_of, action, "decided")


async def publish(request: Request) -> Response:
    issue_id = request.path_params["issue_id"]

    async def issue_of(db):
        return issue_id

    async def action(db, member, form):
        await bulletin.publish(db, member, issue_id)
        await notices.deliver_now(db)  # members who chose each by email hear of it at once
    return await _act(request, issue_of, action, "published")


BULLETIN_PAGE_ROUTES = [
    Route("/bulletin", issues_page, methods=["GET"]),
    Route("/bulletin", create_issue, methods=["POST"]),
    Route("/bulletin/{issue_id:int}", issue_page, methods=["GET"]),
    Route("/bulletin/{issue_id:int}.pdf", issue_pdf, methods=["GET"]),
    Route("/bulletin/{issue_id:int}/submissions", submit, methods=["POST"]),
    Route("/bulletin/{issue_id:int}/publish", publish, methods=["POST"]),
    Route("/bulletin/submissions/{submission_id:int}/refuse", _submission_route("refuse", "refused"), methods=["POST"]),
    Route("/bulletin/submissions/{submission_id:int}/withdraw", _submission_route("withdraw", "withdrawn"),
          methods=["POST"]),
    Route("/bulletin/submissions/{submission_id:int}/appeal", _submission_route("appeal", "appealed"), methods=["POST"]),
    Route("/bulletin/appeals/{appeal_id:int}/decide", decide_appeal, methods=["POST"]),
]
