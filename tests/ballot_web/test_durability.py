"""A vote acknowledged to the voter survives the server being killed with SIGKILL right after the
acknowledgement: the real server (``plenary serve``) in a subprocess on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from server.db.models import BallotBoxEntry, BallotVoted

pytestmark = pytest.mark.parametrize("migrated", ["sqlite", "postgres"], indirect=True)
REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(settings, tmp_path) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "PLENARY_DATA_DIR": str(tmp_path), "PLENARY_DATABASE_URL": settings.database_url,
           "PLENARY_SECRET_KEY": settings.secret_key}
    env.pop("PLENARY_DATABASE_SCHEMA", None)
    if settings.database_schema:
        env["PLENARY_DATABASE_SCHEMA"] = settings.database_schema
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(port)], cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/sign-in", timeout=1).status_code == 200:
                return server, url
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("plenary serve did not start")


async def test_acknowledged_vote_survives_sigkill(app, settings, as_member, setup, tmp_path):
    olive = await as_member("olive")
    ballot = await setup(olive, kind="choice", title="Durable", candidates=["A", "B"])
    acknowledged = {}
    for who in ("nora", "sam", "wanda"):
        voter = await as_member(who)
        cookie = voter.http.cookies.get("plenary_session")
        server, url = _serve(settings, tmp_path)
        try:
            response = httpx.post(f"{url}/api/v1/ballots/{ballot}/votes", json={"ranking": ["A"]},
                                  headers={"X-CSRF-Token": voter.token, "Cookie": f"plenary_session={cookie}"},
                                  timeout=10)
            server.send_signal(signal.SIGKILL)  # at once, before anything else can happen
        finally:
            server.kill()
            server.wait(timeout=10)
        assert response.status_code == 201, response.text
        acknowledged[who] = response.json()["receipt"]
    async with app.state.sessions() as db:
        receipts = set((await db.execute(select(BallotBoxEntry.receipt)
                                         .where(BallotBoxEntry.ballot_id == ballot))).scalars())
        marks = len((await db.execute(select(BallotVoted).where(BallotVoted.ballot_id == ballot))).all())
    assert set(acknowledged.values()) <= receipts and marks == 3
