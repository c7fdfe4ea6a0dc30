"""Steps the ballot browser tests share: a demo member signed in, a ballot of the NMM opened from its
list, a paper cast (imported by the browser tests)."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from member_pages import signed_in_page
from server.demo import email_for


def as_member(browser: Browser, live_server: str, name: str, javascript: bool = True, **options) -> Page:
    """The demo member ``name`` signed in, in a browser context of their own."""
    return signed_in_page(browser, live_server, email_for(name), javascript, **options)


def open_ballot(page: Page, title: str) -> None:
    page.goto("/bodies/nmm/ballots")
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def cast(page: Page) -> None:
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your vote is recorded")
