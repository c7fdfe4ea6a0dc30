"""A choice of slates whose papers also rank people, in the browser: the CAC sets it up on the page (with
"individual preferences"), members rank people by clicking, by the keyboard and by tapping on a phone-sized
screen (the same click-to-rank control as a ranked ballot, a second picker on the paper), and the
published result sets the individual count beside the slate's."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from playwright.sync_api import Page, expect

from ballot_pages import as_member, cast
from ballot_pages import open_ballot as open_titled

TITLE = "Young members' committee: choose a slate"


def open_ballot(page: Page) -> None:
    open_titled(page, TITLE)


def test_people_ranked_by_clicking_keyboard_and_tapping_beside_the_slates(browser, live_server):
    cac = as_member(browser, live_server, "Grace Adeyemi")
    cac.goto("/bodies/nmm/ballots")
    now = datetime.now(timezone.utc)
    cac.get_by_label("Kind").select_option("slates")
    cac.get_by_label("Title (for a motion or amendment, leave empty to use its title)").fill(TITLE)
    cac.get_by_label("Slates, one a line: name: people").fill("Forward: Ada Byrne, Cal Dunn\nOnward: Eve Fox, Gil Hart")
    cac.get_by_label("Individual preferences: slate papers may also rank the people on the slates").check()
    cac.get_by_label("Opens (UTC)").fill((now - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M"))
    cac.get_by_label("Closes (UTC)").fill((now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    cac.get_by_role("button", name="Set up the ballot").click()
    expect(cac.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(cac.locator(".state")).to_have_text("Open")  # its opening time has passed: the timetable opened it

    # clicking: the slate's radio button, then people in order; "Remove" takes one out again
    clicker = as_member(browser, live_server, "Zainab Yusuf")
    open_ballot(clicker)
    people = clicker.locator("fieldset.people-ranking")
    expect(people.locator(".rank-boxes")).to_be_hidden()
    expect(people.locator("legend")).to_contain_text("click them in the order you prefer them")
    clicker.get_by_label("Forward").check()
    clicker.get_by_role("button", name="Rank Ada Byrne number 1").click()
    clicker.get_by_role("button", name="Rank Gil Hart number 2").click()
    clicker.get_by_role("button", name="Remove Gil Hart from rank 2").click()
    clicker.get_by_role("button", name="Rank Eve Fox number 2").click()
    expect(people.locator(".rank-list li")).to_have_count(2)
    cast(clicker)
    expect(clicker.locator(".cast-ranking li")).to_have_text(["Forward"])
    expect(clicker.locator(".cast-individuals li")).to_have_text(["Ada Byrne", "Eve Fox"])

    # the keyboard alone: Space on the slate, Enter on people; focus moves to the next person not yet ranked
    typist = as_member(browser, live_server, "Yusuf Demir")
    open_ballot(typist)
    typist.get_by_label("Forward").focus()
    typist.keyboard.press("Space")
    typist.get_by_role("button", name="Rank Eve Fox number 1").focus()
    typist.keyboard.press("Enter")  # Eve Fox 1; focus on Ada Byrne, the first not yet ranked
    typist.keyboard.press("Enter")  # Ada Byrne 2
    expect(typist.locator("fieldset.people-ranking .rank-list li")).to_have_count(2)
    expect(typist.locator("fieldset.people-ranking .rank-status")).to_have_text("Ada Byrne ranked 2.")
    cast(typist)
    expect(typist.locator(".cast-individuals li")).to_have_text(["Eve Fox", "Ada Byrne"])

    # a phone-sized screen: tapping
    phone = as_member(browser, live_server, "Hamza Karim", viewport={"width": 360, "height": 740}, has_touch=True)
    open_ballot(phone)
    phone.get_by_label("Onward").tap()
    phone.get_by_role("button", name="Rank Eve Fox number 1").tap()
    phone.get_by_role("button", name="Rank Gil Hart number 2").tap()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_role("button", name="Cast my vote").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your vote is recorded")
    expect(phone.locator(".cast-individuals li")).to_have_text(["Eve Fox", "Gil Hart"])

    # the CAC closes it; the result sets the individual count beside the slate's
    open_ballot(cac)
    cac.get_by_role("button", name="Close voting now and count").click()
    cac.get_by_role("link", name="See the result").click()
    expect(cac.locator("#outcome-words")).to_have_text("Elected: Ada Byrne, Cal Dunn (slate Forward).")
    words = cac.locator("#individual-words")
    expect(words).to_contain_text("An individual count (scotland) of the same papers would have elected")
    expect(words).to_contain_text("only by the individual count: Eve Fox; only on the slate: Cal Dunn.")
    expect(cac.locator("table.individual-rounds tr.elected")).to_have_count(2)
