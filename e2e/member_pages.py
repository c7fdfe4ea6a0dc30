"""Signing a demo member in, in a browser context of their own (imported by the browser tests)."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from server.demo import DEMO_MEMBER_PASSWORD


def signed_in_page(browser: Browser, live_server: str, email: str, javascript: bool = True, **options) -> Page:
    """A new context signed in as ``email`` with the demo password; the home page is showing."""
    context = browser.new_context(base_url=live_server, java_script_enabled=javascript, **options)
    page = context.new_page()
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_MEMBER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    return page
