"""Live turnout and the ranking picker in the browser (review R6 #9, #14, #17): turnout updates over
the server-sent event stream, by polling the fragment when the stream is blocked, and stops
reconnecting once voting closes; the keyboard ranks to the end without a last Enter wiping the
ranking, and Remove keeps focus; a refused paper's picker starts from the ranks sent back."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from playwright.sync_api import Page, expect

from ballot_pages import as_member, cast, open_ballot

STREAM = re.compile(r"/ballots/\d+/turnout/stream(\?.*)?$")
FRAGMENT = re.compile(r"/ballots/\d+/turnout$")
#: counts the stream's messages the page takes in (htmx's sse extension fires htmx:sseMessage for each)
COUNT_SSE_MESSAGES = ("document.addEventListener('htmx:sseMessage', "
                      "() => { window.sseMessages = (window.sseMessages || 0) + 1; });")


def requests_to(page: Page, pattern: re.Pattern) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url) if pattern.search(request.url) else None)
    return seen


def voted_count(page: Page) -> int:
    return int(re.search(r"(\d+) of \d+ have voted", page.locator(".turnout-words").inner_text()).group(1))


def test_keyboard_ranks_to_the_end_and_remove_keeps_focus(browser, live_server):
    page = as_member(browser, live_server, "Gemma Lloyd")
    open_ballot(page, "National Treasurer")  # Maya Patel, Tom Fletcher, Uma Chaudhry
    page.get_by_role("button", name="Rank Uma Chaudhry number 1").focus()
    for _ in range(3):
        page.keyboard.press("Enter")  # Uma, then the first not yet ranked: Maya, Tom
    submit = page.get_by_role("button", name="Cast my vote")
    expect(submit).to_be_focused()  # not "Start again": one more Enter would have wiped the ranking
    expect(page.locator(".rank-list li span")).to_have_text(["1. Uma Chaudhry", "2. Maya Patel", "3. Tom Fletcher"])
    expect(page.locator(".rank-status")).to_have_text("Tom Fletcher ranked 3. All candidates are ranked.")

    page.get_by_role("button", name="Remove Maya Patel from rank 2").focus()
    page.keyboard.press("Enter")  # focus moves to the next Remove button
    expect(page.get_by_role("button", name="Remove Tom Fletcher from rank 2")).to_be_focused()
    page.keyboard.press("Enter")  # the last Remove: focus moves to the first candidate not yet ranked
    expect(page.get_by_role("button", name="Rank Maya Patel number 2")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Rank Tom Fletcher number 3")).to_be_focused()
    page.keyboard.press("Enter")
    expect(submit).to_be_focused()
    page.keyboard.press("Enter")  # the final Enter casts the vote as ranked
    expect(page.get_by_role("heading", level=1)).to_have_text("Your vote is recorded")
    expect(page.locator(".cast-ranking li")).to_have_text(["Uma Chaudhry", "Maya Patel", "Tom Fletcher"])


def test_refused_paper_comes_back_into_the_picker(browser, live_server):
    page = as_member(browser, live_server, "Felix Wagner")
    open_ballot(page, "Our campaign priority for 2027")
    # numbers the picker cannot produce, as a page without JavaScript could send them
    page.evaluate("""() => {
        const box = name => document.querySelector(`input[data-name="${name}"]`);
        box("Climate").value = "1"; box("Housing").value = "2"; box("Wages").value = "2";
    }""")
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.get_by_role("alert")).to_have_text("Rank 2 is given twice: give each rank once.")
    expect(page.locator(".rank-boxes")).to_be_hidden()
    expect(page.locator(".rank-list li span")).to_have_text(["1. Climate", "2. Housing", "3. Wages"])
    expect(page.locator(".rank-choices")).to_have_attribute("aria-describedby", "ballot-error")
    page.get_by_role("button", name="Remove Wages from rank 3").click()
    cast(page)
    expect(page.locator(".cast-ranking li")).to_have_text(["Climate", "Housing"])


def test_turnout_updates_over_the_stream(browser, live_server):
    title = "Editorial board: choose a slate"
    watcher = as_member(browser, live_server, "Emma Wright")
    watcher.add_init_script(COUNT_SSE_MESSAGES)
    streams, polls = requests_to(watcher, STREAM), requests_to(watcher, FRAGMENT)
    open_ballot(watcher, title)
    watcher.wait_for_function("window.sseMessages >= 1")  # the stream's first event: the turnout as it is
    before = voted_count(watcher)
    voter = as_member(browser, live_server, "Dev Mistry")
    open_ballot(voter, title)
    voter.get_by_label("New Voices").check()
    cast(voter)
    expect(watcher.locator(".turnout-words")).to_contain_text(f"{before + 1} of 60 have voted", timeout=10_000)
    assert watcher.evaluate("window.sseMessages") >= 2
    assert len(streams) == 1 and polls == []  # it came over the stream, not by polling


def test_turnout_polls_when_the_stream_is_blocked(browser, live_server):
    title = "Support the climate strike on 20 March"
    watcher = as_member(browser, live_server, "Catriona Ross")
    watcher.route(STREAM, lambda route: route.abort())
    streams, polls = requests_to(watcher, STREAM), requests_to(watcher, FRAGMENT)
    open_ballot(watcher, title)
    before = voted_count(watcher)
    voter = as_member(browser, live_server, "Bilal Chowdhury")
    open_ballot(voter, title)
    voter.get_by_label("Yes / For").check()
    cast(voter)
    expect(watcher.locator(".turnout-words")).to_contain_text(f"{before + 1} of 60 have voted", timeout=15_000)
    expect(watcher.locator("progress")).to_have_attribute("value", str(before + 1))
    assert streams and polls  # the stream was tried, and the count came by polling


def test_stream_ends_for_good_when_voting_closes(browser, live_server):
    title = "Bike shed colour (closes while watched)"
    cac = as_member(browser, live_server, "Liam Walsh")
    cac.goto("/bodies/nmm/ballots")
    now = datetime.now(timezone.utc)
    cac.get_by_label("Kind").select_option("motion")
    cac.get_by_label("Title (for a motion or amendment, leave empty to use its title)").fill(title)
    cac.get_by_label("Opens (UTC)").fill((now - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M"))
    cac.get_by_label("Closes (UTC)").fill((now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    cac.get_by_role("button", name="Set up the ballot").click()
    expect(cac.get_by_role("heading", level=1)).to_have_text(title)
    expect(cac.locator(".state")).to_have_text("Open")

    watcher = as_member(browser, live_server, "Alice Murray")
    watcher.add_init_script(COUNT_SSE_MESSAGES)
    open_ballot(watcher, title)
    watcher.get_by_label("Yes / For").check()
    cast(watcher)
    streams, polls = requests_to(watcher, STREAM), requests_to(watcher, FRAGMENT)
    open_ballot(watcher, title)
    watcher.wait_for_function("window.sseMessages >= 1")
    cac.get_by_role("button", name="Close voting now and count").click()
    expect(cac.get_by_role("link", name="See the result")).to_be_visible()
    expect(watcher.locator(".turnout")).to_contain_text("Voting is closed", timeout=10_000)
    watcher.wait_for_timeout(5_000)  # the browser reconnects a dropped stream after about 3 seconds
    assert len(streams) == 1 and polls == []
