"""Ballot notices: when a ballot opens and when its result is published, each member on its roll
hears of it as they chose (each by email through a real local SMTP server, aiosmtpd; in the app;
in the daily digest); members not on the roll hear nothing. Both databases."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select, update

from mail_server import free_port
from server.db.models_groupings import BulletinIssue, Notice
from server.mail.settings import MailSettings
from server.services import notices


async def _ballot_of_north(admin, org) -> int:
    now = datetime.now(timezone.utc)
    made = await admin.api("POST", f"/api/v1/bodies/{org.bodies['north']}/ballots", {
        "kind": "motion", "title": "Affiliate to the tenants' union",
        "opens": (now - timedelta(minutes=1)).isoformat(), "closes": (now + timedelta(hours=2)).isoformat()})
    assert made.status_code == 201, made.text
    return made.json()["id"]


async def test_ballot_open_and_result_reach_the_roll_as_each_chose(as_member, people, org, app, smtp, settings):
    nora, olive, sam = await as_member("nora"), await as_member("olive"), await as_member("sam")
    # the north branch's roll is Olive and Nora; Sam (south) is not on it
    assert (await nora.post("/account/notices", ballot="email", document="in_app", bulletin="in_app",
                            petition="in_app")).status_code == 303
    await sam.post("/account/notices", ballot="email", document="in_app", bulletin="in_app", petition="in_app")
    admin = await as_member("admin")
    ballot = await _ballot_of_north(admin, org)
    assert smtp.messages() == []  # a draft tells no one
    opened = await admin.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})
    assert opened.status_code == 200, opened.text

    [mail] = smtp.messages()
    assert [a.addr_spec for a in mail["To"].addresses] == ["nora@example.org"]
    assert re.fullmatch(r"Plenary: new ballot: Ballot open: Affiliate to the tenants' union \(until \d{2} \w+ \d{4} "
                        r"\d{2}:\d{2} UTC\)", mail["Subject"]), mail["Subject"]
    assert f"http://testserver/ballots/{ballot}" in mail.get_body(("plain",)).get_content()
    assert mail["List-Unsubscribe"].startswith("<http://testserver/unsubscribe/")
    notices_page = await olive.get("/account/notices")
    assert "Ballot open: Affiliate to the tenants&#39; union" in notices_page.text
    assert f'href="/ballots/{ballot}"' in notices_page.text
    assert "Ballot open" not in (await sam.get("/account/notices")).text

    assert (await nora.post(f"/ballots/{ballot}/vote", choice="yes")).status_code == 200
    closed = await admin.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})
    assert closed.status_code == 200, closed.text
    [_, result] = smtp.messages()
    assert [a.addr_spec for a in result["To"].addresses] == ["nora@example.org"]
    # the values to check the result by travel with it, so members hold a copy outside the database
    published = (await admin.api("GET", f"/api/v1/ballots/{ballot}/result")).json()
    assert " ".join(result["Subject"].split()) == (
        "Plenary: new ballot: Result published: Affiliate to the tenants' union (ballots digest "
        f"{published['ballots_digest']}; spec fingerprint {published['spec_fingerprint']}; audit head "
        f"{published['audit_head']})")
    assert f"http://testserver/ballots/{ballot}/result" in result.get_body(("plain",)).get_content()
    assert f'href="/ballots/{ballot}/result"' in (await olive.get("/account/notices")).text
    async with app.state.sessions() as db:
        told = (await db.execute(select(Notice.member_id, Notice.title).where(Notice.kind == "ballot")
                                 .order_by(Notice.id))).all()
    assert sorted(m for m, _ in told) == sorted([org.members["olive"], org.members["nora"]] * 2)


async def test_a_digest_member_gets_the_ballot_in_the_daily_digest(as_member, people, org, app, smtp, settings):
    olive = await as_member("olive")
    await olive.post("/account/notices", ballot="digest", document="in_app", bulletin="in_app", petition="in_app")
    admin = await as_member("admin")
    ballot = await _ballot_of_north(admin, org)
    assert (await admin.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})).status_code == 200
    assert smtp.messages() == []  # no one chose each by email
    async with app.state.sessions() as db:
        assert await notices.send_digests(db, app.state.mail_settings, settings.secret_key, date(2026, 3, 10)) == 1
    [digest] = smtp.messages()
    assert digest["To"].addresses[0].addr_spec == "olive@example.org"
    assert digest["Subject"] == "Plenary digest for 10 March 2026: 1 ballot"
    assert "Ballot open: Affiliate to the tenants' union" in digest.get_body(("plain",)).get_content()


async def test_an_unreachable_mail_server_never_undoes_the_opening(as_member, people, org, app):
    port = free_port()  # nothing listens here
    app.state.mail_settings = MailSettings(host="127.0.0.1", port=port, from_address="Plenary <p@example.org>",
                                           timeout_seconds=2)
    nora = await as_member("nora")
    await nora.post("/account/notices", ballot="email", document="in_app", bulletin="in_app", petition="in_app")
    admin = await as_member("admin")
    ballot = await _ballot_of_north(admin, org)
    opened = await admin.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})
    assert opened.status_code == 200 and opened.json()["state"] == "open"
    async with app.state.sessions() as db:
        pending = (await db.execute(select(Notice).where(Notice.member_id == org.members["nora"],
                                                         Notice.kind == "ballot"))).scalars().all()
    assert len(pending) == 1 and pending[0].mailed_at is None  # left for the next sending


async def test_publishing_a_bulletin_mails_members_who_chose_email_at_once(as_member, people, org, app, smtp):
    sam = await as_member("sam")
    await sam.post("/account/notices", bulletin="email", ballot="in_app", document="in_app", petition="in_app")
    admin = await as_member("admin")
    deadline = (datetime.now(timezone.utc) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    for title, publish in (("By the API", "api"), ("By the page", "page")):
        issue = (await admin.api("POST", "/api/v1/bulletin", {"body": "nmm", "title": title,
                                                              "deadline": deadline})).json()["id"]
        async with app.state.sessions() as db:  # published only once submissions have closed
            await db.execute(update(BulletinIssue).where(BulletinIssue.id == issue)
                             .values(deadline=datetime.now(timezone.utc) - timedelta(minutes=1)))
            await db.commit()
        if publish == "api":
            assert (await admin.api("POST", f"/api/v1/bulletin/{issue}/publication")).status_code == 200
        else:
            assert (await admin.post(f"/bulletin/{issue}/publish")).status_code == 303
    subjects = [m["Subject"].strip() for m in smtp.messages()]
    assert subjects == ["Plenary: new bulletin issue: Bulletin published: By the API",
                        "Plenary: new bulletin issue: Bulletin published: By the page"]
    assert all(m["To"].addresses[0].addr_spec == "sam@example.org" for m in smtp.messages())


def test_a_long_title_is_shortened_so_the_values_to_check_arrive_whole() -> None:
    from types import SimpleNamespace

    from server.services.ballot_notices import TITLE_LIMIT, result_title

    ballot = SimpleNamespace(title="Motion " * 80, ballots_digest="a" * 64, fingerprint="b" * 64, audit_head="c" * 64)
    title = result_title(ballot)
    assert len(title) == TITLE_LIMIT and title.startswith("Result published: Motion Motion")
    assert title.endswith(f"… (ballots digest {'a' * 64}; spec fingerprint {'b' * 64}; audit head {'c' * 64})")
    hand = SimpleNamespace(title="Motion 4", ballots_digest=None, fingerprint="b" * 64, audit_head="c" * 64)
    assert result_title(hand) == f"Result published: Motion 4 (spec fingerprint {'b' * 64}; audit head {'c' * 64})"
