"""Receipt codes never travel in an address (R6 #10): the lookup is a POST form (with CSRF) and a POST API;
the old GET forms look nothing up; every page showing a code is sent uncached and without a Referer.
Both databases."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.parametrize("migrated", ["sqlite", "postgres"], indirect=True)

NO_TRACE = {"cache-control": "no-store", "referrer-policy": "no-referrer"}


def untraced(response) -> bool:
    return all(response.headers.get(name) == value for name, value in NO_TRACE.items())


async def _published_motion(as_member, setup, receipt_of) -> tuple[int, str, object, object]:
    olive, nora = await as_member("olive"), await as_member("nora")
    ballot = await setup(olive, kind="motion", title="Affiliate")
    voted = await nora.post(f"/ballots/{ballot}/vote", choice="yes")
    assert voted.status_code == 200 and untraced(voted), voted.headers  # the vote's receipt page
    code = receipt_of(voted.text)
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})).status_code == 200
    return ballot, code, olive, nora


async def test_the_page_looks_a_receipt_up_by_post_only(as_member, setup, receipt_of):
    ballot, code, _olive, nora = await _published_motion(as_member, setup, receipt_of)
    form = await nora.get(f"/ballots/{ballot}/receipt")
    assert form.status_code == 200 and untraced(form)
    assert f'<form method="post" action="/ballots/{ballot}/receipt"' in form.text
    assert f'name="csrf_token" value="{nora.token}"' in form.text

    found = await nora.post(f"/ballots/{ballot}/receipt", code=code.lower().replace("-", " "))
    assert found.status_code == 200 and untraced(found)
    assert f"Ballot {code}" in found.text and "<dd>yes</dd>" in found.text

    # an address carrying the code (an old bookmark or link): not looked up, and the page says why
    old = await nora.get(f"/ballots/{ballot}/receipt", params={"code": code})
    assert old.status_code == 400 and untraced(old)
    assert f"Ballot {code}" not in old.text and "access logs" in old.text

    unknown = await nora.post(f"/ballots/{ballot}/receipt", code="2222-3333-4444-5555")
    assert unknown.status_code in (400, 404) and "Ballot 2222" not in unknown.text
    assert "receipt code" in unknown.text

    forged = await nora.http.post(f"/ballots/{ballot}/receipt", data={"code": code})  # no CSRF token
    assert forged.status_code == 403 and f"Ballot {code}" not in forged.text


async def test_the_api_takes_the_code_in_a_post_body(as_member, setup, receipt_of):
    ballot, code, olive, _nora = await _published_motion(as_member, setup, receipt_of)
    found = await olive.api("POST", f"/api/v1/ballots/{ballot}/receipts", {"code": code.lower()})
    assert found.status_code == 200 and found.headers["cache-control"] == "no-store"
    assert found.json()["receipt"] == code and found.json()["choice"] == "yes", found.json()

    missing = await olive.api("POST", f"/api/v1/ballots/{ballot}/receipts", {})
    assert missing.status_code == 400 and '{"code"' in missing.json()["error"]["message"]
    unknown = await olive.api("POST", f"/api/v1/ballots/{ballot}/receipts", {"code": "2222-3333-4444-5555"})
    assert unknown.status_code in (400, 404)

    gone = await olive.api("GET", f"/api/v1/ballots/{ballot}/receipts/{code}")
    assert gone.status_code == 410, gone.text
    message = gone.json()["error"]["message"]
    assert f"POST /api/v1/ballots/{ballot}/receipts" in message and code not in gone.text


async def test_the_vote_answer_that_carries_the_receipt_is_not_kept_by_caches(as_member, setup):
    olive, nora = await as_member("olive"), await as_member("nora")
    ballot = await setup(olive, kind="motion", title="Not kept")
    voted = await nora.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "yes"})
    assert voted.status_code == 201 and voted.json()["receipt"]
    assert voted.headers["cache-control"] == "no-store"
