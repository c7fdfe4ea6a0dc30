"""Posting in a thread, replying, editing and hiding posts. With htmx the thread's post
list comes back in place; without it, the browser is sent back to the thread."""

from __future__ import annotations

import hashlib

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.services import threads
from server.services.errors import ActionRefused
from server.services.motion_access import can_moderate, can_take_part, is_author
from server.views.context import database, is_htmx, require_viewer
from server.views.motions import field, motion_page, whole_number
from server.views.amendments import amendment_page
from server.views.render import render
from server.views.thread_html import thread_html


def _ids(request: Request) -> tuple[int | None, int | None]:
    return request.path_params.get("motion_id"), request.path_params.get("amendment_id")


async def _posts_fragment(request: Request, motion_id: int | None, amendment_id: int | None,
                          error: str = "", status: int = 200) -> Response:
    current = require_viewer(request)
    async with database(request) as db:
        motion, entries = await threads.thread_for_page(db, current.member, motion_id=motion_id,
                                                        amendment_id=amendment_id)
    url = f"/amendments/{amendment_id}" if amendment_id is not None else f"/motions/{motion.id}"
    return render(request, "motions/_posts.html", {
        "thread": entries, "thread_url": url, "motion": motion, "viewer_id": current.member.id, "thread_html": thread_html,
        "can_take_part": can_take_part(current.member, motion.meeting) or is_author(current.member, motion),
        "can_moderate": can_moderate(current.member, motion.meeting), "error": error}, status=status)


#: the poll may be answered from the browser's cache, but only after asking the server
THREAD_CACHING = "private, no-cache"


def _thread_etag(stamp: tuple, member, motion) -> str:
    """Changes with the posts and with what this viewer's copy shows (reply and hide links)."""
    shown = (stamp, member.id, can_moderate(member, motion.meeting),
             can_take_part(member, motion.meeting) or is_author(member, motion))
    return 'W/"' + hashlib.blake2b(repr(shown).encode(), digest_size=12).hexdigest() + '"'


async def thread_fragment(request: Request) -> Response:
    """The post list alone: what htmx polls for live refresh. Each answer carries an ETag;
    while the thread is unchanged the browser's revalidation (If-None-Match) gets an
    empty 304, so a poll of a long thread costs a few hundred bytes, not the whole list."""
    current = require_viewer(request)
    motion_id, amendment_id = _ids(request)
    async with database(request) as db:
        motion, stamp = await threads.thread_stamp(db, current.member, motion_id=motion_id,
                                                   amendment_id=amendment_id)
    etag = _thread_etag(stamp, current.member, motion)
    headers = {"ETag": etag, "Cache-Control": THREAD_CACHING, "Vary": "Cookie, HX-Request"}
    asked = [tag.strip() for tag in request.headers.get("if-none-match", "").split(",")]
    if etag in asked or "*" in asked:
        return Response(status_code=304, headers=headers)
    response = await _posts_fragment(request, motion_id, amendment_id)
    response.headers.update(headers)
    return response


async def write_post(request: Request) -> Response:
    current = require_viewer(request)
    motion_id, amendment_id = _ids(request)
    form = await request.form()
    async with database(request) as db:
        try:
            parent = field(form, "parent_id")
            post = await threads.write_post(
                db, current.member, motion_id or 0, field(form, "body"), quote=field(form, "quote"),
                parent_id=whole_number(parent, "parent_id") if parent else None, amendment_id=amendment_id)
        except ActionRefused as refused:
            if refused.status in (403, 404):
                raise
            if is_htmx(request):
                return await _posts_fragment(request, motion_id, amendment_id, refused.message, refused.status)
            if amendment_id is not None:
                return await amendment_page(request, refused.message, refused.status, form, "post")
            return await motion_page(request, refused.message, refused.status, refused.fields, form, "post")
    if is_htmx(request):
        return await _posts_fragment(request, post.motion_id, amendment_id)
    base = f"/amendments/{amendment_id}" if amendment_id is not None else f"/motions/{post.motion_id}"
    return RedirectResponse(f"{base}?done=posted#post-{post.id}", status_code=303)


def _back_to(post) -> str:
    base = f"/amendments/{post.amendment_id}" if post.amendment_id else f"/motions/{post.motion_id}"
    return f"{base}#post-{post.id}"


async def post_page(request: Request, error: str = "", status: int = 200, form: FormData | None = None,
                    refused_form: str = "") -> Response:
    """A post with its edit history (and the edit form for its author)."""
    current = require_viewer(request)
    async with database(request) as db:
        post, motion = await threads.post_for(db, current.member, request.path_params["post_id"])
    thread_url = f"/amendments/{post.amendment_id}" if post.amendment_id else f"/motions/{post.motion_id}"
    return render(request, "motions/post.html", {
        "post": post, "motion": motion, "back": _back_to(post), "error": error, "thread_url": thread_url,
        "may_reply": can_take_part(current.member, motion.meeting) or is_author(current.member, motion),
        "may_edit": post.author_id == current.member.id and post.hidden_at is None,
        "may_read_hidden": threads.can_read_hidden(current.member, post, motion),
        "form": form or {}, "refused_form": refused_form,
        "can_moderate": can_moderate(current.member, motion.meeting)}, status=status)


async def edit_post(request: Request) -> Response:
    current = require_viewer(request)
    form = await request.form()
    async with database(request) as db:
        try:
            post = await threads.edit_post(db, current.member, request.path_params["post_id"], field(form, "body"),
                                           field(form, "quote") if "quote" in form else None)
        except ActionRefused as refused:
            if refused.status in (403, 404):
                raise
            return await post_page(request, refused.message, refused.status, form, "edit")
    return RedirectResponse(_back_to(post), status_code=303)


async def hide_post(request: Request) -> Response:
    current = require_viewer(request)
    form = await request.form()
    async with database(request) as db:
        try:
            post = await threads.hide_post(db, current.member, request.path_params["post_id"], field(form, "reason"))
        except ActionRefused as refused:
            if refused.status in (403, 404):
                raise
            return await post_page(request, refused.message, refused.status, form, "hide")
    return RedirectResponse(_back_to(post), status_code=303)

