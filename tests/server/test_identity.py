"""Signing in and out, password hashes, session tokens and the rate limit."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt
import pytest
from sqlalchemy import select

from server.auth import tokens
from server.db.models import Member, SignInSession
from server.services import identity
from server.services.errors import Invalid


async def test_password_hashes_are_argon2id(app, org):
    async with app.state.sessions() as db:
        hashes = (await db.execute(select(Member.password_hash))).scalars().all()
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)


async def test_sign_in_sets_an_httponly_samesite_cookie_with_expiry(client, org, h):
    response = await h.sign_in(client, "Olive@Example.org")  # email is case-insensitive
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("plenary_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=" in cookie
    home = await client.get("/")
    assert "Welcome, Olive" in home.text and "North branch" in home.text


async def test_wrong_password_says_so_plainly(client, org, h):
    response = await h.sign_in(client, "olive@example.org", "not the password")
    assert response.status_code == 401
    assert "Wrong email or password." in response.text
    unknown = await h.sign_in(client, "nobody@example.org", "whatever it is")
    assert "Wrong email or password." in unknown.text


async def test_sign_out_revokes_the_token(client, other_client, org, h):
    token = await h.signed_in_token(client, "nora@example.org")
    stolen = client.cookies["plenary_session"]
    response = await client.post("/sign-out", data={"csrf_token": token})
    assert response.status_code == 303
    other_client.cookies.set("plenary_session", stolen)
    assert (await other_client.get("/api/v1/me")).status_code == 401
    page = await other_client.get("/")
    assert "Sign in" in page.text and "Welcome" not in page.text


async def test_password_change_revokes_every_session(app, client, org, h, settings):
    await h.signed_in_token(client, "nora@example.org")
    assert (await client.get("/api/v1/me")).status_code == 200
    async with app.state.sessions() as db:
        nora = (await db.execute(select(Member).where(Member.email_key == "nora@example.org"))).scalar_one()
        await identity.change_password(db, settings, nora, h.password, "a brand new passphrase")
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_change_password_checks_the_current_one(app, org, settings, h):
    async with app.state.sessions() as db:
        nora = (await db.execute(select(Member).where(Member.email_key == "nora@example.org"))).scalar_one()
        try:
            await identity.change_password(db, settings, nora, "wrong", "a brand new passphrase")
        except Invalid as refused:
            assert "current password" in refused.message
        else:
            raise AssertionError("a wrong current password was accepted")


def _forge(secret: str, session_id: str, member_id: int, **changes) -> str:
    now = datetime.now(timezone.utc)
    payload = {"sub": str(member_id), "sid": session_id, "ver": 1, "iat": int(now.timestamp()),
               "exp": int((now + timedelta(hours=1)).timestamp())}
    payload.update(changes)
    return jwt.encode(payload, secret, algorithm="HS256")


async def _session_id(app) -> str:
    async with app.state.sessions() as db:
        return (await db.execute(select(SignInSession.id))).scalar_one()


async def test_forged_tokens_are_refused(app, client, other_client, org, h, settings):
    await h.signed_in_token(client, "nora@example.org")
    genuine = client.cookies["plenary_session"]
    session_id = await _session_id(app)
    nora, admin = org.members["nora"], org.members["admin"]
    header, payload, signature = genuine.split(".")
    forged = {
        "wrong key": _forge("another key entirely, long enough to be plausible", session_id, nora),
        "alg none": jwt.encode({"sub": str(nora), "sid": session_id, "ver": 1, "iat": 1, "exp": 4_000_000_000},
                               None, algorithm="none"),
        "tampered payload": ".".join([header, _forge(settings.secret_key, session_id, admin).split(".")[1], signature]),
        "other member on this session": _forge(settings.secret_key, session_id, admin),
        "expired": _forge(settings.secret_key, session_id, nora, exp=int(datetime.now(timezone.utc).timestamp()) - 5),
        "unknown session": _forge(settings.secret_key, "0" * 32, nora),
        "garbage": "not-a-jwt",
    }
    other_client.cookies.set("plenary_session", genuine)
    assert (await other_client.get("/api/v1/me")).json()["id"] == nora
    for reason, token in forged.items():
        other_client.cookies.set("plenary_session", token)
        response = await other_client.get("/api/v1/me")
        assert response.status_code == 401, reason
        assert response.json()["error"]["message"]
        page = await other_client.get("/bodies/north")
        assert page.status_code == 303 and page.headers["location"].startswith("/sign-in?"), reason


def test_token_round_trip_and_expiry():
    now = tokens.now()
    claims = tokens.SessionClaims(7, "abc", 3)
    token = tokens.issue_token("k" * 40, claims, now, now + timedelta(minutes=1))
    assert tokens.read_token("k" * 40, token) == claims
    assert tokens.read_token("x" * 40, token) is None
    old = tokens.issue_token("k" * 40, claims, now - timedelta(hours=2), now - timedelta(hours=1))
    assert tokens.read_token("k" * 40, old) is None


def test_a_kept_token_still_expires_and_a_forged_one_is_never_kept_as_good():
    now = tokens.now()
    claims = tokens.SessionClaims(8, "def", 1)
    token = tokens.issue_token("k" * 40, claims, now, now + timedelta(minutes=1))
    assert tokens.read_token("k" * 40, token) == claims  # verified once, then kept
    assert tokens.read_token("k" * 40, token, at=now + timedelta(seconds=59)) == claims
    assert tokens.read_token("k" * 40, token, at=now + timedelta(minutes=1)) is None
    head, body, signature = token.split(".")
    tampered = ".".join((head, body, signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")))
    assert tokens.read_token("k" * 40, tampered) is None
    assert tokens.read_token("x" * 40, token) is None  # kept per key: another key's check is its own


async def test_failures_per_account_are_rate_limited(client, org, h):
    for _ in range(5):
        assert (await h.sign_in(client, "olive@example.org", "guess guess")).status_code == 401
    held = await h.sign_in(client, "olive@example.org", h.password)  # even the right password waits
    assert held.status_code == 429
    assert "Too many failed sign-in attempts" in held.text and "Try again in 15 minutes" in held.text
    assert int(held.headers["retry-after"]) > 800
    assert (await h.sign_in(client, "nora@example.org")).status_code == 303  # other accounts unaffected


async def test_failures_per_address_are_rate_limited(client, org, h):
    for attempt in range(20):
        response = await h.sign_in(client, f"nobody{attempt}@example.org", "guess guess")
        assert response.status_code == 401
    held = await h.sign_in(client, "nora@example.org")
    assert held.status_code == 429 and "Try again" in held.text


async def test_rate_limit_holds_across_app_instances(settings, org, h):
    """Two workers share the count because it lives in the database."""
    import httpx

    from server.app import create_app

    first, second = create_app(settings), create_app(settings)
    try:
        for worker in (first, second, first, second, first):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=worker), base_url="http://t") as c:
                assert (await h.sign_in(c, "sam@example.org", "guess guess")).status_code == 401
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=second), base_url="http://t") as c:
            assert (await h.sign_in(c, "sam@example.org")).status_code == 429
    finally:
        await first.state.engine.dispose()
        await second.state.engine.dispose()


async def test_password_page_changes_it_and_signs_out_everywhere(client, other_client, org, h):
    token = await h.signed_in_token(client, "nora@example.org")
    await h.signed_in_token(other_client, "nora@example.org")
    differ = await client.post("/account/password", data={
        "current_password": h.password, "new_password": "a new passphrase", "confirm_password": "another one",
        "csrf_token": token})
    assert differ.status_code == 400 and "differ" in differ.text
    wrong = await client.post("/account/password", data={
        "current_password": "nope", "new_password": "a new passphrase", "confirm_password": "a new passphrase",
        "csrf_token": token})
    assert wrong.status_code == 400 and "current password is not right" in wrong.text
    changed = await client.post("/account/password", data={
        "current_password": h.password, "new_password": "a new passphrase", "confirm_password": "a new passphrase",
        "csrf_token": token})
    assert changed.status_code == 303
    assert (await client.get("/api/v1/me")).status_code == 401
    assert (await other_client.get("/api/v1/me")).status_code == 401
    assert "Your password is changed" in (await client.get(changed.headers["location"])).text
    assert (await h.sign_in(client, "nora@example.org", "a new passphrase")).status_code == 303


@pytest.mark.parametrize("change, why", [
    ({"exp": None}, "no expiry"), ({"iat": None}, "no issue time"), ({"sid": None}, "no session"),
    ({"sub": None}, "no member"), ({"ver": None}, "no version"), ({"ver": True}, "a flag for a version"),
    ({"exp": "4000000000"}, "an expiry in words"), ({"sub": "nora"}, "a member that is no number"),
    ({"sid": 7}, "a session that is no text")])
def test_a_token_signed_with_our_key_but_malformed_is_refused(change, why):
    now = tokens.now()
    claims = {"sub": "7", "sid": "abc", "ver": 3, "iat": int(now.timestamp()), "exp": int(now.timestamp()) + 60}
    for name, value in change.items():
        if value is None:
            del claims[name]
        else:
            claims[name] = value
    token = jwt.encode(claims, "k" * 40, algorithm="HS256")
    assert tokens.read_token("k" * 40, token) is None, why


def test_a_token_under_another_algorithm_is_refused_even_with_our_key():
    now = tokens.now()
    claims = {"sub": "7", "sid": "abc", "ver": 3, "iat": int(now.timestamp()), "exp": int(now.timestamp()) + 60}
    key = "k" * 64  # long enough for HS512 too
    assert tokens.read_token(key, jwt.encode(claims, key, algorithm="HS256")) is not None
    assert tokens.read_token(key, jwt.encode(claims, key, algorithm="HS512")) is None
