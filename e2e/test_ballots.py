"""Ballots in the browser, on the demo's open ballots of every kind and its published results:
ranking by clicking (mouse, keyboard, a phone-sized screen), the numbered form without
JavaScript, yes/no and slate strike-outs, live turnout over server-sent events, and the result
page with its round table and SVG charts. Each test votes as a different demo member."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from ballot_pages import as_member, open_ballot


def receipt(page: Page) -> str:
    expect(page.get_by_role("heading", level=1)).to_have_text("Your vote is recorded")
    code = page.locator("#receipt-code").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code), code
    return code


def test_ranked_choice_by_clicking_candidates_in_order(browser, live_server):
    page = as_member(browser, live_server, "Jess Morgan")
    open_ballot(page, "Our campaign priority for 2027")
    expect(page.locator(".rank-boxes")).to_be_hidden()
    page.get_by_role("button", name="Rank Climate number 1").click()
    page.get_by_role("button", name="Rank Housing number 2").click()
    page.get_by_role("button", name="Rank Wages number 3").click()
    page.get_by_role("button", name="Remove Wages from rank 3").click()
    expect(page.locator(".rank-list li")).to_have_count(2)
    page.get_by_role("button", name="Cast my vote").click()
    receipt(page)
    expect(page.locator(".cast-ranking li")).to_have_text(["Climate", "Housing"])
    page.goto("/")
    expect(page.get_by_text("Vote: Our campaign priority for 2027")).to_have_count(1)


def test_ranking_with_the_keyboard(browser, live_server):
    page = as_member(browser, live_server, "Kieran Doyle")
    open_ballot(page, "National Treasurer")
    page.get_by_role("button", name="Rank Uma Chaudhry number 1").focus()
    page.keyboard.press("Enter")  # Uma ranked 1; focus moves to the next candidate not yet ranked
    page.keyboard.press("Enter")  # Maya ranked 2
    expect(page.locator(".rank-list li")).to_have_count(2)
    page.get_by_role("button", name="Cast my vote").click()
    receipt(page)
    expect(page.locator(".cast-ranking li")).to_have_text(["Uma Chaudhry", "Maya Patel"])


def test_phone_sized_screen_ranks_by_tapping(browser, live_server):
    page = as_member(browser, live_server, "Niamh Kelly", viewport={"width": 360, "height": 740}, has_touch=True)
    open_ballot(page, "National Steering Committee: four elected places")
    for number, name in enumerate(("Chloe Martin", "Ben Okafor", "Aisha Rahman"), start=1):
        page.get_by_role("button", name=f"Rank {name} number {number}").tap()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Cast my vote").tap()
    receipt(page)
    expect(page.locator(".cast-ranking li")).to_have_text(["Chloe Martin", "Ben Okafor", "Aisha Rahman"])


def test_numbered_form_without_javascript_refuses_then_accepts(browser, live_server):
    page = as_member(browser, live_server, "Paula Nowak", javascript=False)
    open_ballot(page, "National Steering Committee: four elected places")
    page.get_by_label("Eleanor Hughes").fill("1")
    page.get_by_label("Farid Haddad").fill("1")
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.get_by_role("alert")).to_have_text("Rank 1 is given twice: give each rank once.")
    page.get_by_label("Eleanor Hughes").fill("1")
    page.get_by_label("Farid Haddad").fill("3")
    page.get_by_label("Imogen Clarke").fill("2")
    page.get_by_role("button", name="Cast my vote").click()
    receipt(page)
    expect(page.locator(".cast-ranking li")).to_have_text(["Eleanor Hughes", "Imogen Clarke", "Farid Haddad"])


def test_motion_yes_no_and_slate_with_a_strike_out(browser, live_server):
    page = as_member(browser, live_server, "Rachel Stewart")
    open_ballot(page, "Support the climate strike on 20 March")
    page.get_by_label("Yes / For").check()
    page.get_by_role("button", name="Cast my vote").click()
    code = receipt(page)
    open_ballot(page, "Support the climate strike on 20 March")
    expect(page.get_by_text("You have voted.")).to_be_visible()
    open_ballot(page, "Conference Arrangements Committee slate")
    page.get_by_label("Yes / For").check()
    page.get_by_label("Strike Owen Jones").check()
    page.get_by_role("button", name="Cast my vote").click()
    assert receipt(page) != code
    expect(page.get_by_text("Struck out")).to_be_visible()


def test_turnout_updates_live_without_reload(browser, live_server):
    watcher = as_member(browser, live_server, "Tara Singh")
    open_ballot(watcher, "National Treasurer")
    turnout = watcher.locator(".turnout-words")
    before = int(re.search(r"(\d+) of", turnout.inner_text()).group(1))
    voter = as_member(browser, live_server, "Usman Sheikh")
    open_ballot(voter, "National Treasurer")
    voter.get_by_role("button", name="Rank Tom Fletcher number 1").click()
    voter.get_by_role("button", name="Cast my vote").click()
    receipt(voter)
    expect(turnout).to_contain_text(f"{before + 1} of 60 have voted", timeout=10_000)
    expect(watcher.locator("progress")).to_have_attribute("value", str(before + 1))


def test_published_result_with_rounds_charts_and_receipt_lookup(browser, live_server):
    page = as_member(browser, live_server, "Valerie Brooks")
    page.goto("/bodies/nmm/ballots")
    page.get_by_role("listitem").filter(has_text="Disputes panel (2026)").get_by_role("link", name="Result").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Result: Disputes panel (2026): three places")
    expect(page.locator("#outcome-words")).to_contain_text("Elected:")
    expect(page.locator("#turnout-line")).to_contain_text("Turnout: 47 of 60 on the roll voted, 78.3%.")
    rounds = page.locator("table.rounds thead th").count() - 1
    assert rounds >= 2
    expect(page.locator("svg.round-chart")).to_have_count(rounds)
    expect(page.locator(".transfers li").first).to_be_visible()
    record = page.request.get(page.url.replace("/result", "/record.json")).json()
    first = record["ballots"][0]["receipt"]
    page.get_by_role("link", name="Find your ballot by its receipt").click()
    page.get_by_label("Receipt code").fill(first.lower().replace("-", " "))
    page.get_by_role("button", name="Find it").click()
    expect(page.get_by_role("heading", level=2)).to_have_text(f"Ballot {first}")
    assert "code" not in page.url and first.split("-")[0] not in page.url  # posted, not in the address


def test_choosing_between_slates(browser, live_server):
    page = as_member(browser, live_server, "William Ford")
    open_ballot(page, "Editorial board: choose a slate")
    page.get_by_label("New Voices").check()
    page.get_by_role("button", name="Cast my vote").click()
    receipt(page)
    expect(page.locator(".cast-ranking li")).to_have_text(["New Voices"])


def test_hand_count_entered_by_the_cac_confirmed_by_two_tellers(browser, live_server):
    title = "Solidarity with the cleaners' strike (show of hands)"
    cac = as_member(browser, live_server, "Grace Adeyemi")
    open_ballot(cac, title)
    cac.get_by_label("For (a number, or “many” when not counted)").fill("many")
    cac.get_by_label("Against").fill("4")
    cac.get_by_label("Abstentions").fill("2")
    cac.get_by_label("Members present").fill("45")
    cac.get_by_label("The chair declared").select_option("carried")
    cac.get_by_role("button", name="Enter the figures").click()
    expect(cac.get_by_text("Confirmation: needs 2 more tellers to confirm these figures.")).to_be_visible()
    for teller in ("Hannah Cohen", "Isaac Boateng"):
        page = as_member(browser, live_server, teller)
        open_ballot(page, title)
        page.get_by_role("button", name="Confirm these figures (teller)").click()
        expect(page.get_by_role("status")).to_have_text("Your confirmation is recorded.")
    cac.reload()
    cac.get_by_role("button", name="Publish the result").click()
    cac.get_by_role("link", name="See the result").click()
    expect(cac.locator("#hand-figures")).to_contain_text("many for, 4 against, 2 abstentions; 45 present")
    expect(cac.locator("#hand-figures")).to_contain_text("confirmed by Hannah Cohen and Isaac Boateng")
