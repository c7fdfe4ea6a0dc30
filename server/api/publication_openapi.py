"""The OpenAPI description of the publication queue (server/views/publication.py), merged into
GROUPING_PATHS by server/api/grouping_openapi.py, which lends its operation builder."""

from __future__ import annotations

from typing import Any, Callable

from server.api.motion_openapi import INT, STR, _ref

PUBLICATION_SCHEMAS: dict[str, Any] = {
    "QueuedArticle": {"type": "object", "properties": {
        "position": {"type": "integer", "description": "Its place in the queue, 1 for the first submitted"},
        "id": INT, "week_of": {"type": "string", "format": "date",
                               "description": "The local date the week whose allowance it used began"},
        "week": {"type": "string", "example": "the week of 9 March 2026"}, "grouping": _ref("BodySummary"),
        "title": STR, "version": {"type": "integer", "description": "The version published"},
        "document_id": INT, "url": {"type": "string", "example": "/documents/12"},
        "submitted_at": {"type": "string", "format": "date-time",
                         "description": "In the organisation's time zone, with its offset"}}},
}


def publication_paths(op: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """The path, built with the groupings description's ``op`` so every operation reads alike."""
    return {
        "/api/v1/publication": {
            "get": op("The publication queue: every faction's and platform's weekly article, in the order "
                      "submitted, with its week (visible to all members)", "The queue",
                      {"type": "object", "properties": {"articles": {"type": "array",
                                                                     "items": _ref("QueuedArticle")}}})},
    }
