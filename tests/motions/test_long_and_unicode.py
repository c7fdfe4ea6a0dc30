"""Unicode motions and very long ones (50,000 words) through the whole path: save,
diff, amend, carry, and the page."""

from __future__ import annotations

import time

UNICODE_TEXT = ("Ce congrès soutient les grévistes 🚩 et appelle à la solidarité.\n\n"
                "我们支持罢工的工人。\n\nنحن نتضامن مع العمال المضربين.\n")


async def test_unicode_motion_amended_and_diffed(as_member, agenda, steps):
    nora, olive, sam = [await as_member(w) for w in ("nora", "olive", "sam")]
    motion = await steps.admitted(nora, olive, sam, title="Solidarité ✊🏽 团结", text=UNICODE_TEXT)
    first = await steps.amend(sam, motion, operation="replace", passage="grévistes 🚩",
                              replacement="travailleuses et travailleurs en grève ✊🏽")
    second = await steps.amend(sam, motion, operation="insert_after", passage="نتضامن", replacement="جميعا")
    third = await steps.amend(sam, motion, operation="delete", passage="les grévistes")
    listed = (await sam.get(f"/api/v1/motions/{motion}/amendments")).json()["amendments"]
    assert {a["number"]: a["conflicts_with"] for a in listed} == {1: [3], 2: [], 3: [1]}
    for amendment in (first, second, third):
        await steps.admit_amendment(olive, nora, amendment["id"])
    await steps.act(olive, motion, "schedule")
    await steps.amendment_act(olive, first["id"], "outcome", outcome="carried")
    await steps.amendment_act(olive, second["id"], "outcome", outcome="carried")
    text = (await sam.get(f"/api/v1/motions/{motion}")).json()["current_version"]["text"]
    assert "les travailleuses et travailleurs en grève ✊🏽 et appelle" in text and "نتضامن جميعا مع" in text
    assert (await sam.get(f"/api/v1/amendments/{third['id']}")).json()["state"] == "not_applicable"
    diff = (await sam.get(f"/api/v1/motions/{motion}/diff?from=1&to=3")).json()["inline_html"]
    assert "<ins>جميعا" in diff or "جميعا</ins>" in diff
    page = await sam.get(f"/motions/{motion}")
    assert page.status_code == 200 and "Solidarité ✊🏽 团结" in page.text


async def test_a_50000_word_motion(as_member, agenda, steps):
    nora, olive, sam = [await as_member(w) for w in ("nora", "olive", "sam")]
    paragraphs = [" ".join(f"word{(p * 100 + i) % 4999}" for i in range(100)) + "." for p in range(500)]
    text = "\n\n".join(paragraphs) + "\n\nThe end of a very long motion.\n"
    assert len(text.split()) > 50_000
    started = time.perf_counter()
    motion = await steps.draft(nora, text=text)
    edited = text.replace("word17 ", "changed17 ", 3) + "\n\nOne more paragraph.\n"
    saved = await nora.api("PUT", f"/api/v1/motions/{motion}", {"title": "Long", "text": edited, "base_version": 1})
    assert saved.status_code == 200
    diff = (await nora.get(f"/api/v1/motions/{motion}/diff?from=1&to=2")).json()["inline_html"]
    assert diff.count("<ins>changed17</ins>") == 3 and "One more paragraph." in diff
    await steps.act(nora, motion, "submit")
    await steps.act(sam, motion, "support")
    await steps.act(olive, motion, "admit")
    amendment = await steps.amend(sam, motion, operation="replace", passage="a very long motion",
                                  replacement="an amended long motion")
    clause = await steps.amend(sam, motion, operation="add_clause", replacement="A new last clause.")
    for made in (amendment, clause):
        await steps.admit_amendment(olive, nora, made["id"])
    await steps.act(olive, motion, "schedule")
    await steps.amendment_act(olive, amendment["id"], "outcome", outcome="carried")
    await steps.amendment_act(olive, clause["id"], "outcome", outcome="carried")
    page = await sam.get(f"/motions/{motion}")
    assert page.status_code == 200 and "an amended long motion." in page.text and "A new last clause." in page.text
    assert time.perf_counter() - started < 20
