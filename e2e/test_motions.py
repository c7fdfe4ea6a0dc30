"""Motions in the browser, on the demo's Annual Conference 2027: drafting with a
co-author, proposing an amendment by selecting words, discussing it, the CAC admitting
and compositing, and the motion as amended. Each test signs in in its own context."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from member_pages import signed_in_page
from server.views.render import HTMX_FILE

AISHA = "aisha.rahman@demo.plenary.test"
BEN = "ben.okafor@demo.plenary.test"
CHLOE = "chloe.martin@demo.plenary.test"
GRACE = "grace.adeyemi@demo.plenary.test"  # on the conference arrangements committee
OLIVIA = "olivia.bennett@demo.plenary.test"
RENTERS = "Build a national renters' union"

SELECT_WORDS = """(words) => {
  const text = document.querySelector('[data-selectable]');
  const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.textContent.indexOf(words);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + words.length);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    text.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    return true;
  }
  return false;
}"""




def open_conference(page: Page) -> None:
    page.goto("/bodies/nmm")
    page.get_by_role("link", name="Meetings and motions").click()
    page.get_by_role("link", name="Annual Conference 2027").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annual Conference 2027")


def open_motion(page: Page, title: str) -> None:
    open_conference(page)
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def sign_out(page: Page) -> None:
    page.context.close()


@pytest.fixture(autouse=True)
def _needs_htmx():
    if not HTMX_FILE.is_file():
        pytest.skip(f"htmx is not installed at {HTMX_FILE} (./dev.sh installs it from npm)")


def test_draft_with_a_co_author(browser, live_server):
    aisha = signed_in_page(browser, live_server, AISHA)
    open_conference(aisha)
    aisha.get_by_label("Title").fill("Free childcare at every meeting")
    aisha.get_by_label("Text (free text; markdown)").fill("This conference resolves to provide childcare at meetings.")
    aisha.get_by_role("button", name="Create the draft").click()
    expect(aisha.get_by_role("status")).to_contain_text("Draft created")
    motion_url = aisha.url.split("?")[0]
    aisha.get_by_label("Invite a co-author (email)").fill(BEN)
    aisha.get_by_role("button", name="Invite", exact=True).click()
    expect(aisha.get_by_role("status")).to_have_text("Invitation sent.")
    sign_out(aisha)

    ben = signed_in_page(browser, live_server, BEN)
    ben.goto("/notifications")
    ben.get_by_role("link", name=re.compile("invited you to co-author “Free childcare")).click()
    ben.get_by_role("button", name="Accept the invitation to co-author").click()
    expect(ben.get_by_role("status")).to_have_text("You are now a co-author.")
    ben.get_by_role("link", name="Edit the draft").click()
    ben.get_by_label("Text (free text; markdown)").fill(
        "This conference resolves to provide free childcare at all meetings.")
    ben.get_by_role("button", name="Save a new version").click()
    expect(ben.get_by_role("status")).to_have_text("Saved as a new version.")
    ben.get_by_role("link", name=re.compile("Versions and changes")).click()
    diff = ben.locator(".diff-inline")
    expect(diff.locator("ins")).to_have_text(["free", "all"])
    expect(diff.locator("del")).to_have_count(0)
    sign_out(ben)

    chloe = signed_in_page(browser, live_server, CHLOE)
    response = chloe.goto(motion_url)
    assert response is not None and response.status == 404  # a draft is read by its authors only
    sign_out(chloe)


def test_propose_an_amendment_by_selecting_text_and_discuss_it(browser, live_server):
    chloe = signed_in_page(browser, live_server, CHLOE)
    open_motion(chloe, RENTERS)
    passage = chloe.get_by_label("Words in the motion it acts on")
    expect(passage).to_have_value("")
    assert chloe.evaluate(SELECT_WORDS, "branches in every city")
    expect(passage).to_have_value("branches in every city")
    expect(chloe.get_by_label("Which time those words appear (1 = first)")).to_have_value("1")
    chloe.get_by_label("What the amendment does").select_option("replace")
    chloe.get_by_label("New words (to insert, put in place, or the new clause)").fill("branches in every region")
    chloe.get_by_role("button", name="Propose the amendment").click()
    expect(chloe.get_by_role("heading", level=1)).to_contain_text(f"to “{RENTERS}”")
    marked = chloe.locator(".motion-text.marked")
    expect(marked.locator("del")).to_have_text("branches in every city")
    expect(marked.locator("ins")).to_have_text("branches in every region")
    amendment_url = chloe.url

    # discuss it: the post appears in place (htmx), quoting a passage selected in the text
    assert chloe.evaluate(SELECT_WORDS, "renters' union")
    expect(chloe.get_by_label("Quoted passage (optional; select words in the motion to fill it)")).to_have_value(
        "renters' union")
    chloe.get_by_label("Your post (markdown)").fill("Regions cover the **small towns** too.")
    chloe.get_by_role("button", name="Post", exact=True).click()
    posts = chloe.locator("#thread-posts")
    expect(posts.locator(".post-body strong")).to_have_text("small towns")
    expect(posts.locator("blockquote.quote")).to_have_text("renters' union")
    assert chloe.url == amendment_url  # no navigation
    expect(chloe.get_by_label("Your post (markdown)")).to_have_value("")
    sign_out(chloe)

    ben = signed_in_page(browser, live_server, BEN)
    ben.goto(amendment_url)
    ben.get_by_role("link", name="Reply to Chloe Martin").first.click()
    ben.get_by_label("Your reply (markdown)").fill("Fine by the movers.")
    ben.get_by_role("button", name="Reply", exact=True).click()
    expect(ben.locator("#thread-posts .replies")).to_contain_text("Fine by the movers.")
    sign_out(ben)


def test_posting_works_without_javascript(browser, live_server):
    chloe = signed_in_page(browser, live_server, CHLOE, javascript=False)
    open_motion(chloe, RENTERS)
    chloe.get_by_label("Quoted passage (optional; select words in the motion to fill it)").fill("5,000 pounds")
    chloe.get_by_label("Your post (markdown)").fill("Posted with JavaScript off.")
    chloe.get_by_role("button", name="Post", exact=True).click()
    expect(chloe.get_by_role("status")).to_have_text("Posted.")
    expect(chloe.locator("#thread-posts")).to_contain_text("Posted with JavaScript off.")
    sign_out(chloe)


def test_cac_admits_and_composites(browser, live_server):
    aisha = signed_in_page(browser, live_server, AISHA)
    open_conference(aisha)
    aisha.get_by_label("Title").fill("Climate jobs for every branch")
    aisha.get_by_label("Text (free text; markdown)").fill("This conference resolves to campaign for climate jobs.")
    aisha.get_by_role("button", name="Create the draft").click()
    aisha.get_by_role("button", name="Submit to Annual Conference 2027").click()
    expect(aisha.locator(".kind .state")).to_have_text("Submitted")
    motion_url = aisha.url.split("?")[0]
    sign_out(aisha)
    for supporter in (BEN, CHLOE):
        page = signed_in_page(browser, live_server, supporter)
        page.goto(motion_url)
        page.get_by_role("button", name="Support this motion").click()
        expect(page.get_by_role("status")).to_have_text("You support this motion.")
        sign_out(page)

    grace = signed_in_page(browser, live_server, GRACE)
    grace.goto(motion_url)
    grace.get_by_role("button", name="Admit", exact=True).click()
    expect(grace.locator(".kind .state")).to_have_text("Admitted")
    open_conference(grace)
    grace.get_by_label(re.compile(r"Climate jobs for every branch")).check()
    grace.get_by_label(re.compile(r"Support the climate strike")).check()
    grace.get_by_label("Title").last.fill("Composite A: climate")
    grace.get_by_label("Text (free text; markdown)").last.fill(
        "This conference resolves to support the climate strike and campaign for climate jobs.")
    grace.get_by_role("button", name="Create the composite").click()
    expect(grace.get_by_role("heading", level=1)).to_have_text("Composite A: climate")
    composite_url = grace.url.split("?")[0]
    expect(grace.locator("#sources-heading + ul")).to_contain_text("awaiting its movers' agreement")
    sign_out(grace)

    for mover in (AISHA, OLIVIA):
        page = signed_in_page(browser, live_server, mover)
        page.goto(composite_url)
        page.get_by_role("button", name=re.compile("Agree for motion")).click()
        expect(page.get_by_role("status")).to_have_text("Your agreement to the composite is recorded.")
        sign_out(page)

    grace = signed_in_page(browser, live_server, GRACE)
    grace.goto(composite_url)
    grace.get_by_role("button", name="Admit", exact=True).click()
    expect(grace.locator(".kind .state")).to_have_text("Admitted")
    grace.goto(motion_url)
    expect(grace.locator(".kind .state")).to_have_text("Composited")
    sign_out(grace)


def test_a_refused_post_shows_why_and_keeps_the_words(browser, live_server):
    chloe = signed_in_page(browser, live_server, CHLOE)
    open_motion(chloe, RENTERS)
    quote = chloe.get_by_label("Quoted passage (optional; select words in the motion to fill it)")
    quote.fill("5,000 pounds")
    chloe.get_by_label("Your post (markdown)").fill("   ")
    chloe.get_by_role("button", name="Post", exact=True).click()
    expect(chloe.locator("#thread-posts [role=alert]")).to_have_text("The post is empty.")
    expect(quote).to_have_value("5,000 pounds")  # htmx: the form is left as it was
    sign_out(chloe)

    without_js = signed_in_page(browser, live_server, CHLOE, javascript=False)
    open_motion(without_js, RENTERS)
    without_js.get_by_label("Quoted passage (optional; select words in the motion to fill it)").fill("5,000 pounds")
    without_js.get_by_label("Your post (markdown)").fill("   ")
    without_js.get_by_role("button", name="Post", exact=True).click()
    expect(without_js.get_by_role("alert").first).to_have_text("The post is empty.")
    expect(without_js.get_by_label("Quoted passage (optional; select words in the motion to fill it)")).to_have_value(
        "5,000 pounds")
    expect(without_js.get_by_label("Your post (markdown)")).to_have_attribute("aria-invalid", "true")
    sign_out(without_js)


def test_the_shape_of_a_motion_is_one_choice_at_phone_width(browser, live_server):
    aisha = signed_in_page(browser, live_server, AISHA)
    aisha.set_viewport_size({"width": 360, "height": 800})
    open_conference(aisha)
    free, parts = aisha.locator("#new-shape-text"), aisha.locator("#new-shape-parts")
    for radio in (free, parts):
        box = radio.bounding_box()
        label_box = aisha.locator(f"label[for={radio.get_attribute('id')}]").bounding_box()
        assert box is not None and label_box is not None
        assert box["width"] < 40 and 0 <= label_box["x"] - (box["x"] + box["width"]) < 24  # beside its label
    expect(aisha.get_by_label("Text (free text; markdown)")).to_be_visible()
    expect(aisha.get_by_label("This body resolves", exact=True)).to_be_hidden()
    parts.check()
    expect(aisha.get_by_label("This body resolves", exact=True)).to_be_visible()
    expect(aisha.get_by_label("Text (free text; markdown)")).to_be_hidden()
    aisha.get_by_label("Title").fill("Rent caps in parts")
    aisha.get_by_label("This body resolves", exact=True).fill("To campaign for rent caps.")
    aisha.get_by_role("button", name="Create the draft").click()
    expect(aisha.get_by_role("status")).to_contain_text("Draft created")
    expect(aisha.locator("#motion-text strong")).to_have_text("This body resolves:")
    sign_out(aisha)


def test_amendments_and_diffs_are_shown_as_formatted_text(browser, live_server):
    chloe = signed_in_page(browser, live_server, CHLOE)
    chloe.set_viewport_size({"width": 360, "height": 800})
    open_motion(chloe, RENTERS)
    excerpt = chloe.locator("#amendment-1 .amendment-markup")
    expect(excerpt.locator("del")).to_have_text("5,000 pounds")
    expect(excerpt).not_to_contain_text("**")
    chloe.get_by_role("link", name="Amendment 1", exact=True).click()
    marked = chloe.locator(".motion-text.marked")
    expect(marked.locator("strong").first).to_have_text("This conference notes:")
    expect(marked.locator("ol > li")).to_have_count(3)
    expect(marked).not_to_contain_text("**")
    chloe.get_by_role("link", name=RENTERS).click()
    chloe.get_by_role("link", name=re.compile("Versions and changes")).click()
    expect(chloe.locator(".diff-inline strong").first).to_have_text("This conference notes:")
    for cell in chloe.locator(".versions-table td").all():
        box = cell.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 360, cell.text_content()
    sign_out(chloe)


def test_the_motion_as_amended_shows_the_carried_amendment(browser, live_server):
    grace = signed_in_page(browser, live_server, GRACE)
    open_motion(grace, RENTERS)
    expect(grace.locator("#amendment-2 .conflict")).to_contain_text("Conflicts with amendment 1")
    grace.get_by_role("link", name="Amendment 1", exact=True).click()
    grace.get_by_label("Outcome of the vote on the amendment").select_option("carried")
    grace.get_by_role("button", name="Record the amendment's outcome").click()
    expect(grace.get_by_role("status")).to_have_text("Outcome recorded.")
    grace.get_by_role("link", name=RENTERS).click()
    expect(grace.get_by_role("heading", name="Text as amended")).to_be_visible()
    text = grace.locator("#motion-text")
    expect(text).to_contain_text("To fund the union with 8,000 pounds from the campaigns budget.")
    expect(text).not_to_contain_text("5,000 pounds")
    expect(grace.locator("#amendment-2")).to_contain_text("No longer applicable")
    expect(grace.locator("#amendment-2 .ruling")).to_contain_text("were changed by Amendment 1")
    sign_out(grace)
