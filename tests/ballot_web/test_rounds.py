"""First votes are written in rounds (server/services/ballot_box.py): many voters at once share a
transaction, each still gets their own outcome, and the session check behind them is one query
for a whole round of requests (server/services/identity.py SessionCheck)."""

from __future__ import annotations

import asyncio
import secrets
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from sqlalchemy import event, func, insert, select

from server.auth.tokens import SessionClaims, csrf_token, issue_token
from server.services import audit
from server.db.models import AuditEntryRow, BallotBoxEntry, BallotVoted, Member, Membership, SignInSession

pytestmark = pytest.mark.parametrize("migrated", ["sqlite", "postgres"], indirect=True)


async def _voters(app, settings, roles, count: int, body: str = "nmm") -> list[dict[str, str]]:
    """``count`` new members of ``body``, each with a session: the headers each one sends."""
    now = datetime.now(timezone.utc)
    expires = now + timedelta(hours=1)
    tag = secrets.token_hex(3)
    async with app.state.sessions() as db:
        await db.execute(insert(Member), [
            {"name": f"Voter {tag} {i}", "email": f"v{i}-{tag}@rounds.test", "email_key": f"v{i}-{tag}@rounds.test",
             "password_hash": "!", "is_site_admin": False, "session_version": 1, "created_at": now}
            for i in range(count)])
        ids = list((await db.execute(select(Member.id).where(Member.email_key.like(f"%-{tag}@rounds.test"))
                                     .order_by(Member.id))).scalars())
        await db.execute(insert(Membership), [{"member_id": m, "body_id": roles.bodies[body], "role": "member"}
                                              for m in ids])
        sessions = [{"id": secrets.token_hex(16), "member_id": m, "created_at": now, "expires_at": expires} for m in ids]
        await db.execute(insert(SignInSession), sessions)
        await db.commit()
    return [{"Cookie": f"plenary_session={issue_token(settings.secret_key, SessionClaims(s['member_id'], s['id'], 1), now, expires)}",
             "X-CSRF-Token": csrf_token(settings.secret_key, f"session:{s['id']}")} for s in sessions]


def _counting_commits(app) -> list[int]:
    commits = [0]

    @event.listens_for(app.state.engine.sync_engine, "commit")
    def counted(_connection) -> None:
        commits[0] += 1

    return commits


async def test_simultaneous_voters_share_rounds_and_each_vote_is_recorded(app, settings, roles, as_member, setup):
    olive = await as_member("olive")
    voters = await _voters(app, settings, roles, 60)
    ballot = await setup(olive, kind="choice", title="Rounds", candidates=["A", "B", "C"])
    commits = _counting_commits(app)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        responses = await asyncio.gather(*(
            http.post(f"/api/v1/ballots/{ballot}/votes", json={"ranking": [("A", "B", "C")[i % 3]]}, headers=headers)
            for i, headers in enumerate(voters)))
    assert [r.status_code for r in responses] == [201] * 60, [r.text for r in responses if r.status_code != 201]
    receipts = {r.json()["receipt"] for r in responses}
    assert len(receipts) == 60
    # 60 votes in far fewer transactions than one each: the rounds shared them
    assert commits[0] < 30, commits[0]
    async with app.state.sessions() as db:
        box = set((await db.execute(select(BallotBoxEntry.receipt).where(BallotBoxEntry.ballot_id == ballot))).scalars())
        marks = (await db.execute(select(func.count()).select_from(BallotVoted)
                                  .where(BallotVoted.ballot_id == ballot))).scalar_one()
        recorded = (await db.execute(select(func.count()).select_from(AuditEntryRow)
                                     .where(AuditEntryRow.action == "vote.recorded"))).scalar_one()
    assert box == receipts and marks == 60 and recorded == 60
    assert (await olive.api("GET", f"/api/v1/ballots/{ballot}/turnout")).json()["voted"] == 60
    async with app.state.sessions() as db:
        _, problems = await audit.verify(db)
    assert problems == []


async def test_each_vote_in_a_round_gets_its_own_outcome(app, settings, roles, as_member, setup):
    """In one burst: good votes, a second vote by the same voter, a member not on the roll, a proxy
    vote for someone who appointed nobody, and a spoilt paper. Only the good ones go in."""
    olive = await as_member("olive")
    voters = await _voters(app, settings, roles, 8)
    ballot = await setup(olive, kind="choice", title="Mixed", candidates=["A", "B"])
    outsiders = await _voters(app, settings, roles, 1)  # joined after the roll froze
    url = f"/api/v1/ballots/{ballot}/votes"
    someone = (await olive.api("GET", "/api/v1/me")).json()["id"]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        sent = [http.post(url, json={"ranking": ["A"]}, headers=h) for h in voters]
        sent.append(http.post(url, json={"ranking": ["B"]}, headers=voters[0]))  # the same voter again
        sent.append(http.post(url, json={"ranking": ["A"], "on_behalf_of": someone}, headers=voters[1]))
        sent.append(http.post(url, json={"ranking": ["Z"]}, headers=voters[2]))
        sent += [http.post(url, json={"ranking": ["A"]}, headers=h) for h in outsiders]
        responses = await asyncio.gather(*sent)
    good, again, proxy, spoilt = responses[:8], responses[8], responses[9], responses[10]
    assert sorted(r.status_code for r in good + [again]).count(201) == 8
    refused_again = again if again.status_code != 201 else next(r for r in good if r.status_code != 201)
    assert refused_again.status_code == 409
    assert "already voted" in refused_again.json()["error"]["message"]
    assert proxy.status_code == 403 and "proxy" in proxy.json()["error"]["message"]
    assert spoilt.status_code == 400 and "Z" in spoilt.json()["error"]["message"]
    outsider = responses[11]
    assert outsider.status_code == 403 and "roll" in outsider.json()["error"]["message"]
    async with app.state.sessions() as db:
        marks = (await db.execute(select(func.count()).select_from(BallotVoted)
                                  .where(BallotVoted.ballot_id == ballot))).scalar_one()
    assert marks == 8


async def test_the_session_endpoint_is_identity_only_and_refuses_a_revoked_session(app, settings, roles, as_member):
    nora = await as_member("nora")
    seen = await nora.http.get("/api/v1/session")
    assert seen.status_code == 200
    assert seen.json()["member"]["name"] and seen.json()["csrf_token"] == nora.token
    me = (await nora.http.get("/api/v1/me")).json()
    assert seen.json()["member"]["id"] == me["id"]
    signed_out = await nora.http.post("/sign-out", data={"csrf_token": nora.token})
    assert signed_out.status_code in (200, 303)
    nora.http.cookies.clear()
    assert (await nora.http.get("/api/v1/session")).status_code == 401


async def test_simultaneous_session_checks_are_one_query(app, settings, roles):
    voters = await _voters(app, settings, roles, 40)
    statements = []

    @event.listens_for(app.state.engine.sync_engine, "before_cursor_execute")
    def seen(_conn, _cursor, statement, *_rest) -> None:
        if "sign_in_sessions" in statement:
            statements.append(statement)

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        responses = await asyncio.gather(*(http.get("/api/v1/session", headers=h) for h in voters))
    assert [r.status_code for r in responses] == [200] * 40
    assert {r.json()["member"]["id"] for r in responses}.__len__() == 40
    assert 1 <= len(statements) < 20, len(statements)


async def test_voters_arriving_together_read_the_open_ballot_once(app, settings, roles, as_member, setup, monkeypatch):
    """The first voters after a server start all need the ballot's spec: one reading serves them all."""
    from server.repositories import ballots as ballot_rows

    olive = await as_member("olive")
    voters = await _voters(app, settings, roles, 40)
    ballot = await setup(olive, kind="choice", title="One reading", candidates=["A", "B"])
    app.state.ballot_box.forget(ballot)
    reads = []
    real = ballot_rows.ballot_by_id

    async def counted(db, ballot_id):
        reads.append(ballot_id)
        await asyncio.sleep(0.05)  # a slow reading, so every voter arrives while it runs
        return await real(db, ballot_id)

    monkeypatch.setattr(ballot_rows, "ballot_by_id", counted)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        responses = await asyncio.gather(*(
            http.post(f"/api/v1/ballots/{ballot}/votes", json={"ranking": ["A"]}, headers=headers)
            for headers in voters))
    assert [r.status_code for r in responses] == [201] * 40
    assert reads == [ballot]
