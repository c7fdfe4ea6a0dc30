"""Answering a form sent by htmx: the fragment the form targets, re-rendered in place with
the outcome (a message, or the refusal and its status), instead of a redirect to the whole
page. Without JavaScript the same forms post normally and get the page (docs/groupings.md)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from server.services.errors import ActionRefused
from server.views.render import render


def fragment(request: Request, template: str, context: dict[str, Any], *, message: str = "",
             refused: ActionRefused | None = None, form: dict | None = None) -> Response:
    """The fragment with ``in_place_message`` or ``in_place_error`` (and what was typed, on a
    refusal), with the refusal's 4xx status so htmx and tests see it was refused."""
    shown = dict(context)
    # in_place: the fragment also clears the page's own message, now out of date (hx-swap-oob)
    shown.update(in_place=True, in_place_message=message, in_place_error=refused.message if refused else "",
                 in_place_fields=refused.fields if refused else {})
    if form is not None:
        shown["form"] = form
    return render(request, template, shown, status=refused.status if refused else 200)


def redirect_in_browser(url: str) -> Response:
    """After an htmx form that creates a new page (a proposal, a petition): load that page."""
    return Response(status_code=204, headers={"HX-Redirect": url})
