"""Petitions against the base frozen at opening, met and notified with the convening deadline;
notification preferences, email through a real local SMTP server (aiosmtpd), the daily digest,
and unsubscribe links that work signed out. Both databases."""

from __future__ import annotations

import re
from datetime import date, datetime

import httpx
from sqlalchemy import select

from server.db.models import Member
from server.db.models_groupings import Notice
from server.dates import day_month_year
from server.groupings.formation import parse_period
from server.services import notices


async def test_a_petition_reaches_20_percent_and_notifies_the_steering_committee(as_member, people, org, app,
                                                                                 steering):
    nora = await as_member("nora")
    opened = await nora.post("/petitions", title="Extra NMM on the housing crisis", text="We ask for an extra NMM.",
                             kind="additional-nmm")
    assert opened.status_code == 303, opened.text
    petition = int(re.search(r"/petitions/(\d+)", opened.headers["location"]).group(1))
    # 15 members (org's 5 + 10 signers) and two branches, frozen now
    page = await nora.get(f"/petitions/{petition}")
    assert "0 of 2 branches = 0.0%, threshold 10% = 0.2 branches" in page.text
    signers = ["nora", "sam"]
    for who in signers:
        member = nora if who == "nora" else await as_member(who)
        assert (await member.post(f"/petitions/{petition}/sign")).status_code == 303
    state = (await nora.api("GET", f"/api/v1/petitions/{petition}")).json()
    assert state["base"] == {"members": 15, "branches": 2}
    assert "2 of 15 members = 13.3%, threshold 20% = 3 members: not met" in state["count"]
    assert state["met"] is False and state["signed_by"] == ["Nora", "Sam"]
    # a member joining after opening does not move the base nor count
    async with app.state.sessions() as db:
        late = Member(name="Late", email="late@example.org", email_key="late@example.org",
                      password_hash=(await db.get(Member, org.members["nora"])).password_hash)
        db.add(late)
        await db.commit()
    late_browser = await as_member("late")
    refused = await late_browser.post(f"/petitions/{petition}/sign")
    assert refused.status_code == 403 and "base is the 15 members" in refused.text
    third = await as_member("wanda")
    assert (await third.post(f"/petitions/{petition}/sign")).status_code == 303
    state = (await nora.api("GET", f"/api/v1/petitions/{petition}")).json()
    assert "3 of 15 members = 20.0%, threshold 20% = 3 members: met (3 >= 3)" in state["count"]
    today = datetime.fromisoformat(state["met_at"]).date()
    convene_by = parse_period("3 months").after(today)
    assert state["deadline"] == (f"Threshold met on {day_month_year(today)}: the steering committee must convene "
                                 f"an additional National Members' Meeting by {day_month_year(convene_by)} "
                                 "(within 3 months).")
    async with app.state.sessions() as db:
        told = (await db.execute(select(Notice).where(Notice.member_id == org.members["admin"],
                                                      Notice.title.like("Petition met:%")))).scalars().all()
    assert len(told) == 1
    admin = await as_member("admin")
    assert "new documents, bulletin issues or petitions" in (await admin.get("/home")).text
    assert "Petition met: Extra NMM on the housing crisis" in (await admin.get("/account/notices")).text
    # seen once, they are read: off the home page's "Open for you"
    assert "new documents, bulletin issues or petitions" not in (await admin.get("/home")).text
    assert "Nothing new." in (await admin.get("/account/notices")).text


async def test_a_branch_officer_requests_for_the_branch(as_member, people, org):
    nora = await as_member("nora")
    opened = await nora.post("/petitions", title="P", text="T", kind="additional-nmm")
    petition = int(re.search(r"/petitions/(\d+)", opened.headers["location"]).group(1))
    refused = await nora.post(f"/petitions/{petition}/sign", branch_id=str(org.bodies["north"]))
    assert refused.status_code == 403 and "branch&#39;s officers" in refused.text
    olive = await as_member("olive")
    assert (await olive.post(f"/petitions/{petition}/sign", branch_id=str(org.bodies["north"]))).status_code == 303
    state = (await olive.api("GET", f"/api/v1/petitions/{petition}")).json()
    assert state["met"] and state["branches"] == ["North branch"]
    assert "1 of 2 branches = 50.0%, threshold 10% = 0.2 branches: met (1 >= 0.2)" in state["count"]


async def test_a_petition_the_constitution_does_not_provide_for_is_refused(as_member, people):
    nora = await as_member("nora")
    refused = await nora.post("/petitions", title="P", text="T", kind="lots of people")
    assert refused.status_code == 400 and "Choose which of the constitution&#39;s petitions" in refused.text


async def test_each_event_by_email_and_unsubscribing_signed_out(as_member, people, org, app, smtp, settings):
    sam = await as_member("sam")
    saved = await sam.post("/account/notices", petition="email", document="digest", bulletin="in_app", ballot="in_app")
    assert saved.status_code == 303
    nora = await as_member("nora")
    await nora.post("/petitions", title="Extra NMM", text="Please.", kind="additional-nmm")
    messages = smtp.messages()
    assert [m["To"].addresses[0].addr_spec for m in messages] == ["sam@example.org"]
    assert messages[0]["Subject"] == "Plenary: new petition: Petition opened: Extra NMM"
    link = re.search(r"<(http://testserver/unsubscribe/[^>]+)>", messages[0]["List-Unsubscribe"]).group(1)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as stranger:
        confirm = await stranger.get(link)
        assert confirm.status_code == 200 and "Stop these emails?" in confirm.text
        one_click = await stranger.post(link, data={"List-Unsubscribe": "One-Click"})
        assert one_click.status_code == 200 and "no more emails about petitions" in one_click.text
        forged = await stranger.post(link[:-3] + "abc")
        assert forged.status_code == 404
    async with app.state.sessions() as db:
        assert (await notices.preferences(db, org.members["sam"]))["petition"] == "in_app"
    await nora.post("/petitions", title="Second", text="Again.", kind="additional-nmm")
    assert len(smtp.messages()) == 1


async def test_the_daily_digest_holds_what_is_pending(as_member, people, org, app, smtp, settings):
    sam = await as_member("sam")
    await sam.post("/account/notices", petition="digest", document="digest", bulletin="in_app", ballot="in_app")
    nora = await as_member("nora")
    for title in ("One", "Two"):
        await nora.post("/petitions", title=title, text="x", kind="additional-nmm")
    assert smtp.messages() == []
    async with app.state.sessions() as db:
        sent = await notices.send_digests(db, app.state.mail_settings, settings.secret_key, date(2026, 3, 10))
        again = await notices.send_digests(db, app.state.mail_settings, settings.secret_key, date(2026, 3, 10))
    assert (sent, again) == (1, 0)
    [digest] = smtp.messages()
    assert digest["Subject"] == "Plenary digest for 10 March 2026: 2 petitions"
    assert "Petition opened: One" in digest.get_body(("plain",)).get_content()


async def test_plenary_digest_sends_through_the_configured_server(as_member, people, app, smtp, settings):
    from server.commands.digest import send_daily_digests

    sam = await as_member("sam")
    await sam.post("/account/notices", petition="digest", document="in_app", bulletin="in_app", ballot="in_app")
    nora = await as_member("nora")
    await nora.post("/petitions", title="Only one", text="x", kind="additional-nmm")
    assert await send_daily_digests(settings, app.state.mail_settings, date(2026, 3, 10)) == 1
    [digest] = smtp.messages()
    assert digest["Subject"] == "Plenary digest for 10 March 2026: 1 petition"
    assert digest["List-Unsubscribe"].startswith("<http://testserver/unsubscribe/")
