"""Load benchmark: many voters casting ballots at the real server over HTTP on loopback.

Builds a fresh electorate (default 50,000 members of a new body, each with a signed-in
session minted directly in the database: the benchmark measures casting, not argon2), opens a
ranked ballot on it, starts the real app under uvicorn (``--workers`` processes) against a
fresh database, and drives it with ``--concurrency`` keep-alive connections:

1. a trivial authenticated endpoint (``GET /api/v1/session``: who is signed in) for ``--trivial`` requests;
2. ``--votes`` votes, each by a different member (``POST /api/v1/ballots/{id}/votes``);
3. closes the ballot through the API (the count runs) and checks the published record
   against what was sent: every acknowledged receipt holds exactly the ranking sent, no
   ballot is missing or extra, turnout equals the acknowledged votes, and the record
   recounts to the published result.

It prints ballots accepted per second, p50/p99 latency, the same for the trivial
endpoint and the ratio (casting / trivial), and exits 1 if any vote was lost or duplicated.

    .venv/bin/python bench/ballot_load.py                        # SQLite, 1 process, short run
    .venv/bin/python bench/ballot_load.py --database postgres    # PostgreSQL, 2 workers
    .venv/bin/python bench/ballot_load.py --votes 50000 --trivial 20000        # full run: everyone votes
    .venv/bin/python bench/ballot_load.py --database postgres --votes 50000 --trivial 20000

The default run (50,000 on the roll, 5,000 votes) takes well under a minute; the full run
(every member of the 50,000 votes) a few minutes. Traffic goes only to 127.0.0.1, in bounded
loops that stop by themselves.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CANDIDATES = ("Housing", "Wages", "Climate", "Transport", "Health")
POSTGRES_URL = os.environ.get("PLENARY_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


# --- a minimal HTTP/1.1 keep-alive client (the load generator must not be the bottleneck) -----

class Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> tuple[int, bytes]:
        """(status, body); a connection the server dropped before answering gives status 0 (never retried:
        a vote retried blindly could not tell its own first attempt from a duplicate)."""
        try:
            return await self._request(method, path, headers, body)
        except (ConnectionError, asyncio.IncompleteReadError) as exc:
            self.writer = None
            return 0, repr(exc).encode()

    async def _request(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("the server closed the connection before answering")
        status = int(status_line.split()[1])
        length, chunked, closing = 0, False, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode().partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                chunked = True
            elif name == "connection" and "close" in value.lower():
                closing = True
        if chunked:
            data = b""
            while True:
                size = int((await self.reader.readline()).strip(), 16)
                if size == 0:
                    await self.reader.readline()
                    break
                data += await self.reader.readexactly(size)
                await self.reader.readline()
        else:
            data = await self.reader.readexactly(length)
        if closing:
            self.writer.close()
            self.writer = None
        return status, data


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def drive(port: int, jobs: list, concurrency: int) -> tuple[float, list[float], list]:
    """Run ``jobs`` (method, path, headers, body) over ``concurrency`` connections; (seconds, latencies, results)."""
    results: list = [None] * len(jobs)
    latencies: list[float] = []
    queue = iter(range(len(jobs)))

    async def worker() -> None:
        connection = Connection("127.0.0.1", port)
        for index in queue:
            method, path, headers, body = jobs[index]
            started = time.perf_counter()
            results[index] = await connection.request(method, path, headers, body)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started, latencies, results


# --- the database: a fresh electorate with sessions ------------------------------------------

async def build_electorate(settings, size: int) -> dict:
    from sqlalchemy import insert, select

    from server.auth.tokens import SessionClaims, csrf_token, issue_token
    from server.db.engine import make_engine, make_sessionmaker
    from server.db.models import Body, Member, Membership, SignInSession
    from server.repositories import members as member_rows
    from server.services import ballots as ballot_actions

    engine = make_engine(settings)
    now = datetime.now(timezone.utc)
    expires = now + timedelta(hours=6)
    try:
        async with make_sessionmaker(engine)() as db:
            body = Body(slug="bench-electorate", name="Benchmark electorate", kind="branch")
            runner = Member(name="Bench Officer", email="officer@bench.test", email_key="officer@bench.test",
                            password_hash="!", is_site_admin=False, session_version=1)
            db.add_all([body, runner])
            await db.flush()
            db.add(Membership(member_id=runner.id, body_id=body.id, role="cac_member"))
            rows = [{"name": f"Voter {i}", "email": f"voter{i}@bench.test", "email_key": f"voter{i}@bench.test",
                     "password_hash": "!", "is_site_admin": False, "session_version": 1, "created_at": now}
                    for i in range(size)]
            for start in range(0, size, 5000):
                await db.execute(insert(Member), rows[start:start + 5000])
            ids = list((await db.execute(select(Member.id).where(Member.email_key.like("voter%@bench.test"))
                                         .order_by(Member.id))).scalars())
            for start in range(0, size, 5000):
                await db.execute(insert(Membership), [{"member_id": m, "body_id": body.id, "role": "member"}
                                                      for m in ids[start:start + 5000]])
            sessions = []
            for member_id in [runner.id, *ids]:
                sid = secrets.token_hex(16)
                sessions.append({"id": sid, "member_id": member_id, "created_at": now, "expires_at": expires})
            for start in range(0, len(sessions), 5000):
                await db.execute(insert(SignInSession), sessions[start:start + 5000])
            await db.commit()
            runner = await member_rows.by_id(db, runner.id)  # with its memberships, as the services expect
            db.expunge(runner)  # as a request's viewer is: loaded apart from the session that acts
            fields = ballot_actions.SpecFields(kind="choice", title="Benchmark ballot", opens=now - timedelta(minutes=1),
                                               closes=now + timedelta(hours=6), candidates=list(CANDIDATES),
                                               method="irv")
            ballot = await ballot_actions.create_ballot(db, runner, body, fields)
            await ballot_actions.open_ballot(db, runner, ballot.id)
            ballot_id = ballot.id

        def credentials(session: dict, issued: datetime) -> dict[str, str]:
            claims = SessionClaims(session["member_id"], session["id"], 1)
            token = issue_token(settings.secret_key, claims, issued, expires)
            return {"Cookie": f"plenary_session={token}", "X-CSRF-Token": csrf_token(settings.secret_key, f"session:{session['id']}")}

        # the trivial requests carry tokens issued a second earlier: the same sessions, other token texts, so
        # the server's cache of verified tokens (server/auth/tokens.py) has seen none of the votes' tokens and
        # every vote pays the full check
        return {"ballot": ballot_id, "runner": credentials(sessions[0], now),
                "voters": [credentials(s, now) for s in sessions[1:]],
                "browsing": [credentials(s, now - timedelta(seconds=1)) for s in sessions[1:]], "size": size}
    finally:
        await engine.dispose()


# --- the server ---------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(env: dict[str, str], workers: int) -> tuple[subprocess.Popen, int]:
    import urllib.request

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "server.app:create_app", "--factory", "--host",
                               "127.0.0.1", "--port", str(port), "--workers", str(workers), "--no-access-log",
                               "--log-level", "warning"], cwd=REPO, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/sign-in", timeout=1):
                return server, port
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


# --- the run ------------------------------------------------------------------------------------

def server_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of the server process and every process under it, from /proc: what a
    request costs the server whatever else the machine is doing, unlike a rate measured by the clock."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


def report(label: str, seconds: float, latencies: list[float], count: int, cpu: float) -> float:
    rate = count / seconds if seconds else 0.0
    per_request = cpu / count if count else 0.0
    print(f"{label}: {count} in {seconds:.2f} s = {rate:,.0f}/s; latency p50 {1000 * percentile(latencies, .5):.1f} ms, "
          f"p99 {1000 * percentile(latencies, .99):.1f} ms, max {1000 * max(latencies):.1f} ms; server CPU "
          f"{1e6 * per_request:,.0f} us a request (one core's worth: {1 / per_request if per_request else 0:,.0f}/s)")
    return rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--workers", type=int, help="server processes (default: 1 on SQLite, 2 on PostgreSQL)")
    parser.add_argument("--electorate", type=int, default=50_000, help="members on the fresh roll (default 50,000)")
    parser.add_argument("--votes", type=int, default=5_000, help="votes to cast, each by a different member")
    parser.add_argument("--trivial", type=int, default=5_000, help="requests to the trivial endpoint")
    parser.add_argument("--concurrency", type=int, default=64, help="simultaneous connections")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.votes > args.electorate:
        parser.error("--votes cannot exceed --electorate: each member votes once")
    workers = args.workers or (2 if args.database == "postgres" else 1)

    from server.db.migrate import upgrade_to_head
    from server.settings import Settings

    data_dir = Path(tempfile.mkdtemp(prefix="plenary-bench-"))
    secret = secrets.token_urlsafe(48)
    schema = None
    if args.database == "sqlite":
        url = f"sqlite+aiosqlite:///{data_dir / 'bench.sqlite3'}"
    else:
        url, schema = POSTGRES_URL, f"plenary_bench_{secrets.token_hex(4)}"
        asyncio.run(_schema("CREATE", schema))
    settings = Settings(data_dir=data_dir, database_url=url, secret_key=secret, database_schema=schema)
    server = None
    try:
        upgrade_to_head(settings)
        started = time.perf_counter()
        electorate = asyncio.run(build_electorate(settings, args.electorate))
        print(f"{args.database}, {workers} worker process(es); electorate of {electorate['size']:,} built in "
              f"{time.perf_counter() - started:.1f} s; {args.votes:,} votes over {args.concurrency} connections")
        env = {**os.environ, "PLENARY_DATA_DIR": str(data_dir), "PLENARY_DATABASE_URL": url,
               "PLENARY_SECRET_KEY": secret}
        if schema:
            env["PLENARY_DATABASE_SCHEMA"] = schema
        server, port = start_server(env, workers)
        return asyncio.run(_run(args, electorate, port, server.pid))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if schema:
            asyncio.run(_schema("DROP", schema))
        shutil.rmtree(data_dir, ignore_errors=True)


async def _run(args, electorate: dict, port: int, server_pid: int) -> int:
    from ballots.published_record import read_record_json, verify_record

    draw = random.Random(args.seed)
    voters, browsing = electorate["voters"], electorate["browsing"]
    ballot = electorate["ballot"]
    warm = [("GET", "/api/v1/session", browsing[i % len(browsing)], b"") for i in range(min(500, args.trivial))]
    await drive(port, warm, args.concurrency)
    trivial = [("GET", "/api/v1/session", browsing[draw.randrange(len(browsing))], b"") for _ in range(args.trivial)]
    cpu = server_cpu_seconds(server_pid)
    seconds, latencies, results = await drive(port, trivial, args.concurrency)
    cpu = server_cpu_seconds(server_pid) - cpu
    bad = sum(1 for status, _ in results if status != 200)
    trivial_rate = report("trivial GET /api/v1/session", seconds, latencies, len(trivial), cpu)

    chosen = draw.sample(range(len(voters)), args.votes)
    sent = []
    jobs = []
    for index in chosen:
        ranking = draw.sample(CANDIDATES, draw.randint(1, len(CANDIDATES)))
        sent.append(ranking)
        headers = {**voters[index], "Content-Type": "application/json"}
        jobs.append(("POST", f"/api/v1/ballots/{ballot}/votes", headers, json.dumps({"ranking": ranking}).encode()))
    cpu = server_cpu_seconds(server_pid)
    seconds, latencies, results = await drive(port, jobs, args.concurrency)
    cpu = server_cpu_seconds(server_pid) - cpu
    accepted = {}
    refused = 0
    for ranking, (status, body) in zip(sent, results):
        if status == 201:
            accepted[json.loads(body)["receipt"]] = ranking
        else:
            refused += 1
    cast_rate = report("casting POST /votes", seconds, latencies, len(accepted), cpu)
    print(f"ratio casting / trivial: {cast_rate / trivial_rate:.2f}")

    connection = Connection("127.0.0.1", port)
    status, body = await connection.request("POST", f"/api/v1/ballots/{ballot}/actions/close",
                                            {**electorate["runner"], "Content-Type": "application/json"}, b"{}")
    closed = json.loads(body)
    if status != 200:
        raise SystemExit(f"closing the ballot failed: {status} {body[:300]!r}")
    status, body = await connection.request("GET", f"/api/v1/ballots/{ballot}/record", electorate["runner"])
    record = read_record_json(body.decode())
    in_record = {e.receipt: list(e.contents.ranking) for e in record.entries}
    lost = [r for r in accepted if r not in in_record]
    extra = [r for r in in_record if r not in accepted]
    altered = [r for r, ranking in accepted.items() if r in in_record and in_record[r] != ranking]
    problems = verify_record(record)
    print(f"final count: sent {len(jobs)}, acknowledged {len(accepted)}, refused {refused}, "
          f"in the published record {len(in_record)}, turnout {closed['turnout']['voted']}; "
          f"lost {len(lost)}, duplicated or extra {len(extra)}, altered {len(altered)}; "
          f"recount {'reproduces the result' if not problems else problems}; trivial errors {bad}")
    ok = (not lost and not extra and not altered and not problems and refused == 0 and bad == 0
          and closed["turnout"]["voted"] == len(accepted))
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


async def _schema(action: str, schema: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(f'{action} SCHEMA "{schema}"' + (" CASCADE" if action == "DROP" else "")))
    finally:
        await engine.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
