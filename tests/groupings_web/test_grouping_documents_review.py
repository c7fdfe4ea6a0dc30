"""Review R7 of issue 7, grouping documents: the weekly allowance holds under simultaneous
requests (the database refuses a second use of a week), members outside the grouping read
only what was circulated, site admins do not read drafts, attachment size refusals say the
real size and the limit, and a platform's allowance refusal says "platform"."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from server.db.models import Member
from server.db.models_groupings import Circulation, DocumentAttachment
from server.groupings.attachments import MAX_ATTACHMENT_BYTES, AttachmentRefused, check_attachment
from server.groupings.allowance import Use, WeekRule, check_allowance
from server.services import grouping_documents

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


async def _formed(as_member, org, meeting: int, kind: str = "faction") -> tuple[object, dict]:
    """Olive's faction (or platform), formed at a minimum of one signature."""
    admin = await as_member("admin")
    await admin.api("PUT", f"/api/v1/bodies/{org.bodies['nmm']}/grouping-rules", {"minimum_signatures": 1})
    olive = await as_member("olive")
    created = await olive.api("POST", "/api/v1/groupings", {"kind": kind, "name": "Renters First",
                                                            "purpose": "Affiliate to the renters' union.",
                                                            "meeting_id": meeting})
    assert created.status_code == 201 and created.json()["state"] == "formed", created.text
    return olive, created.json()["body"]


async def _document(olive, body: dict, title: str, text: str) -> int:
    made = await olive.api("POST", f"/api/v1/bodies/{body['id']}/documents", {"title": title, "text": text})
    assert made.status_code == 201, made.text
    return made.json()["id"]


async def _attach(browser, document: int, name: str, data: bytes):
    return await browser.http.post(f"/documents/{document}/attachments", data={"csrf_token": browser.token},
                                   files={"file": (name, data, "application/octet-stream")})


async def test_simultaneous_circulations_record_one_per_week(as_member, people, org, app):
    olive, body = await _formed(as_member, org, people["meeting"])
    ids = [await _document(olive, body, f"Document {n}", f"Text {n}.") for n in range(8)]

    def circulate(document: int, kind: str, by_page: bool):
        if by_page:
            return olive.post(f"/documents/{document}/circulate", kind=kind)
        return olive.api("POST", f"/api/v1/documents/{document}/circulations", {"kind": kind})

    requests = [circulate(d, "document", n % 2 == 0) for n, d in enumerate(ids)]
    requests += [circulate(d, "article", n % 2 == 1) for n, d in enumerate(ids[:4])]
    answers = await asyncio.gather(*requests)
    documents, articles = answers[:8], answers[8:]
    assert sum(a.status_code in (201, 303) for a in documents) == 1, [a.status_code for a in documents]
    assert sum(a.status_code in (201, 303) for a in articles) == 1, [a.status_code for a in articles]
    refused = [a for a in answers if a.status_code not in (201, 303)]
    assert {a.status_code for a in refused} == {409}
    for answer in refused:
        text = answer.text.replace("&#39;", "'")
        assert "The faction's document for the week of " in text or "The faction's article for the week of " in text
        assert "; next allowed on " in text
    async with app.state.sessions() as db:
        stored = (await db.execute(select(Circulation.kind, func.count()).group_by(Circulation.kind))).all()
    assert dict(stored) == {"document": 1, "article": 1}


async def test_circulations_record_the_week_they_use(as_member, people, org, app):
    olive, body = await _formed(as_member, org, people["meeting"])
    document = await _document(olive, body, "One", "First.")
    assert (await olive.post(f"/documents/{document}/circulate", kind="document")).status_code == 303
    async with app.state.sessions() as db:
        circulation = (await db.execute(select(Circulation))).scalars().one()
    assert circulation.week == WeekRule().week_of(circulation.at.replace(tzinfo=timezone.utc))


async def test_outsiders_read_the_circulated_version_not_later_drafts(as_member, people, org, app):
    olive, body = await _formed(as_member, org, people["meeting"])
    document = await _document(olive, body, "Why affiliate", "Rents rose by 9%.")
    before = await _attach(olive, document, "before.png", PNG)
    assert before.status_code == 303
    assert (await olive.post(f"/documents/{document}/circulate", kind="document")).status_code == 303
    saved = await olive.api("POST", f"/api/v1/documents/{document}/versions",
                            {"title": "Internal: tactics", "text": "Our secret plan for conference.", "base_number": 1})
    assert saved.status_code == 201
    assert (await _attach(olive, document, "tactics.png", PNG)).status_code == 303
    async with app.state.sessions() as db:
        attachments = dict((await db.execute(select(DocumentAttachment.filename, DocumentAttachment.id)
                                             .where(DocumentAttachment.document_id == document))).all())

    sam = await as_member("sam")
    page = await sam.get(f"/documents/{document}")
    assert page.status_code == 200
    assert "Rents rose by 9%." in page.text and "secret plan" not in page.text and "Internal: tactics" not in page.text
    assert "before.png" in page.text and "tactics.png" not in page.text
    api = (await sam.api("GET", f"/api/v1/documents/{document}")).json()
    assert (api["version"], api["title"], [v["number"] for v in api["versions"]]) == (1, "Why affiliate", [1])
    assert "secret" not in str(api)
    assert (await sam.api("GET", f"/api/v1/documents/{document}/diff?from=1&to=2")).status_code == 400
    assert "secret plan" not in (await sam.get(f"/documents/{document}?from=1&to=2")).text
    assert (await sam.get(f"/attachments/{attachments['before.png']}")).status_code == 200
    assert (await sam.get(f"/attachments/{attachments['tactics.png']}")).status_code == 404
    listing = await sam.get(f"/bodies/{body['slug']}/documents")
    assert "Why affiliate" in listing.text and "Internal: tactics" not in listing.text

    # the grouping's own members still read everything
    mine = await olive.get(f"/documents/{document}")
    assert "secret plan" in mine.text and "tactics.png" in mine.text

    # once version 2 is circulated (next week), it is what everyone reads
    async with app.state.sessions() as db:
        officer = await db.get(Member, org.members["olive"])
        await grouping_documents.circulate(db, officer, document, "document",
                                           now=datetime.now(timezone.utc) + timedelta(days=7))
    api = (await sam.api("GET", f"/api/v1/documents/{document}")).json()
    assert (api["version"], [v["number"] for v in api["versions"]]) == (2, [1, 2])
    assert (await sam.get(f"/attachments/{attachments['tactics.png']}")).status_code == 200


async def test_site_admins_do_not_read_uncirculated_documents(as_member, people, org):
    olive, body = await _formed(as_member, org, people["meeting"])
    document = await _document(olive, body, "Draft for ourselves", "Not yet for the leadership.")
    attached = await _attach(olive, document, "draft.png", PNG)
    assert attached.status_code == 303
    admin = await as_member("admin")
    assert (await admin.get(f"/documents/{document}")).status_code == 404
    assert (await admin.api("GET", f"/api/v1/documents/{document}")).status_code == 404
    listing = await admin.get(f"/bodies/{body['slug']}/documents")
    assert listing.status_code == 200 and "Draft for ourselves" not in listing.text
    assert "Write a document" not in listing.text
    assert (await olive.post(f"/documents/{document}/circulate", kind="document")).status_code == 303
    assert (await admin.get(f"/documents/{document}")).status_code == 200


def test_an_attachment_just_over_the_limit_does_not_read_as_the_limit():
    data = b"%PDF-" + b"0" * (MAX_ATTACHMENT_BYTES + 10 - 5)
    try:
        check_attachment("big.pdf", data)
    except AttachmentRefused as refused:
        assert str(refused) == "big.pdf is just over 4 MB; attachments may be at most 4 MB."
    else:
        raise AssertionError("accepted a file over the limit")
    try:
        check_attachment("bigger.pdf", b"%PDF-" + b"0" * int(6.2 * 1024 * 1024))
    except AttachmentRefused as refused:
        assert str(refused) == "bigger.pdf is 6.2 MB; attachments may be at most 4 MB."


async def test_an_upload_over_the_form_limit_says_its_size_and_the_attachment_limit(as_member, people, org):
    olive, body = await _formed(as_member, org, people["meeting"])
    document = await _document(olive, body, "With a big file", "See attached.")
    answer = await _attach(olive, document, "big.pdf", b"%PDF-" + b"0" * (6 * 1024 * 1024))
    assert answer.status_code == 413
    assert "The file is about 6.0 MB; attachments may be at most 4 MB." in answer.text
    assert "5 MB" not in answer.text


async def test_a_platform_is_refused_as_a_platform(as_member, people, org):
    olive, body = await _formed(as_member, org, people["meeting"], kind="platform")
    first, second = [await _document(olive, body, t, "Text.") for t in ("One", "Two")]
    assert (await olive.api("POST", f"/api/v1/documents/{first}/circulations", {"kind": "document"})).status_code == 201
    refused = await olive.api("POST", f"/api/v1/documents/{second}/circulations", {"kind": "document"})
    assert refused.status_code == 409
    assert refused.json()["error"]["message"].startswith("The platform's document for the week of ")
    now = datetime.now(timezone.utc)
    assert check_allowance([Use("p", "article", now)], "p", "article", now, grouping="platform").message \
        .startswith("The platform's article for the week of ")
    assert check_allowance([], "p", "article", now, grouping="platform").message \
        .startswith("The platform may publish its article for the week of ")


def test_migration_0006_gives_existing_circulations_their_week(tmp_path):
    """Existing rows get the week of the body above the grouping's rules; a week already used
    twice keeps the first use's week and an empty week on the later one; then the database
    refuses a second use of a week."""
    from alembic import command
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.orm import Session

    from server.db.migrate import alembic_config
    from server.db.models import Body
    from server_fixtures import settings_for

    settings = settings_for(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}")
    config = alembic_config(settings)
    command.upgrade(config, "0005")
    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with Session(engine) as db:
        nmm = Body(slug="nmm", name="NMM", kind="national_members_meeting")
        faction = Body(slug="f", name="F", kind="faction", parent=nmm)
        author = Member(name="Olive", email="o@example.org", email_key="o@example.org", password_hash="x",
                        is_site_admin=False, session_version=1)
        db.add_all([nmm, faction, author])
        db.commit()
        ids = {"nmm": nmm.id, "f": faction.id, "m": author.id}
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO grouping_rules (body_id, minimum_signatures, time_zone, first_weekday, "
                                "recall_supporters, recall_notice_days) VALUES (:b, 1, 'America/New_York', "
                                "'sunday', 2, 7)"), {"b": ids["nmm"]})
        connection.execute(text("INSERT INTO grouping_documents (id, body_id, created_by_id, created_at) "
                                "VALUES (1, :f, :m, '2026-03-01 00:00:00')"), {"f": ids["f"], "m": ids["m"]})
        connection.execute(text("INSERT INTO grouping_document_versions (id, document_id, number, title, text, "
                                "created_by_id, created_at) VALUES (1, 1, 1, 'T', 'x', :m, '2026-03-01 00:00:00')"),
                           {"m": ids["m"]})
        # Sat 22:00 and Sun 01:00 in New York (weeks from Sunday 1 and 8 March), then the same week again
        for n, at in enumerate(("2026-03-08 03:00:00", "2026-03-08 06:00:00", "2026-03-09 12:00:00"), start=1):
            connection.execute(text("INSERT INTO circulations (id, body_id, document_id, version_id, kind, by_id, at) "
                                    "VALUES (:n, :f, 1, 1, 'document', :m, :at)"),
                               {"n": n, "f": ids["f"], "m": ids["m"], "at": at})
    command.upgrade(config, "0006")
    with engine.begin() as connection:
        weeks = connection.execute(text("SELECT id, week FROM circulations ORDER BY id")).all()
    assert weeks == [(1, "2026-03-01"), (2, "2026-03-08"), (3, None)]
    try:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO circulations (body_id, document_id, version_id, kind, by_id, at, "
                                    "week) VALUES (:f, 1, 1, 'document', :m, '2026-03-10 00:00:00', '2026-03-08')"),
                               {"f": ids["f"], "m": ids["m"]})
    except IntegrityError:
        pass
    else:
        raise AssertionError("a second use of one week was stored")
    command.downgrade(config, "0005")
    with engine.begin() as connection:
        assert connection.execute(text("SELECT count(*) FROM circulations")).scalar_one() == 3
    engine.dispose()
