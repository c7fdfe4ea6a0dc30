"""Browser checks for the foundation's review fixes: a refusal shows in place with htmx,
and definition lists stack on a phone instead of squeezing their values."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from server.demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, DEMO_MEMBER_PASSWORD
from server.views.render import HTMX_FILE

OFFICER = "aisha.rahman@demo.plenary.test"
MIN_VALUE_WIDTH_PX = 8 * 16  # 8rem: narrower than this, a date wraps over several lines


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def test_htmx_refusal_shows_in_place_with_the_typed_email(page: Page):
    if not HTMX_FILE.is_file():
        pytest.skip(f"htmx is not installed at {HTMX_FILE} (./dev.sh installs it from npm)")
    sign_in(page, DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD)
    page.goto("/bodies/platform-ecosocialist")
    page.wait_for_function("window.htmx !== undefined")
    members = page.locator("#members")
    page.get_by_label("Member's email").fill("nobody@nowhere.test")
    with page.expect_response(lambda r: r.url.endswith("/bodies/platform-ecosocialist/members")) as answer:
        page.get_by_role("button", name="Add to Ecosocialist platform").click()
    assert answer.value.status == 400 and answer.value.request.headers.get("hx-request") == "true"
    expect(members.get_by_role("alert")).to_contain_text("There is no member with the email 'nobody@nowhere.test'")
    expect(page.get_by_label("Member's email")).to_have_value("nobody@nowhere.test")
    expect(page.get_by_label("Member's email")).to_have_attribute("aria-invalid", "true")
    assert page.url.endswith("/bodies/platform-ecosocialist")  # swapped in place, no navigation
    expect(page.get_by_role("heading", level=1)).to_have_text("Ecosocialist platform")


def test_facts_stack_on_a_phone(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        sign_in(page, OFFICER, DEMO_MEMBER_PASSWORD)
        for path in ("/account", "/meetings/1"):
            page.goto(path)
            pairs = page.evaluate("""() => [...document.querySelectorAll('dl.facts dd')].map(dd => {
                const dt = dd.previousElementSibling.getBoundingClientRect(), box = dd.getBoundingClientRect();
                return {width: box.width, below: box.top >= dt.bottom - 1, text: dd.textContent.trim()};
            })""")
            assert pairs, f"{path} has no facts list"
            for pair in pairs:
                assert pair["below"], f"{path}: {pair['text']!r} sits beside its term instead of under it"
                assert pair["width"] >= MIN_VALUE_WIDTH_PX, f"{path}: {pair['text']!r} squeezed to {pair['width']}px"
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, path
    finally:
        context.close()


def test_facts_sit_side_by_side_on_a_wide_screen(page: Page):
    sign_in(page, OFFICER, DEMO_MEMBER_PASSWORD)
    page.goto("/account")
    beside = page.evaluate("""() => { const dd = document.querySelector('dl.facts dd');
        return dd.getBoundingClientRect().top < dd.previousElementSibling.getBoundingClientRect().bottom; }""")
    assert beside
