"""Signing in leads back to the page that asked for it, and never off the site."""

from __future__ import annotations

import pytest


async def test_the_wanted_page_survives_the_sign_in(client, org, h):
    asked = await client.get("/bodies/north?tab=members")
    assert asked.status_code == 303
    assert asked.headers["location"] == "/sign-in?next=%2Fbodies%2Fnorth%3Ftab%3Dmembers"
    form = await client.get(asked.headers["location"])
    assert '<input type="hidden" name="next" value="/bodies/north?tab=members">' in form.text
    token = h.csrf_from(form.text)
    signed_in = await client.post("/sign-in", data={"email": "nora@example.org", "password": h.password,
                                                    "csrf_token": token, "next": "/bodies/north?tab=members"})
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/bodies/north?tab=members"


async def test_a_wrong_password_keeps_the_wanted_page(client, org, h):
    token = await h.page_token(client, "/sign-in?next=/bodies/north")
    wrong = await client.post("/sign-in", data={"email": "nora@example.org", "password": "wrong password",
                                                "csrf_token": token, "next": "/bodies/north"})
    assert wrong.status_code == 401 and 'name="next" value="/bodies/north"' in wrong.text


@pytest.mark.parametrize("wanted", [
    "https://evil.example/", "//evil.example/path", "/\\evil.example", "evil.example", "javascript:alert(1)",
    "/\t/evil.example", " /bodies/north",
])
async def test_no_open_redirect(client, org, h, wanted):
    form = await client.get("/sign-in", params={"next": wanted})
    assert 'name="next"' not in form.text
    token = h.csrf_from(form.text)
    signed_in = await client.post("/sign-in", data={"email": "nora@example.org", "password": h.password,
                                                    "csrf_token": token, "next": wanted})
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/"
    again = await client.get("/sign-in", params={"next": wanted})
    assert again.status_code == 303 and again.headers["location"] == "/"
