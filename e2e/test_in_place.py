"""htmx on the grouping pages, in the browser: signing a petition with JavaScript on updates its
count and signers in place, without loading the page again (the same form works without
JavaScript, as the other browser tests and tests/groupings_web/test_in_place.py show)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from member_pages import signed_in_page
from server.demo import PEOPLE, email_for

OPENER, SIGNER = PEOPLE[32][0], PEOPLE[33][0]


def test_signing_a_petition_updates_the_count_without_a_page_load(browser, live_server):
    opener = signed_in_page(browser, live_server, email_for(OPENER))
    opener.goto("/petitions")
    opener.get_by_label("Title").fill("Extra NMM on rents, in place")
    opener.get_by_label("What it asks for").fill("We ask for an extra NMM on the rent crisis.")
    opener.get_by_role("button", name="Open the petition").click()
    expect(opener.get_by_role("heading", level=1)).to_have_text("Extra NMM on rents, in place")
    address = opener.url.split("?")[0]
    opener.context.close()

    signer = signed_in_page(browser, live_server, email_for(SIGNER))
    signer.goto(address)
    expect(signer.locator("#petition-count")).to_have_text(re.compile(r"\b0 of \d+ members"))
    signer.evaluate("window.stillTheSamePage = true")  # gone if the browser loads a page
    loads = []
    signer.on("framenavigated", lambda frame: loads.append(frame.url))
    signer.get_by_role("button", name="Sign", exact=True).click()
    expect(signer.locator("#petition-count")).to_have_text(re.compile(r"\b1 of \d+ members"))
    expect(signer.locator("#petition-signers li")).to_have_text([SIGNER])
    expect(signer.get_by_role("status")).to_have_text("You have signed.")
    expect(signer.get_by_role("button", name="Sign", exact=True)).to_have_count(0)
    assert signer.evaluate("window.stillTheSamePage") is True
    assert loads == [] and signer.url == address
    signer.context.close()
