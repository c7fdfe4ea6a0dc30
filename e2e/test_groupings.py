"""Groupings in the browser, on the demo organisation: a faction formed by ten signatures
(nine are not enough, and the page says why), then its document circulated and a second one
in the same week refused with the allowance's message. Works without htmx (plain forms)."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from member_pages import signed_in_page
from server.demo import PEOPLE, email_for

PROPOSER = PEOPLE[20][0]
SIGNERS = [name for name, _, _ in PEOPLE[21:30]]


def as_member(browser: Browser, live_server: str, name: str, javascript: bool = True, **options) -> Page:
    return signed_in_page(browser, live_server, email_for(name), javascript, **options)


def test_ten_signatures_form_a_faction_and_its_weekly_document_is_enforced(browser, live_server):
    proposer = as_member(browser, live_server, PROPOSER)
    proposer.get_by_role("link", name="Groupings").click()
    proposer.get_by_label("Kind").select_option("faction")
    proposer.get_by_label("Name").fill("Tenants Together")
    proposer.get_by_label("Declared purpose").fill("We move that the conference **backs rent strikes**.")
    conference = proposer.locator("#grouping-meeting option", has_text="Annual Conference 2027").first
    proposer.get_by_label("For a faction: the meeting that decides its question").select_option(
        conference.get_attribute("value"))
    proposer.get_by_role("button", name="Propose").click()
    expect(proposer.get_by_role("heading", level=1)).to_have_text("Tenants Together")
    expect(proposer.locator("#lifespan")).to_contain_text("Dissolves when Annual Conference 2027")
    address = proposer.url.split("?")[0]

    for name in SIGNERS[:8]:
        signer = as_member(browser, live_server, name)
        signer.goto(address)
        signer.get_by_role("button", name="Sign", exact=True).click()
        expect(signer.get_by_role("status")).to_have_text("You have signed.")
        signer.context.close()
    proposer.goto(address)
    expect(proposer.locator("#formation-status")).to_have_text("9 of the 10 signatures needed; 1 more to form")
    expect(proposer.get_by_role("link", name="documents")).to_have_count(0)

    tenth = as_member(browser, live_server, SIGNERS[8])
    tenth.goto(address)
    tenth.get_by_role("button", name="Sign", exact=True).click()
    expect(tenth.locator("#formation-status")).to_have_text("10 of the 10 signatures needed: formed")
    expect(tenth.locator("#signers li")).to_have_count(10)
    tenth.context.close()

    proposer.goto(address)
    proposer.get_by_role("link", name="documents").click()
    for title in ("Why rent strikes", "Rent strikes: the second word"):
        proposer.get_by_label("Title").fill(title)
        proposer.get_by_label("Text (markdown)").fill(f"{title}: tenants win when they act together.")
        proposer.get_by_role("button", name="Save the document").click()
        expect(proposer.get_by_role("heading", level=1)).to_have_text(title)
        proposer.get_by_role("button", name="Circulate to all members").click()
        if title == "Why rent strikes":
            expect(proposer.get_by_role("status")).to_have_text("Circulated to all members.")
            proposer.get_by_role("link", name=re.compile("Documents of")).click()
    alert = proposer.get_by_role("alert")
    expect(alert).to_contain_text(re.compile(
        r"^The faction's document for the week of \d{1,2} \w+( \d{4})? was already circulated on \d{1,2} \w+( \d{4})?; "
        r"next allowed on \d{1,2} \w+( \d{4})?\.$"))
    proposer.goto("/groupings/allowance")
    expect(proposer.get_by_role("row", name=re.compile("Tenants Together"))).to_contain_text("circulated on")
    proposer.context.close()
