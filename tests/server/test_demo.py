"""The demo organisation has the shape DOMAIN.md describes, and the commands load it."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server.cli import main
from server.db.models import Body, Member, Position
from server.demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, DEMO_MEMBER_PASSWORD, load_demo


async def test_demo_organisation_shape(app, settings, client, h):
    summary = await load_demo(settings)
    assert summary.members == 60
    async with app.state.sessions() as db:
        bodies = (await db.execute(select(Body).options(
            selectinload(Body.memberships), selectinload(Body.positions).selectinload(Position.holdings)))).scalars().all()
        members = (await db.execute(select(Member).options(selectinload(Member.identities)))).scalars().all()
    kinds = Counter(b.kind for b in bodies)
    assert kinds == {"national_members_meeting": 1, "steering_committee": 1, "branch": 4, "caucus": 2,
                     "fraction": 1, "faction": 1, "platform": 1, "complaints_group": 1}
    by_kind = {b.kind: b for b in bodies}
    assert len(by_kind["national_members_meeting"].memberships) == len(members) == 60
    assert len(by_kind["faction"].memberships) == 10
    women = {m.id for m in members if any(i.tag == "woman" for i in m.identities)}
    assert 20 <= len(women) <= 40
    nsc = by_kind["steering_committee"]
    nmm_elected = [p for p in nsc.positions if p.elected_by_id == by_kind["national_members_meeting"].id]
    assert sorted((p.filled_by, p.seats) for p in nmm_elected) == [("group", 5)] + [("individually", 1)] * 3
    eight = {h.member_id for p in nmm_elected for h in p.holdings}
    assert len(eight) == 8 and len(eight & women) >= 4
    nsc_members = {m.member_id for m in nsc.memberships}
    complaints = {m.member_id for m in by_kind["complaints_group"].memberships}
    assert complaints and not complaints & nsc_members  # nobody sits on both
    assert len(complaints & women) * 2 == len(complaints)  # 50% women
    assert sum(m.is_site_admin for m in members) == 1
    assert (await h.sign_in(client, DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD)).status_code == 303
    await client.post("/sign-out", data={"csrf_token": (await client.get("/api/v1/me")).json()["csrf_token"]})
    assert (await h.sign_in(client, summary.officer_email, DEMO_MEMBER_PASSWORD)).status_code == 303
    home = await client.get("/")
    assert "London branch" in home.text and "Officer" in home.text


async def test_demo_again_resets_and_if_missing_keeps(settings):
    first = await load_demo(settings)
    again = await load_demo(settings)
    assert first == again
    assert await load_demo(settings, if_missing=True) is None


def test_cli_migrate_and_demo_on_a_fresh_data_dir(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PLENARY_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PLENARY_DATABASE_URL", raising=False)
    monkeypatch.delenv("PLENARY_SECRET_KEY", raising=False)
    assert main(["migrate"]) == 0
    assert main(["migrate"]) == 0  # idempotent
    assert main(["demo", "--if-missing"]) == 0
    out = capsys.readouterr().out
    assert f"{DEMO_ADMIN_EMAIL} / {DEMO_ADMIN_PASSWORD}" in out and "60 members" in out
    assert main(["demo", "--if-missing"]) == 0
    assert "left as it is" in capsys.readouterr().out
    assert (tmp_path / "plenary.sqlite3").exists() and (tmp_path / "secret_key").exists()


def test_serve_takes_host_port_and_workers():
    from server.cli import build_parser

    args = build_parser().parse_args(["serve", "--host", "0.0.0.0", "--port", "9001", "--workers", "3"])
    assert (args.host, args.port, args.workers) == ("0.0.0.0", 9001, 3)
    defaults = build_parser().parse_args(["serve"])
    assert (defaults.host, defaults.port, defaults.workers) == (None, None, 1)
