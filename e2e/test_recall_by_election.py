"""Issue 7 in the browser: a recall carries and opens a by-election. A member of the body that
elected a holder starts the recall from the body page; supporters, the ballot and its votes come
over HTTP (member_api.py); then a member reads the recall page, sees it carried and the post
vacated, and follows its link to the by-election with nominations open.

The demo's holders come from its setup, so the holder and their electing body are found through
the JSON API at run time: a branch-elected NSC delegate. No other browser test acts on a branch's
recalls, so this test may set that branch's own recall rules (two supporters, no notice); it acts
as none of the members the other browser tests use."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from member_api import MemberApi
from member_pages import signed_in_page
from server.demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, PEOPLE, email_for

ELECTING_BODY = "branch-bristol"  # the other browser tests act in the NMM, the NSC and the London branch
# demo members the other browser tests sign in as; none of them acts here
USED_ELSEWHERE = {"Jess Morgan", "Kieran Doyle", "Niamh Kelly", "Paula Nowak", "Rachel Stewart", "Tara Singh",
                  "Usman Sheikh", "Valerie Brooks", "William Ford", "Grace Adeyemi", "Hannah Cohen",
                  "Isaac Boateng", "Aisha Rahman", "Ben Okafor", "Chloe Martin", "Olivia Bennett", "Owen Jones",
                  "Isla Robertson", "Hamza Karim"}
USED_ELSEWHERE |= {name for name, _, _ in PEOPLE[20:30] + PEOPLE[32:60]}  # test_groupings*, test_in_place


def test_a_recall_carries_vacates_the_post_and_opens_a_by_election(browser, live_server):
    admin = MemberApi(browser, live_server, DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD)
    body = admin.body(ELECTING_BODY)
    rules = admin.call("PUT", f"/api/v1/bodies/{body['id']}/grouping-rules",
                       {"minimum_signatures": 10, "recall_supporters": 2, "recall_notice_days": 0})
    assert (rules["recall_supporters"], rules["recall_notice_days"]) == (2, 0)
    position, holding = next((p, h) for p in admin.call("GET", "/api/v1/positions")["positions"]
                             if p["elected_by"]["slug"] == ELECTING_BODY for h in p["holders"] if h["current"])
    holder = holding["member"]["name"]
    post_body = admin.call("GET", f"/api/v1/bodies/{position['body_id']}")["slug"]
    in_use = USED_ELSEWHERE | {holder}
    members = [m["member"]["name"] for m in body["members"] if m["member"]["name"] not in in_use]
    assert len(members) >= 3, f"too few free members of {body['name']} for this test: {members}"
    starter, supporter, third = members[:3]

    # in the browser, a member of the electing body starts the recall from the body page
    page = signed_in_page(browser, live_server, email_for(starter))
    page.goto(f"/bodies/{post_body}")
    page.locator(f'a[href="/holdings/{holding["id"]}/recall"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(rf"^Recall {re.escape(holder)} as {re.escape(position['title'])} of "))
    page.get_by_label("Reason").fill("Missed three steering committee meetings without telling the branch.")
    page.get_by_role("button", name="Start the recall motion").click()
    expect(page.get_by_role("status")).to_have_text("Recall motion started; you are its first supporter.")
    recall = int(re.search(r"/recalls/(\d+)", page.url)[1])
    expect(page.locator("#recall-supporters")).to_have_text(f"1 of the 2 needed: {starter}")

    # a second supporter over HTTP; the site admin (not the holder) sets up and opens the ballot
    backer = MemberApi(browser, live_server, email_for(supporter))
    backer.form(f"/recalls/{recall}/support")
    admin.form(f"/recalls/{recall}/ballot")
    state = admin.call("GET", f"/api/v1/recalls/{recall}")
    assert state["state"] == "ballot" and state["supporters"] == [starter, supporter], state
    ballot = state["ballot_id"]
    admin.call("POST", f"/api/v1/ballots/{ballot}/actions/open", {})

    # three members vote yes, the holder no
    opener = MemberApi(browser, live_server, email_for(starter))
    third_voter = MemberApi(browser, live_server, email_for(third))
    held = MemberApi(browser, live_server, email_for(holder))
    for voter in (opener, backer, third_voter):
        voter.call("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "yes"}, expect=201)
    held.call("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "no"}, expect=201)
    for voter in (opener, backer, third_voter, held):
        voter.close()
    admin.call("POST", f"/api/v1/ballots/{ballot}/actions/close", {})
    admin.form(f"/recalls/{recall}/settle")
    held_now = next(h for p in admin.call("GET", f"/api/v1/positions?body_id={position['body_id']}")["positions"]
                    for h in p["holders"] if h["id"] == holding["id"])
    assert not held_now["current"] and held_now["ends_on"], held_now
    admin.close()

    # in the browser, the member reads the result and follows the link to the by-election
    page.goto(f"/recalls/{recall}")
    expect(page.locator("#recall-state")).to_contain_text(
        re.compile(rf"^Carried: {re.escape(holder)} no longer holds the post \(ended \d{{1,2}} \w+ \d{{4}}\)\. "
                   r"A by-election is open: nominations and the election\.$"))
    page.locator("#recall-state").get_by_role("link", name="nominations and the election").click()
    expect(page).to_have_url(re.compile(r"/by-elections/\d+$"))
    expect(page.locator("dl.facts")).to_contain_text(f"{holder} was recalled")
    expect(page.locator("#by-election-nominations-close")).to_contain_text("open until")
    expect(page.get_by_role("button", name="Nominate")).to_be_visible()
    # the post is vacated: the body page no longer offers to recall the holder there
    page.goto(f"/bodies/{post_body}")
    expect(page.locator(f'a[href="/holdings/{holding["id"]}/recall"]')).to_have_count(0)
    page.context.close()
