"""A member signs in, sees their bodies, signs out; mistakes and no-JavaScript work too."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from server.views.render import HTMX_FILE

from server.demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, DEMO_MEMBER_PASSWORD

OFFICER = "aisha.rahman@demo.plenary.test"  # officer of the London branch in the demo


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_see_bodies_sign_out(page: Page):
    sign_in(page, OFFICER, DEMO_MEMBER_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Aisha Rahman")
    bodies = page.locator("table.bodies")
    expect(bodies.get_by_role("link", name="London branch")).to_be_visible()
    expect(bodies.get_by_role("link", name="National Members' Meeting")).to_be_visible()
    expect(page.get_by_role("heading", name="Open for you")).to_be_visible()
    page.get_by_role("link", name="London branch").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("London branch")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto("/bodies/branch-london")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Email").fill(OFFICER)
    page.get_by_label("Password").fill(DEMO_MEMBER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("London branch")  # back where they wanted to be
    assert page.url.endswith("/bodies/branch-london")


def test_wrong_password_shows_a_clear_message(page: Page):
    sign_in(page, OFFICER, "not my password")
    expect(page.get_by_role("alert")).to_have_text("Wrong email or password.")
    expect(page.get_by_label("Email")).to_have_value(OFFICER)


def test_membership_added_and_removed_in_place(page: Page):
    if not HTMX_FILE.is_file():
        pytest.skip(f"htmx is not installed at {HTMX_FILE} (./dev.sh installs it from npm)")
    sign_in(page, DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD)
    page.goto("/bodies/platform-ecosocialist")
    members = page.locator("#members")
    page.get_by_label("Member's email").fill("isla.robertson@demo.plenary.test")
    page.get_by_role("button", name="Add to Ecosocialist platform").click()
    expect(members.get_by_role("status")).to_have_text("Membership saved.")
    remove = members.get_by_role("button", name="Remove Isla Robertson")
    expect(remove).to_be_visible()
    assert page.url.endswith("/bodies/platform-ecosocialist")  # updated in place, no navigation
    remove.click()
    expect(members.get_by_role("status")).to_have_text("Member removed.")
    expect(remove).to_have_count(0)


def test_pages_work_with_javascript_off(page_without_javascript: Page):
    page = page_without_javascript
    sign_in(page, DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Sam Admin")
    page.goto("/bodies/platform-ecosocialist")
    page.get_by_label("Member's email").fill("hamza.karim@demo.plenary.test")
    page.get_by_label("Role").select_option("teller")
    page.get_by_role("button", name="Add to Ecosocialist platform").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ecosocialist platform")
    expect(page.locator("#members").get_by_role("button", name="Remove Hamza Karim")).to_be_visible()


def test_usable_on_a_phone(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        sign_in(page, OFFICER, DEMO_MEMBER_PASSWORD)
        page.goto("/bodies/nsc")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    finally:
        context.close()
