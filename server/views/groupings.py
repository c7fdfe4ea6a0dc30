"""Pages for groupings (issue 7): proposals and their signatures, caucus and fraction
requests with their decisions, grouping documents with versions and diffs, circulation
under the weekly allowance, and every faction's use of it. All work without JavaScript."""

from __future__ import annotations

from datetime import datetime, timezone

from starlette.requests import Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server.api import bulletin as bulletin_api
from server.api import by_elections as by_election_api
from server.api import groupings as grouping_api
from server.drafting.diff import diff_words, render_inline
from server.drafting.markdown import render_markdown
from server.groupings.attachments import MAX_ATTACHMENT_BYTES
from server.services import grouping_documents as documents
from server.services import groupings
from server.services.errors import ActionRefused, Invalid
from server.views import bulletin as bulletin_pages
from server.views import by_elections as by_election_pages
from server.views import petitions as petition_pages
from server.views import publication as publication_pages
from server.views import recall as recall_pages
from server.views import in_place
from server.views.context import database, is_htmx, require_viewer
from server.views.form_values import optional_whole_number
from server.views.render import render

MESSAGES = {
    "proposed": "Proposed. Your signature is the first; share this page so others can sign.",
    "requested": "Requested. The decision, with its reason, will be shown here.",
    "signed": "You have signed.",
    "joined": "You have joined.",
    "decided": "Decision recorded.",
    "saved": "Saved as a new version.",
    "created": "Document created.",
    "circulated": "Circulated to all members.",
    "published": "Published as this week's article.",
    "attached": "File attached.",
}


def _now() -> datetime:
    return datetime.now(timezone.utc)



async def _list_context(request: Request, db) -> dict:
    proposals = await groupings.all_proposals(db)
    views = [await groupings.describe(db, p) for p in proposals]
    rules = await groupings.rules_for(db, proposals[0].parent_id) if proposals else None
    today = groupings.week_rule(rules).local_date(_now()) if rules else _now().date()
    return {"views": views, "meetings": await groupings.meetings_to_name(db, today),
            "circulated": await documents.circulated(db), "message": MESSAGES.get(request.query_params.get("done", ""), "")}


async def groupings_page(request: Request) -> Response:
    require_viewer(request)
    async with database(request) as db:
        context = await _list_context(request, db)
    return render(request, "groupings/list.html", {**context, "form": {}, "fields": {}, "error": ""})


async def propose(request: Request) -> Response:
    current = require_viewer(request)
    form = await request.form()
    async with database(request) as db:
        try:
            proposal = await groupings.propose(
                db, current.member, kind=str(form.get("kind", "")), name=str(form.get("name", "")),
                purpose=str(form.get("purpose", "")), meeting_id=optional_whole_number(form.get("meeting_id"), "meeting_id"))
        except ActionRefused as refused:
            if refused.status in (401, 403, 404):
                raise
            context = await _list_context(request, db)
            if is_htmx(request):
                return in_place.fragment(request, "groupings/_propose.html", {**context, "fields": refused.fields},
                                         refused=refused, form=dict(form))
            return render(request, "groupings/list.html", {**context, "form": dict(form), "fields": refused.fields,
                                                           "error": refused.message}, status=refused.status)
    done = "proposed" if proposal.kind in groupings.SIGNED_KINDS else "requested"
    if is_htmx(request):
        return in_place.redirect_in_browser(f"/groupings/{proposal.id}?done={done}")
    return RedirectResponse(f"/groupings/{proposal.id}?done={done}", status_code=303)


async def _proposal_context(request: Request, db, proposal_id: int) -> dict:
    current = require_viewer(request)
    proposal = await groupings.proposal_by_id(db, proposal_id)
    view = await groupings.describe(db, proposal)
    return {
        "view": view, "proposal": proposal, "purpose_html": render_markdown(proposal.purpose),
        "has_signed": any(s.member_id == current.member.id for s in proposal.signatures),
        "is_member": await groupings.is_member(db, current.member.id, proposal),
        "may_decide": groupings.may_decide(current.member, proposal) and proposal.state == "requested",
        "message": MESSAGES.get(request.query_params.get("done", ""), ""), "error": "", "form": {},
    }


async def proposal_page(request: Request) -> Response:
    async with database(request) as db:
        context = await _proposal_context(request, db, request.path_params["proposal_id"])
    return render(request, "groupings/proposal.html", context)


async def _refusal_on_proposal(request: Request, db, proposal_id: int, refused: ActionRefused, form: dict) -> Response:
    if refused.status in (401, 403, 404):
        raise refused
    context = await _proposal_context(request, db, proposal_id)
    if is_htmx(request):
        return in_place.fragment(request, "groupings/_proposal_actions.html", context, refused=refused, form=form)
    context.update(error=refused.message, form=form, message="")
    return render(request, "groupings/proposal.html", context, status=refused.status)


async def _proposal_action(request: Request, act, done: str, form: dict | None = None) -> Response:
    """Run ``act(db, member, proposal_id)`` and answer as every action on a proposal does: the
    actions fragment with its message under htmx, else a redirect; a refusal shown in place."""
    current = require_viewer(request)
    proposal_id = request.path_params["proposal_id"]
    async with database(request) as db:
        try:
            await act(db, current.member, proposal_id)
        except ActionRefused as refused:
            return await _refusal_on_proposal(request, db, proposal_id, refused, form or {})
        if is_htmx(request):
            return in_place.fragment(request, "groupings/_proposal_actions.html",
                                     await _proposal_context(request, db, proposal_id), message=MESSAGES[done])
    return RedirectResponse(f"/groupings/{proposal_id}?done={done}", status_code=303)


async def sign(request: Request) -> Response:
    return await _proposal_action(request, groupings.sign, "signed")


async def join(request: Request) -> Response:
    """Join an approved caucus or fraction (a faction or platform is joined by signing)."""
    return await _proposal_action(request, groupings.join, "joined")


async def decide(request: Request) -> Response:
    form = await request.form()

    async def act(db, member, proposal_id):
        await groupings.decide(db, member, proposal_id, approve=form.get("decision") == "approve",
                               reason=str(form.get("reason", "")))

    return await _proposal_action(request, act, "decided", dict(form))


async def allowance_page(request: Request) -> Response:
    require_viewer(request)
    async with database(request) as db:
        rows = await documents.allowance_usage(db)
    return render(request, "groupings/allowance.html", {"rows": rows})


async def _documents_context(request: Request, db, slug: str) -> dict:
    current = require_viewer(request)
    body = await documents.grouping_body(db, slug=slug)
    proposal = await groupings.proposal_for_body(db, body.id)
    is_member = any(m.body_id == body.id for m in current.member.memberships)
    listed = await documents.documents_of(db, body, current.member)
    return {"body": body, "proposal": proposal, "documents": listed, "is_member": is_member,
            "message": MESSAGES.get(request.query_params.get("done", ""), ""), "error": "", "form": {}, "fields": {}}


async def documents_page(request: Request) -> Response:
    async with database(request) as db:
        context = await _documents_context(request, db, request.path_params["slug"])
    return render(request, "groupings/documents.html", context)


async def create_document(request: Request) -> Response:
    current = require_viewer(request)
    slug = request.path_params["slug"]
    form = await request.form()
    async with database(request) as db:
        body = await documents.grouping_body(db, slug=slug)
        try:
            document = await documents.create_document(db, current.member, body, title=str(form.get("title", "")),
                                                       text=str(form.get("text", "")))
        except ActionRefused as refused:
            if refused.status in (401, 403, 404):
                raise
            context = await _documents_context(request, db, slug)
            context.update(error=refused.message, form=dict(form), fields=refused.fields)
            return render(request, "groupings/documents.html", context, status=refused.status)
    return RedirectResponse(f"/documents/{document.id}?done=created", status_code=303)


async def _document_context(request: Request, db, document_id: int) -> dict:
    current = require_viewer(request)
    document = await documents.document_by_id(db, current.member, document_id)
    versions = document.versions
    latest = versions[-1]
    numbers = {v.number: v for v in versions}
    old = numbers.get(optional_whole_number(request.query_params.get("from"), "from") or max(1, latest.number - 1), versions[0])
    new = numbers.get(optional_whole_number(request.query_params.get("to"), "to") or latest.number, latest)
    role = next((m.role for m in current.member.memberships if m.body_id == document.body_id), None)
    return {
        "document": document, "latest": latest, "text_html": render_markdown(latest.text),
        "diff_html": render_inline(diff_words(old.text, new.text)) if old.number != new.number else "",
        "old": old, "new": new, "may_edit": role is not None,
        "may_circulate": role == "officer" and document.body.kind in documents.CIRCULATING_KINDS,
        "message": MESSAGES.get(request.query_params.get("done", ""), ""), "error": "", "form": {},
    }


async def document_page(request: Request) -> Response:
    async with database(request) as db:
        context = await _document_context(request, db, request.path_params["document_id"])
    return render(request, "groupings/document.html", context)


async def _refusal_on_document(request: Request, db, document_id: int, refused: ActionRefused, form: dict,
                               fragment: str = "") -> Response:
    if refused.status in (401, 403, 404):
        raise refused
    context = await _document_context(request, db, document_id)
    if fragment and is_htmx(request):
        return in_place.fragment(request, fragment, context, refused=refused, form=form)
    context.update(error=refused.message, form=form, message="")
    return render(request, "groupings/document.html", context, status=refused.status)


async def save_version(request: Request) -> Response:
    current = require_viewer(request)
    document_id = request.path_params["document_id"]
    form = await request.form()
    async with database(request) as db:
        try:
            await documents.save_version(db, current.member, document_id, title=str(form.get("title", "")),
                                         text=str(form.get("text", "")),
                                         base_number=optional_whole_number(form.get("base_number"), "base_number"))
        except ActionRefused as refused:
            return await _refusal_on_document(request, db, document_id, refused, dict(form))
    return RedirectResponse(f"/documents/{document_id}?done=saved", status_code=303)


async def circulate(request: Request) -> Response:
    current = require_viewer(request)
    document_id = request.path_params["document_id"]
    form = await request.form()
    kind = str(form.get("kind", "document"))
    async with database(request) as db:
        try:
            await documents.circulate(db, current.member, document_id, kind)
        except ActionRefused as refused:
            return await _refusal_on_document(request, db, document_id, refused, {}, "groupings/_circulation.html")
        done = "circulated" if kind == "document" else "published"
        if is_htmx(request):
            return in_place.fragment(request, "groupings/_circulation.html",
                                     await _document_context(request, db, document_id), message=MESSAGES[done])
    return RedirectResponse(f"/documents/{document_id}?done={done}", status_code=303)


async def attach(request: Request) -> Response:
    current = require_viewer(request)
    document_id = request.path_params["document_id"]
    async with database(request) as db:
        try:
            try:
                async with request.form(max_part_size=MAX_ATTACHMENT_BYTES + 1024) as form:
                    upload = form.get("file")
                    if not isinstance(upload, UploadFile):
                        raise Invalid("Choose a file to attach.")
                    data = await upload.read()
                    name = upload.filename or ""
            except MultiPartException:
                raise Invalid(f"The file is larger than {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB; "
                              "attachments may be at most that.") from None
            await documents.attach(db, current.member, document_id, name, data)
        except ActionRefused as refused:
            return await _refusal_on_document(request, db, document_id, refused, {})
    return RedirectResponse(f"/documents/{document_id}?done=attached", status_code=303)


async def attachment_download(request: Request) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        attachment = await documents.attachment_by_id(db, current.member, request.path_params["attachment_id"])
    disposition = "inline" if attachment.content_type.startswith("image/") else "attachment"
    safe_name = attachment.filename.replace('"', "")
    return Response(attachment.data, media_type=attachment.content_type, headers={
        "Content-Disposition": f'{disposition}; filename="{safe_name}"', "X-Content-Type-Options": "nosniff"})


GROUPING_PAGE_ROUTES = [
    Route("/groupings", groupings_page, methods=["GET"]),
    Route("/groupings", propose, methods=["POST"]),
    Route("/groupings/allowance", allowance_page, methods=["GET"]),
    Route("/groupings/{proposal_id:int}", proposal_page, methods=["GET"]),
    Route("/groupings/{proposal_id:int}/sign", sign, methods=["POST"]),
    Route("/groupings/{proposal_id:int}/join", join, methods=["POST"]),
    Route("/groupings/{proposal_id:int}/decide", decide, methods=["POST"]),
    Route("/bodies/{slug}/documents", documents_page, methods=["GET"]),
    Route("/bodies/{slug}/documents", create_document, methods=["POST"]),
    Route("/documents/{document_id:int}", document_page, methods=["GET"]),
    Route("/documents/{document_id:int}/versions", save_version, methods=["POST"]),
    Route("/documents/{document_id:int}/circulate", circulate, methods=["POST"]),
    Route("/documents/{document_id:int}/attachments", attach, methods=["POST"]),
    Route("/attachments/{attachment_id:int}", attachment_download, methods=["GET"]),
    *bulletin_pages.BULLETIN_PAGE_ROUTES,
    *petition_pages.PETITION_PAGE_ROUTES,
    *recall_pages.RECALL_PAGE_ROUTES,
    *by_election_pages.BY_ELECTION_PAGE_ROUTES,
    *publication_pages.PUBLICATION_PAGE_ROUTES,
]
#: the API routes, re-exported so server/app.py imports issue 7's routes from one place
GROUPING_API_ROUTES = (grouping_api.GROUPING_API_ROUTES + bulletin_api.BULLETIN_API_ROUTES
                       + petition_pages.PETITION_API_ROUTES + recall_pages.RECALL_API_ROUTES
                       + by_election_api.BY_ELECTION_API_ROUTES + publication_pages.PUBLICATION_API_ROUTES)
