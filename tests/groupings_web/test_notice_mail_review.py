"""Review of issue 7, findings 3, 4 and 5, through the real app and a real local SMTP server
(aiosmtpd) whose handler can refuse chosen recipients (RCPT TO 550). Both databases.

3: a circulated document (page or API) reaches members who chose each by email at once.
4: a title with CR/LF never stops the email notices nor ``plenary digest``; one message that
   cannot be built fails alone.
5: one refused recipient fails alone, each by email and in the digest: the others get theirs,
   the refused notices stay pending and go later, and nothing already sent goes twice.
"""

from __future__ import annotations

import asyncio
import re
from datetime import date

from sqlalchemy import select

from mail_server import free_port
from server.commands.digest import daily_sending
from server.db.models import Member
from server.db.models_groupings import Notice, NotificationPreference
from server.mail.settings import MailSettings
from server.services import notices

DAY = date(2026, 3, 10)


async def _choose(as_member, who: str, **choices) -> None:
    browser = await as_member(who)
    form = {"document": "in_app", "bulletin": "in_app", "petition": "in_app", "ballot": "in_app", **choices}
    assert (await browser.post("/account/notices", **form)).status_code == 303


async def _pending(app, member_id: int) -> list[str]:
    async with app.state.sessions() as db:
        found = await db.execute(select(Notice.title).where(Notice.member_id == member_id, Notice.mailed_at.is_(None),
                                                            Notice.kind != "ballot").order_by(Notice.id))
        return list(found.scalars().all())


async def test_a_circulated_document_or_article_is_emailed_at_once(as_member, people, org, app, smtp,
                                                                   formed_faction):
    await _choose(as_member, "sam", document="email")
    await _choose(as_member, "nora", document="digest")
    olive, body = await formed_faction()
    one = await olive.api("POST", f"/api/v1/bodies/{body['id']}/documents", {"title": "Why affiliate", "text": "x"})
    two = await olive.api("POST", f"/api/v1/bodies/{body['id']}/documents", {"title": "Rents", "text": "y"})
    assert smtp.messages() == []  # not yet circulated: nobody hears of it
    assert (await olive.post(f"/documents/{one.json()['id']}/circulate", kind="document")).status_code == 303
    assert smtp.to("sam@example.org") == ["Plenary: new document: Renters First circulated: Why affiliate"]
    [mail] = smtp.messages()
    assert f"http://testserver/documents/{one.json()['id']}" in mail.get_body(("plain",)).get_content()
    published = await olive.api("POST", f"/api/v1/documents/{two.json()['id']}/circulations", {"kind": "article"})
    assert published.status_code == 201, published.text
    assert smtp.to("sam@example.org")[1:] == ["Plenary: new document: Renters First published an article: Rents"]
    # Nora chose the digest: nothing at once, both wait for it
    assert smtp.to("nora@example.org") == []
    assert len(await _pending(app, org.members["nora"])) == 2


async def test_one_refused_recipient_does_not_stop_the_others_and_goes_later(as_member, people, org, app, smtp):
    chosen = ["olive", "nora", "sam", "wanda"]
    for who in chosen:
        await _choose(as_member, who, petition="email")
    # refuse the one whose notices come first, so everyone else comes after them
    first = min(chosen, key=lambda who: org.members[who])
    smtp.refuse.add(f"{first}@example.org")
    opener = await as_member("signer1")
    for title in ("Extra NMM", "Second petition"):
        assert (await opener.post("/petitions", title=title, text="Please.", kind="additional-nmm")).status_code == 303
    for who in chosen:
        expected = [] if who == first else ["Plenary: new petition: Petition opened: Extra NMM",
                                            "Plenary: new petition: Petition opened: Second petition"]
        assert smtp.to(f"{who}@example.org") == expected, who
    assert await _pending(app, org.members[first]) == ["Petition opened: Extra NMM", "Petition opened: Second petition"]
    # the address works again: the next sending delivers what waited, and nobody gets anything twice
    smtp.refuse.clear()
    async with app.state.sessions() as db:
        run = await notices.email_each(db, app.state.mail_settings, app.state.settings.secret_key)
    assert (run.sent, run.failed, run.stopped) == (2, [], "")
    assert len(smtp.to(f"{first}@example.org")) == 2
    assert len(smtp.messages()) == 2 * len(chosen)
    assert await _pending(app, org.members[first]) == []


async def test_a_refused_failure_is_recorded_in_the_run(as_member, people, org, app, smtp):
    await _choose(as_member, "nora", petition="email")
    smtp.refuse.add("nora@example.org")
    async with app.state.sessions() as db:
        notices.add_notices(db, [org.members["nora"]], "petition", "Petition opened: P", "/petitions/1")
        await db.commit()
        run = await notices.email_each(db, app.state.mail_settings, app.state.settings.secret_key)
    assert run.sent == 0 and run.stopped == ""
    [failure] = run.failed
    assert re.fullmatch(r"notice \d+ to nora@example\.org: SMTP server 127\.0\.0\.1:\d+ refused "
                        r"nora@example\.org \(550 5\.1\.1 no such mailbox\)", failure), failure


async def test_the_daily_digest_goes_to_everyone_but_the_refused_member(as_member, people, org, app, smtp, settings):
    chosen = ["nora", "sam", "wanda"]
    for who in chosen:
        await _choose(as_member, who, petition="digest")
    first = min(chosen, key=lambda who: org.members[who])
    smtp.refuse.add(f"{first}@example.org")
    opener = await as_member("signer1")
    await opener.post("/petitions", title="Extra NMM", text="Please.", kind="additional-nmm")
    assert smtp.messages() == []
    digests, emails = await daily_sending(settings, app.state.mail_settings, DAY)
    assert digests.sent == len(chosen) - 1 and digests.stopped == "" and emails.sent == 0
    assert [f.split(":")[0] for f in digests.failed] == [f"digest to {first}@example.org"]
    for who in chosen:
        assert smtp.to(f"{who}@example.org") == ([] if who == first else
                                                  ["Plenary digest for 10 March 2026: 1 petition"]), who
    assert await _pending(app, org.members[first]) == ["Petition opened: Extra NMM"]
    # the next day's run sends the refused member's digest once the address works, and no one else's again
    smtp.refuse.clear()
    digests, _ = await daily_sending(settings, app.state.mail_settings, date(2026, 3, 11))
    assert (digests.sent, digests.failed) == (1, [])
    assert smtp.to(f"{first}@example.org") == ["Plenary digest for 11 March 2026: 1 petition"]
    assert len(smtp.messages()) == len(chosen)


async def test_a_title_with_a_line_break_never_stops_the_notices(as_member, people, org, app, smtp, settings):
    await _choose(as_member, "sam", petition="email")
    await _choose(as_member, "wanda", petition="digest")
    nora = await as_member("nora")
    opened = await nora.post("/petitions", title="Extra NMM\r\nBcc: everyone@example.org", text="x",
                             kind="additional-nmm")
    assert opened.status_code == 303
    await nora.post("/petitions", title="A normal petition", text="y", kind="additional-nmm")
    assert smtp.to("sam@example.org") == ["Plenary: new petition: Petition opened: Extra NMM Bcc: everyone@example.org",
                                          "Plenary: new petition: Petition opened: A normal petition"]
    assert all(m["Bcc"] is None for m in smtp.messages())
    assert [e.rcpt_tos for e in smtp.envelopes] == [["sam@example.org"]] * 2
    # a notice stored before titles were made one line (or written by any other path) is folded
    # at sending time; plenary digest sends it and does not crash
    async with app.state.sessions() as db:
        db.add(Notice(member_id=org.members["sam"], kind="petition", title="Old\r\nTo: x@example.org", link="/x"))
        db.add(Notice(member_id=org.members["wanda"], kind="petition", title="Old\r\nTo: x@example.org", link="/x"))
        await db.commit()
    digests, emails = await daily_sending(settings, app.state.mail_settings, DAY)
    assert (digests.sent, digests.failed, emails.sent, emails.failed) == (1, [], 1, [])
    assert smtp.to("sam@example.org")[-1] == "Plenary: new petition: Old To: x@example.org"
    [digest] = [m for m in smtp.messages() if m["To"].addresses[0].addr_spec == "wanda@example.org"]
    assert "* Old To: x@example.org" in digest.get_body(("plain",)).get_content()
    assert "* Petition opened: Extra NMM Bcc: everyone@example.org" in digest.get_body(("plain",)).get_content()


async def test_a_message_that_cannot_be_built_fails_alone(as_member, people, org, app, smtp):
    """An address with a line break in it (written straight into the register) cannot be put
    in a To header: that member's notice fails, the members after them still get theirs."""
    await _choose(as_member, "sam", petition="email")
    async with app.state.sessions() as db:
        broken = Member(name="Broken", email="broken\r\n@example.org", email_key="broken-address",
                        password_hash=(await db.get(Member, org.members["sam"])).password_hash)
        db.add(broken)
        await db.flush()
        db.add(NotificationPreference(member_id=broken.id, kind="petition", delivery="email"))
        # the broken member's notice comes first
        notices.add_notices(db, [broken.id, org.members["sam"]], "petition", "Petition opened: P", "/petitions/1")
        await db.commit()
        run = await notices.email_each(db, app.state.mail_settings, app.state.settings.secret_key)
    assert run.sent == 1 and len(run.failed) == 1 and "CR or LF" in run.failed[0]
    assert smtp.to("sam@example.org") == ["Plenary: new petition: Petition opened: P"]
    assert await _pending(app, broken.id) == ["Petition opened: P"]


async def test_an_unreachable_server_leaves_everything_pending_for_the_next_sending(as_member, people, org, app,
                                                                                     smtp, settings):
    await _choose(as_member, "sam", petition="email")
    working = app.state.mail_settings
    app.state.mail_settings = MailSettings(host="127.0.0.1", port=free_port(), from_address="Plenary <p@example.org>",
                                           timeout_seconds=2)
    nora = await as_member("nora")
    assert (await nora.post("/petitions", title="Extra NMM", text="x", kind="additional-nmm")).status_code == 303
    assert await _pending(app, org.members["sam"]) == ["Petition opened: Extra NMM"]
    digests, emails = await daily_sending(settings, app.state.mail_settings, DAY)
    assert digests.stopped == "" and "SMTP server 127.0.0.1" in emails.stopped and emails.sent == 0
    digests, emails = await daily_sending(settings, working, DAY)  # plenary digest retries what waited
    assert emails.sent == 1 and smtp.to("sam@example.org") == ["Plenary: new petition: Petition opened: Extra NMM"]


async def test_two_sendings_at_once_send_each_notice_once(as_member, people, org, app, smtp):
    for who in ("nora", "sam", "wanda"):
        await _choose(as_member, who, petition="email")
    async with app.state.sessions() as db:
        ids = [org.members[who] for who in ("nora", "sam", "wanda")]
        for n in range(3):
            notices.add_notices(db, ids, "petition", f"Petition opened: {n}", f"/petitions/{n}")
        await db.commit()

    async def sending() -> int:
        async with app.state.sessions() as db:
            return await notices.send_due_emails(db, app.state.mail_settings, app.state.settings.secret_key)

    assert sum(await asyncio.gather(sending(), sending(), sending())) == 9
    assert len(smtp.messages()) == 9
    assert sorted(m["Subject"] for m in smtp.messages()) == sorted(
        f"Plenary: new petition: Petition opened: {n}" for n in range(3) for _ in ids)


async def test_plenary_digest_prints_what_failed_and_exits_1_when_the_server_is_down(org, app, smtp, settings,
                                                                                     monkeypatch, capsys):
    from server.cli import main

    for name, value in {"PLENARY_DATA_DIR": str(settings.data_dir), "PLENARY_DATABASE_URL": settings.database_url,
                        "PLENARY_DATABASE_SCHEMA": settings.database_schema or "",
                        "PLENARY_SECRET_KEY": settings.secret_key, "PLENARY_SMTP_HOST": "127.0.0.1",
                        "PLENARY_SMTP_PORT": str(app.state.mail_settings.port), "PLENARY_SMTP_TIMEOUT": "5",
                        "PLENARY_SMTP_FROM": "Plenary <plenary@example.org>"}.items():
        monkeypatch.setenv(name, value)
    async with app.state.sessions() as db:
        for who, delivery in (("nora", "digest"), ("sam", "digest"), ("wanda", "email")):
            db.add(NotificationPreference(member_id=org.members[who], kind="bulletin", delivery=delivery))
        notices.add_notices(db, [org.members[w] for w in ("nora", "sam", "wanda")], "bulletin",
                            "Bulletin published: March", "/bulletin/1")
        await db.commit()
    smtp.refuse.add("nora@example.org")
    # the command runs its own event loop: give it a thread of its own
    assert await asyncio.to_thread(main, ["digest", "--day", "2026-03-10"]) == 0
    out, err = capsys.readouterr()
    assert "plenary digest: 1 digest sent; 1 waiting email sent" in out
    assert re.search(r"not sent, kept for the next run: digest to nora@example\.org: .*550 5\.1\.1", err), err
    assert smtp.to("sam@example.org") == ["Plenary digest for 10 March 2026: 1 bulletin issue"]
    assert smtp.to("wanda@example.org") == ["Plenary: new bulletin issue: Bulletin published: March"]
    monkeypatch.setenv("PLENARY_SMTP_PORT", str(free_port()))  # nothing listens there
    assert await asyncio.to_thread(main, ["digest", "--day", "2026-03-11"]) == 1
    out, err = capsys.readouterr()
    assert "plenary digest: 0 digests sent" in out and "stopped, the rest kept for the next run: SMTP server" in err
    assert await _pending(app, org.members["nora"]) == ["Bulletin published: March"]
