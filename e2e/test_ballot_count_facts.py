"""The count facts the CAC records after a ballot opens, in the browser: a candidate withdrawn from an open
election (every voter sees it and the ranking no longer offers them), and the chair's casting vote on a
tied motion, which publishes the result. Each ballot is set up here, on the NMM, so the demo's ballots the
other browser tests vote in stay as they are."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect

from member_api import MemberApi
from member_pages import signed_in_page
from server.demo import email_for

CAC = "Grace Adeyemi"  # on the NMM's CAC in the demo
VOTERS = ("Harry Thompson", "Nathan Green", "Priya Sharma")  # no other browser test signs in as them


def _ballot(api: MemberApi, nmm: int, **fields) -> int:
    now = datetime.now(timezone.utc)
    ballot = api.call("POST", f"/api/v1/bodies/{nmm}/ballots", {
        "opens": (now + timedelta(hours=1)).isoformat(), "closes": (now + timedelta(hours=3)).isoformat(),
        **fields}, expect=201)["id"]
    api.call("POST", f"/api/v1/ballots/{ballot}/actions/open", {})
    return ballot


def test_a_withdrawn_candidate_and_the_chairs_casting_vote(browser, live_server):
    runner = MemberApi(browser, live_server, email_for(CAC))
    nmm = runner.body("nmm")["id"]
    election = _ballot(runner, nmm, kind="office", title="Minutes secretary (count facts test)", method="irv",
                       candidates=["Ann Abbott", "Bea Brown", "Cal Carter"])

    chair = signed_in_page(browser, live_server, email_for(CAC))
    chair.goto(f"/ballots/{election}")
    chair.get_by_label("Who withdraws").select_option("Cal Carter")
    chair.get_by_label("Reason (every voter sees it)").fill("Elected treasurer this morning")
    chair.get_by_role("button", name="Withdraw", exact=True).click()
    expect(chair.get_by_role("status")).to_contain_text("The withdrawal is recorded")

    voter = signed_in_page(browser, live_server, email_for(VOTERS[0]))
    voter.goto(f"/ballots/{election}")
    expect(voter.locator(".withdrawals")).to_contain_text("Cal Carter has withdrawn: Elected treasurer this morning")
    expect(voter.get_by_role("button", name="Rank Cal Carter number 1")).to_have_count(0)
    voter.get_by_role("button", name="Rank Bea Brown number 1").click()
    voter.get_by_role("button", name="Rank Ann Abbott number 2").click()
    voter.get_by_role("button", name="Cast my vote").click()
    expect(voter.get_by_role("heading", level=1)).to_have_text("Your vote is recorded")
    expect(voter.locator(".cast-ranking li")).to_have_text(["Bea Brown", "Ann Abbott"])

    motion = _ballot(runner, nmm, kind="motion", title="Hold the next meeting online (count facts test)")
    for name, choice in zip(VOTERS[1:], ("yes", "no")):
        member = MemberApi(browser, live_server, email_for(name))
        member.call("POST", f"/api/v1/ballots/{motion}/votes", {"choice": choice}, expect=201)
        member.close()
    chair.goto(f"/ballots/{motion}")
    chair.get_by_role("button", name="Close voting now and count").click()
    expect(chair.get_by_role("status")).to_have_text(
        "Voting closed. The vote is tied: the result waits for the chair's casting vote.")
    expect(chair.locator(".notice").filter(has_text="Voting has closed.")).to_contain_text(
        "Tied: 1 for, 1 against, 0 abstentions")
    chair.get_by_label("For: the motion is carried").check()
    chair.get_by_label("Reason (published with the result)").fill("Standing order 12")
    chair.get_by_role("button", name="Record the casting vote and publish").click()
    expect(chair.get_by_role("status")).to_have_text("The casting vote is recorded and the result published.")
    chair.get_by_role("link", name="See the result").click()
    expect(chair.locator("main")).to_contain_text("tie decided by the chair's casting vote (yes)")
    record = chair.request.get(f"/ballots/{motion}/record.json").json()
    assert record["count"]["casting_vote"] == "yes" and record["result"]["outcome"] == "carried"
    runner.close()
