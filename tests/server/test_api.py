"""The JSON API and its OpenAPI document."""

from __future__ import annotations

import re

from starlette.routing import Route

from server.app import API_ROUTES


def _openapi_path(route: Route) -> str:
    return re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)


async def test_every_api_route_is_in_the_openapi_document(client):
    document = (await client.get("/api/v1/openapi.json")).json()
    assert document["openapi"].startswith("3.1")
    for route in API_ROUTES:
        path = _openapi_path(route)
        assert path in document["paths"], path
        for method in route.methods - {"HEAD"}:
            assert method.lower() in document["paths"][path], (method, path)
    documented = {(p, m) for p, ops in document["paths"].items() for m in ops}
    routed = {(_openapi_path(r), m.lower()) for r in API_ROUTES for m in r.methods - {"HEAD"}}
    assert documented == routed


def test_openapi_refs_resolve():
    from server.api.openapi import document

    doc = document()
    refs = set(re.findall(r"#/components/schemas/(\w+)", str(doc)))
    assert refs <= set(doc["components"]["schemas"])


async def test_me_and_body_detail(client, org, h):
    await h.signed_in_token(client, "olive@example.org")
    me = (await client.get("/api/v1/me")).json()
    assert me["email"] == "olive@example.org" and not me["is_site_admin"]
    assert {(m["body"]["slug"], m["role"]) for m in me["memberships"]} == {("nmm", "member"), ("north", "officer")}
    body = (await client.get(f"/api/v1/bodies/{org.bodies['north']}")).json()
    assert body["parent"]["slug"] == "nmm"
    assert [(m["member"]["name"], m["role"]) for m in body["members"]] == [("Nora", "member"), ("Olive", "officer")]
    [secretary] = body["positions"]
    assert secretary["title"] == "Secretary" and secretary["elected_by"]["slug"] == "north"
    assert secretary["holders"][0]["member"]["name"] == "Olive" and secretary["holders"][0]["current"]


async def test_api_errors_are_json(client, org, h):
    assert (await client.get("/api/v1/nothing-here")).json()["error"]["status"] == 404
    assert (await client.get("/api/v1/me")).json()["error"]["status"] == 401
    await h.signed_in_token(client, "olive@example.org")
    bad = await client.get("/api/v1/positions?body_id=abc")
    assert bad.status_code == 400 and "whole number" in bad.json()["error"]["message"]


async def test_admin_sees_every_body(client, org, h):
    await h.signed_in_token(client, "admin@example.org")
    slugs = {b["slug"] for b in (await client.get("/api/v1/bodies")).json()["bodies"]}
    assert slugs == {"nmm", "north", "south", "women"}
