"""Issue 7 in the browser, the scenarios the R7 review found only as HTTP tests: a bulletin
editor refuses a document with a reason and another member reads it in the docket; a petition
reaches 20% of the membership and its page gives the count against the threshold and the base,
and the steering committee is told; a faction dissolves once its meeting has voted on every
motion put to it. The state is built over HTTP (member_api.py); the browser is for what members
do and see. Each scenario uses demo members no other browser test acts as."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta, timezone

from playwright.sync_api import Browser, Page, expect

from member_api import MemberApi
from member_pages import signed_in_page
from server.demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, PEOPLE, email_for

NAMES = [name for name, _, _ in PEOPLE]


def as_member(browser: Browser, live_server: str, name: str) -> Page:
    return signed_in_page(browser, live_server, email_for(name))


def admin_api(browser: Browser, live_server: str) -> MemberApi:
    return MemberApi(browser, live_server, DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD)


def nsc_member(admin: MemberApi) -> str:
    """A member of the National Steering Committee (the demo's bulletin committee here)."""
    return admin.body("nsc")["members"][0]["member"]["name"]


def test_an_editor_refuses_a_document_and_members_read_the_reason_in_the_docket(browser, live_server):
    admin = admin_api(browser, live_server)
    deadline = (datetime.now(timezone.utc) + timedelta(days=3)).isoformat()
    issue = admin.call("POST", "/api/v1/bulletin", {"body": "nmm", "title": "Pre-conference bulletin (browser)",
                                                     "deadline": deadline, "editors": "nsc"}, expect=201)
    editor_name = nsc_member(admin)
    admin.close()

    author = as_member(browser, live_server, NAMES[35])
    author.goto(f"/bulletin/{issue['id']}")
    author.get_by_label("Title").fill("Why we should leave the renters' union")
    author.get_by_label("Text (markdown)").fill("The union has *no* democratic structures.")
    author.get_by_role("button", name="Submit", exact=True).click()
    entry = author.locator("#docket li", has_text="Why we should leave the renters' union")
    expect(entry).to_contain_text(f"{NAMES[35]}")
    expect(entry).to_contain_text("submitted")
    author.context.close()

    editor = as_member(browser, live_server, editor_name)
    editor.goto(f"/bulletin/{issue['id']}")
    reason = "It names a branch member who has not been told and cannot reply in this issue."
    entry = editor.locator("#docket li", has_text="Why we should leave the renters' union")
    entry.get_by_label("Reason for refusing (published here)").fill(reason)
    entry.get_by_role("button", name="Refuse").click()
    entry = editor.locator("#docket li", has_text="Why we should leave the renters' union")
    expect(entry).to_contain_text("refused")
    expect(entry.locator(".refusal-reason")).to_have_text(reason)
    editor.context.close()

    reader = as_member(browser, live_server, NAMES[34])
    reader.goto("/bulletin")
    reader.get_by_role("link", name="Pre-conference bulletin (browser)").click()
    entry = reader.locator("#docket li", has_text="Why we should leave the renters' union")
    expect(entry).to_contain_text(f"— {NAMES[35]}")
    expect(entry.locator(".refused-by")).to_have_text(editor_name)
    expect(entry.locator(".refusal-reason")).to_have_text(reason)
    # the reader is no editor: no refusing, and the refused text itself is not in the docket
    expect(reader.get_by_role("button", name="Refuse")).to_have_count(0)
    expect(reader.locator("#docket")).not_to_contain_text("no democratic structures")
    reader.context.close()


def test_a_petition_reaches_20_percent_and_its_page_shows_the_count_against_the_base(browser, live_server):
    opener_name = NAMES[40]
    opener = as_member(browser, live_server, opener_name)
    opener.goto("/petitions")
    opener.get_by_label("Title").fill("An extra NMM on the cleaners' strike")
    opener.get_by_label("What it asks for").fill("We ask the steering committee to convene an extra NMM.")
    opener.get_by_role("button", name="Open the petition").click()
    expect(opener.get_by_role("heading", level=1)).to_have_text("An extra NMM on the cleaners' strike")
    petition = int(re.search(r"/petitions/(\d+)", opener.url)[1])
    base_text = opener.locator("dl.facts", has_text="Base").first.inner_text()
    members, branches = map(int, re.search(r"(\d+) members and (\d+) branches when it opened on", base_text).groups())
    needed = math.ceil(members * 0.2)
    expect(opener.locator("#petition-count")).to_contain_text(f"0 of {members} members = 0.0%, threshold 20%")
    expect(opener.locator("#petition-met")).to_have_text("Not yet.")

    signers = NAMES[41:41 + needed - 1]  # all but the last signature, over HTTP
    assert len(signers) == needed - 1, "the demo has too few members for this test"
    for name in signers:
        member = MemberApi(browser, live_server, email_for(name))
        member.form(f"/petitions/{petition}/sign")
        member.close()
    opener.reload()
    expect(opener.locator("#petition-count")).to_contain_text(f"{needed - 1} of {members} members")
    expect(opener.locator("#petition-count")).to_contain_text("not met")

    opener.get_by_role("button", name="Sign", exact=True).click()
    count = opener.locator("#petition-count")
    expect(count).to_contain_text(f"{needed} of {members} members = {100 * needed / members:.1f}%, "
                                  f"threshold 20% = {members * 0.2:g} members: met ({needed} >= {members * 0.2:g})")
    expect(count).to_contain_text(f"0 of {branches} branches")
    expect(opener.locator("dl.facts", has_text="Base").first).to_contain_text(
        f"{members} members and {branches} branches when it opened on")
    expect(opener.locator("#petition-met")).to_contain_text(
        re.compile(r"^Threshold met on \d{1,2} \w+ \d{4}: the steering committee must convene an additional "
                   r"National Members' Meeting by \d{1,2} \w+ \d{4} \(within 3 months\)\.$"))
    expect(opener.locator("#petition-signers li")).to_have_count(needed)
    opener.context.close()

    # the steering committee is told
    admin = admin_api(browser, live_server)
    steering = nsc_member(admin)
    admin.close()
    told = as_member(browser, live_server, steering)
    told.goto("/account/notices")
    expect(told.get_by_role("link", name="Petition met: An extra NMM on the cleaners' strike")).to_be_visible()
    told.context.close()


def test_a_faction_dissolves_once_its_meeting_has_voted(browser, live_server):
    admin = admin_api(browser, live_server)
    nmm = next(b for b in admin.call("GET", "/api/v1/bodies")["bodies"] if b["slug"] == "nmm")
    held_on = date.today() + timedelta(days=40)
    now = datetime.now(timezone.utc)
    title = "Special NMM on rent controls"
    meeting = admin.call("POST", f"/api/v1/bodies/{nmm['id']}/meetings", {
        "title": title, "held_on": held_on.isoformat(), "motions_deadline": (now + timedelta(days=10)).isoformat(),
        "amendments_deadline": (now + timedelta(days=20)).isoformat(), "supporters_needed": 0, "cac_body": ""},
        expect=201)
    admin.close()

    proposer_name, cac_name = NAMES[52], "Owen Jones"  # a CAC member of the NMM in the demo
    proposer = MemberApi(browser, live_server, email_for(proposer_name))
    faction = proposer.call("POST", "/api/v1/groupings", {
        "kind": "faction", "name": "Rent Controls Now", "meeting_id": meeting["id"],
        "purpose": "We move that the special NMM **backs rent controls**."}, expect=201)
    for name in NAMES[53:59] + NAMES[36:39]:  # nine more: ten, the demo's minimum
        signer = MemberApi(browser, live_server, email_for(name))
        signer.call("POST", f"/api/v1/groupings/{faction['id']}/signatures", expect=201)
        signer.close()
    motion = proposer.call("POST", f"/api/v1/meetings/{meeting['id']}/motions", {
        "title": "Back rent controls", "text": "This meeting backs rent controls.", "argument": ""}, expect=201)
    proposer.call("POST", f"/api/v1/motions/{motion['id']}/actions/submit", {"branch_vote": ""})
    proposer.close()
    cac_api = MemberApi(browser, live_server, email_for(cac_name))
    for action in ("admit", "schedule"):
        cac_api.call("POST", f"/api/v1/motions/{motion['id']}/actions/{action}", {})
    cac_api.close()

    member = as_member(browser, live_server, proposer_name)
    member.goto(f"/groupings/{faction['id']}")
    expect(member.locator("#formation-status")).to_have_text("10 of the 10 signatures needed: formed")
    expect(member.locator("#lifespan")).to_contain_text(f"Dissolves when {title}")
    # the CAC member has not signed: while the faction lives they may sign and join it
    cac = as_member(browser, live_server, cac_name)
    cac.goto(f"/groupings/{faction['id']}")
    expect(cac.locator("#proposal-actions").get_by_role("button", name="Sign and join")).to_be_visible()

    cac.goto(f"/motions/{motion['id']}")
    cac.get_by_label("Outcome of the vote", exact=True).select_option("carried")
    cac.get_by_label("Note (e.g. the count)").fill("For 41, against 12")
    cac.get_by_role("button", name="Record the outcome").click()
    expect(cac.get_by_role("status")).to_have_text("Outcome recorded.")
    # the meeting has voted on every motion put to it: the faction has dissolved, and nobody joins it
    cac.goto(f"/groupings/{faction['id']}")
    expect(cac.locator("#lifespan")).to_contain_text(
        re.compile(rf"^Dissolved on \d{{1,2}} \w+ \d{{4}}, when {title} \(National Members' Meeting\) voted on its "
                   r"proposals\.$"))
    expect(cac.locator("#proposal-actions").get_by_role("button")).to_have_count(0)  # no "Sign and join"
    cac.context.close()

    member.reload()
    expect(member.locator("#lifespan")).to_contain_text("Dissolved on")
    member.context.close()
