"""The demo's faction, circulated document and petition load and show (both databases)."""

from __future__ import annotations

import httpx

from server.demo import DEMO_MEMBER_PASSWORD, load_demo


async def test_the_demo_has_a_formed_faction_a_circulated_document_and_a_petition(app, settings, h):
    await load_demo(settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        await h.signed_in_token(http, "sophie.turner@demo.plenary.test", DEMO_MEMBER_PASSWORD)
        groupings = (await http.get("/api/v1/groupings")).json()["groupings"]
        [faction] = [g for g in groupings if g["name"] == "Democracy Now faction"]
        assert faction["status"] == "10 of the 10 signatures needed: formed"
        assert faction["lifespan"].startswith("Dissolves when Annual Conference 2027")
        listing = await http.get("/groupings")
        assert "Why elect the NSC individually" in listing.text
        usage = await http.get("/groupings/allowance")
        assert "Democracy Now faction" in usage.text
        petitions = await http.get("/petitions")
        assert "5 of 60 members = 8.3%, threshold 20% = 12 members: not met" in petitions.text
