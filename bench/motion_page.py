"""How long the page of a busy motion takes: 200 amendments and 2,000 posts.

Seeds a fresh SQLite database (migrated, WAL, as served) with a scheduled motion of
about 1,500 words, 200 open amendments to it (some conflicting) and a thread of 2,000
posts (a third of them replies), signs a member in, and times ``GET /motions/<id>``
through the real ASGI app (middleware, session check, services, templates) with httpx,
in process, so no network is measured.

The peer, measured in the same run with the same app and member: the page of a motion
with the same text and no amendments and no posts. The ratio says what the amendments
and the thread cost on top of an ordinary motion page. The issue's target is a median
under 150 ms for the busy page.

    .venv/bin/python bench/motion_page.py [--runs 60]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import httpx
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server.app import create_app  # noqa: E402
from server.auth.passwords import hash_password  # noqa: E402
from server.db.migrate import upgrade_to_head  # noqa: E402
from server.db.models import (  # noqa: E402
    Amendment,
    Body,
    Meeting,
    Member,
    Membership,
    Motion,
    MotionAuthor,
    MotionVersion,
    Post,
)
from server.drafting.markdown import render_markdown  # noqa: E402
from server.settings import TEST_ARGON2, Settings  # noqa: E402

TARGET_MS = 150.0
AMENDMENTS = 200
POSTS = 2000
PASSWORD = "benchmark password"
WORDS = ("the conference resolves to campaign for fair rents secure homes public transport decent wages "
         "and to build branches in every city town and workplace where members organise together").split()


def motion_text(rng: random.Random) -> str:
    clauses = []
    for number in range(1, 61):
        words = [rng.choice(WORDS) for _ in range(24)]
        clauses.append(f"{number}. Clause {number}: {' '.join(words)}.")
    return "**This conference resolves:**\n\n" + "\n".join(clauses) + "\n"


async def seed(app, rng: random.Random) -> tuple[int, int]:
    """The busy motion's id and the quiet (peer) motion's id."""
    settings = app.state.settings
    async with app.state.sessions() as db:
        body = Body(slug="nmm", name="National Members' Meeting", kind="national_members_meeting")
        db.add(body)
        members = [Member(name=f"Member {i}", email=f"m{i}@bench.test", email_key=f"m{i}@bench.test",
                          password_hash="x", is_site_admin=False, session_version=1) for i in range(60)]
        members[0].password_hash = hash_password(settings, PASSWORD)
        db.add_all(members)
        await db.flush()
        db.add_all([Membership(member_id=m.id, body_id=body.id, role="cac_member" if i == 1 else "member")
                    for i, m in enumerate(members)])
        now = datetime.now(timezone.utc)
        meeting = Meeting(body_id=body.id, title="Conference", held_on=date.today(),
                          motions_deadline=now + timedelta(days=7), amendments_deadline=now + timedelta(days=14))
        db.add(meeting)
        await db.flush()
        text = motion_text(rng)
        ids = []
        for title in ("A busy motion", "A quiet motion"):
            motion = Motion(meeting_id=meeting.id, state="scheduled", version_number=1, created_by_id=members[0].id)
            db.add(motion)
            await db.flush()
            db.add(MotionVersion(motion_id=motion.id, number=1, title=title, text=text, argument="Because.",
                                 created_by_id=members[0].id))
            db.add(MotionAuthor(motion_id=motion.id, member_id=members[0].id, role="mover", accepted_at=now))
            ids.append(motion.id)
        await db.flush()
        version_id = (await db.execute(select(MotionVersion.id).where(MotionVersion.motion_id == ids[0]))).scalar_one()
        for number in range(1, AMENDMENTS + 1):
            clause = rng.randint(1, 60)
            db.add(Amendment(motion_id=ids[0], number=number, target_version_id=version_id, operation="replace",
                             passage=f"Clause {clause}:", occurrence=1, replacement=f"Section {clause}:",
                             state="admitted" if number % 2 else "submitted", position=number,
                             created_by_id=members[number % 60].id))

        def post(index: int, parent: Post | None) -> Post:
            body_md = f"Post {index}: I **agree** with clause {rng.randint(1, 60)}; see [the report](https://example.org)."
            return Post(motion_id=ids[0], parent_id=parent.id if parent else None, author_id=members[index % 60].id,
                        body=body_md, body_html=render_markdown(body_md), quote="fair rents" if index % 10 == 0 else "")

        tops = [post(index, None) for index in range(POSTS * 2 // 3)]
        db.add_all(tops)
        await db.flush()
        db.add_all([post(index, rng.choice(tops)) for index in range(len(tops), POSTS)])
        await db.commit()
    return ids[0], ids[1]


async def time_page(client: httpx.AsyncClient, url: str, runs: int) -> list[float]:
    for _ in range(5):  # warm the template cache and the connection pool
        response = await client.get(url)
        assert response.status_code == 200, response.text[:500]
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = await client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return timings


def summary(timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


async def main(runs: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        settings = Settings(data_dir=data_dir, database_url=f"sqlite+aiosqlite:///{data_dir / 'bench.sqlite3'}",
                            secret_key=secrets.token_urlsafe(48), database_schema=None,
                            argon2_time_cost=TEST_ARGON2["time_cost"], argon2_memory_kib=TEST_ARGON2["memory_cost"],
                            argon2_parallelism=TEST_ARGON2["parallelism"])
        # alembic's env runs its own event loop: migrate in a thread outside this one
        await asyncio.to_thread(upgrade_to_head, settings)
        app = create_app(settings)
        busy, quiet = await seed(app, random.Random(5))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            page = await client.get("/sign-in")
            token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            signed = await client.post("/sign-in", data={"email": "m0@bench.test", "password": PASSWORD,
                                                         "csrf_token": token})
            assert signed.status_code == 303, signed.text
            busy_page = await client.get(f"/motions/{busy}")
            assert busy_page.text.count('class="post') >= POSTS and busy_page.text.count("<li id=\"amendment-") == AMENDMENTS
            busy_times = await time_page(client, f"/motions/{busy}", runs)
            quiet_times = await time_page(client, f"/motions/{quiet}", runs)
        await app.state.engine.dispose()
    busy_median, busy_p95 = summary(busy_times)
    quiet_median, quiet_p95 = summary(quiet_times)
    print(f"motion page, {AMENDMENTS} amendments + {POSTS} posts ({len(busy_page.text) // 1024} KiB of HTML), "
          f"{runs} runs: median {busy_median:.1f} ms, p95 {busy_p95:.1f} ms")
    print(f"peer: the same motion page with no amendments and no posts: "
          f"median {quiet_median:.1f} ms, p95 {quiet_p95:.1f} ms")
    print(f"ratio busy/peer (median): {busy_median / quiet_median:.1f}x; target: busy median under {TARGET_MS:.0f} ms: "
          f"{'met' if busy_median < TARGET_MS else 'NOT met'}")
    return 0 if busy_median < TARGET_MS else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    sys.exit(asyncio.run(main(parser.parse_args().runs)))
