"""Rendering pages and refusals: HTML for people, JSON under /api/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.templating import Jinja2Templates

from server.services.bodies import KIND_LABELS, ROLE_LABELS

WEB_DIR = Path(__file__).resolve().parent.parent.parent / "web"
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"
HTMX_FILE = STATIC_DIR / "vendor" / "htmx.min.js"

ERROR_TITLES = {
    400: "That did not work",
    401: "Please sign in",
    403: "Not allowed",
    404: "Page not found",
    405: "Not allowed",
    409: "Already done",
    413: "Too large",
    429: "Too many attempts",
    500: "Something went wrong",
}


def _page_context(request: Request) -> dict[str, Any]:
    state = request.scope.get("state", {})
    return {
        "viewer": state.get("viewer"),
        "csrf_token": state.get("csrf_token", ""),
        # the pages work without htmx; only link it when the install step put it there
        "htmx_available": HTMX_FILE.is_file(),
        "kind_labels": KIND_LABELS,
        "role_labels": ROLE_LABELS,
    }


templates = Jinja2Templates(directory=TEMPLATES_DIR, context_processors=[_page_context])


def render(request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200,
           headers: dict[str, str] | None = None) -> Response:
    return templates.TemplateResponse(request, name, context or {}, status_code=status, headers=headers)


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_response(request: Request, status: int, message: str, fields: dict[str, str] | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    if wants_json(request):
        body: dict[str, Any] = {"error": {"status": status, "message": message}}
        if fields:
            body["error"]["fields"] = fields
        return JSONResponse(body, status_code=status, headers=headers)
    if request.headers.get("hx-request") == "true":
        # an htmx request must not swap a whole page into its target: the message goes into
        # the page's alert region instead (base.html), whatever element the request targets
        return render(request, "_alert.html", {"message": message}, status=status,
                      headers={**(headers or {}), "HX-Retarget": "#alerts", "HX-Reswap": "innerHTML"})
    title = ERROR_TITLES.get(status, "That did not work")
    return render(request, "error.html", {"title": title, "message": message, "status": status},
                  status=status, headers=headers)
