"""The whole path through the web pages: draft, co-author, submit, CAC admits, amend,
discuss, schedule, vote the amendment, and read the motion as amended."""

from __future__ import annotations

import re

MOTION_ID = re.compile(r"/motions/(\d+)")
AMENDMENT_ID = re.compile(r"/amendments/(\d+)")
TEXT = "This meeting resolves to fund the renters' union with 500 pounds."


async def new_draft(member, meeting: int, **extra) -> int:
    data = {"title": "Fund the renters' union", "shape": "text", "text": TEXT, **extra}
    response = await member.post(f"/meetings/{meeting}/motions", **data)
    assert response.status_code == 303, response.text
    return int(MOTION_ID.search(response.headers["location"]).group(1))


async def test_draft_to_as_amended(as_member, agenda):
    nora, wanda, olive, sam = [await as_member(who) for who in ("nora", "wanda", "olive", "sam")]
    motion = await new_draft(nora, agenda.meeting, argument="Rents are **rising**.")
    page = await nora.get(f"/motions/{motion}")
    assert page.status_code == 200 and "Fund the renters" in page.text and "<strong>rising</strong>" in page.text

    # a co-author is invited, sees the draft, accepts and edits it
    assert (await nora.post(f"/motions/{motion}/invite", email="wanda@example.org")).status_code == 303
    assert "Accept the invitation" in (await wanda.get(f"/motions/{motion}")).text
    assert (await wanda.post(f"/motions/{motion}/accept")).status_code == 303
    saved = await wanda.post(f"/motions/{motion}/edit", base_version="1", shape="text",
                             title="Fund the renters' union", text=TEXT.replace("500", "800"))
    assert saved.status_code == 303
    diff = await nora.get(f"/motions/{motion}/versions?from=1&to=2")
    assert "<del>500</del><ins>800</ins>" in diff.text
    side = await nora.get(f"/motions/{motion}/versions?from=1&to=2&view=side")
    assert "diff-side-by-side" in side.text and "<del>500</del>" in side.text

    # submitted: the CAC (olive) admits once the one supporter the meeting needs signs
    assert (await nora.post(f"/motions/{motion}/submit")).status_code == 303
    refused = await olive.post(f"/motions/{motion}/admit")
    assert refused.status_code == 409 and "0 of the 1 supporters" in refused.text
    assert (await sam.post(f"/motions/{motion}/support")).status_code == 303
    assert (await olive.post(f"/motions/{motion}/admit")).status_code == 303

    # sam proposes an amendment; it is admitted, discussed, and carries
    proposed = await sam.post(f"/motions/{motion}/amendments", operation="replace", passage="800 pounds",
                              occurrence="1", replacement="1,000 pounds")
    assert proposed.status_code == 303, proposed.text
    amendment = int(AMENDMENT_ID.search(proposed.headers["location"]).group(1))
    shown = await sam.get(f"/amendments/{amendment}")
    assert "<del>800 pounds</del><ins>1,000 pounds</ins>" in shown.text
    posted = await nora.post(f"/amendments/{amendment}/posts", body="We can afford **more**.", quote="800 pounds")
    assert posted.status_code == 303
    assert "<strong>more</strong>" in (await sam.get(f"/amendments/{amendment}")).text
    unsupported = await olive.post(f"/amendments/{amendment}/admit")
    assert unsupported.status_code == 409 and "0 of the 1 supporters" in unsupported.text
    assert (await nora.post(f"/amendments/{amendment}/support")).status_code == 303
    assert (await olive.post(f"/amendments/{amendment}/admit")).status_code == 303
    assert (await olive.post(f"/motions/{motion}/schedule")).status_code == 303
    early = await olive.post(f"/motions/{motion}/outcome", outcome="carried")
    assert early.status_code == 409 and "Amendments are decided before" in early.text
    assert (await olive.post(f"/amendments/{amendment}/outcome", outcome="carried")).status_code == 303
    final = await sam.get(f"/motions/{motion}")
    assert "Text as amended" in final.text and "1,000 pounds" in final.text
    assert "As amended by amendment 1" in final.text
    assert (await olive.post(f"/motions/{motion}/outcome", outcome="carried")).status_code == 303
    assert "state-carried" in (await sam.get(f"/motions/{motion}")).text
    # followers heard of it: sam posted nothing but proposed and supported, so follows
    notes = await sam.get("/notifications")
    assert "posted in the discussion of amendment 1" in notes.text and "was carried" in notes.text
