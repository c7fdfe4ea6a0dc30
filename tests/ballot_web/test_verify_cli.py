"""``plenary verify --record`` recounts a downloaded record (JSON, CSV, BLT) and reproduces the result; the
result page's hint is the full command; a tie broken by lot verifies with the seed derived at the count."""

from __future__ import annotations

import html
import json
import re
import shlex

import pytest

from ballots.canonical import sha256_hex
from server.cli import main

pytestmark = pytest.mark.parametrize("migrated", ["sqlite"], indirect=True)


async def test_downloaded_records_verify_and_a_changed_one_does_not(as_member, setup, tmp_path, capsys):
    members = [await as_member(w) for w in ("olive", "nora", "sam", "wanda", "admin")]
    olive = members[0]
    ballot = await setup(olive, kind="seats", title="Committee", candidates=["Ann", "Bob", "Cat", "Dan"], seats=2)
    receipts = {}
    for voter, ranking in zip(members, (["Bob", "Dan"], ["Bob", "Cat"], ["Dan", "Bob"], ["Cat", "Ann"], ["Dan"])):
        cast = await voter.api("POST", f"/api/v1/ballots/{ballot}/votes", {"ranking": ranking})
        receipts[cast.json()["receipt"]] = ranking
    await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})
    digest = (await olive.api("GET", f"/api/v1/ballots/{ballot}/result")).json()["ballots_digest"]
    files = {}
    for suffix in ("json", "csv", "blt"):
        files[suffix] = tmp_path / f"record.{suffix}"
        files[suffix].write_text((await olive.get(f"/ballots/{ballot}/record.{suffix}")).text, encoding="utf-8")
    mine = next(iter(receipts))  # a voter finds their own ballot in the record they verify
    assert main(["verify", "--record", str(files["json"]), "--digest", digest, "--receipt", mine.lower()]) == 0
    out = capsys.readouterr().out
    assert "IDENTICAL" in out and f"receipt {mine.lower()}: " in out
    assert f"'receipt': '{mine}'" in out and f"'ranking': {receipts[mine]!r}" in out
    assert main(["verify", "--record", str(files["json"]), "--digest", "0" * 64]) == 1  # not the published digest
    assert "ballots were changed" in capsys.readouterr().out
    for suffix in ("csv", "blt"):
        assert main(["verify", "--record", str(files[suffix]), "--spec", str(files["json"]), "--digest", digest]) == 0
    assert main(["verify", "--record", str(files["csv"])]) == 2  # no spec
    lines = files["csv"].read_text().splitlines()
    row = next(i for i, line in enumerate(lines[1:], 1) if all(line.split(",")[2:4]))
    cells = lines[row].split(",")
    cells[2], cells[3] = cells[3], cells[2]  # someone swaps a voter's first and second preference
    lines[row] = ",".join(cells)
    files["csv"].write_text("\n".join(lines) + "\n")
    capsys.readouterr()
    assert main(["verify", "--record", str(files["csv"]), "--spec", str(files["json"]), "--digest", digest]) == 1
    out = capsys.readouterr().out
    assert "DIVERGENT" in out and "ballots were changed" in out


async def test_the_result_page_gives_the_whole_command_and_a_lot_verifies(as_member, setup, tmp_path, capsys):
    """R6 #13 and #19: Ann and Bea tie, plurality breaks it by lot with the seed derived at the count from the
    spec fingerprint and the ballots digest; the record states it and the hint's own command verifies it."""
    members = [await as_member(w) for w in ("olive", "nora", "sam", "wanda")]
    olive = members[0]
    ballot = await setup(olive, kind="choice", title="Rep", candidates=["Ann", "Bea", "Cy"])
    before = (await olive.api("GET", f"/api/v1/ballots/{ballot}")).json()["spec"]
    assert before["seed"] == "" and before["seed_from_count"] is True  # nothing to foresee the lot by
    for voter, name in zip(members, ("Ann", "Bea", "Bea", "Ann")):
        assert (await voter.api("POST", f"/api/v1/ballots/{ballot}/votes", {"ranking": [name]})).status_code == 201
    await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})
    published = (await olive.api("GET", f"/api/v1/ballots/{ballot}/result")).json()
    digest, fingerprint = published["ballots_digest"], published["spec_fingerprint"]
    text = (await olive.get(f"/ballots/{ballot}/record.json")).text
    record = json.loads(text)
    assert record["count"]["seed"] == sha256_hex(fingerprint + digest)
    assert record["result"]["ties"], record["result"]  # the tie was broken by lot
    (tmp_path / f"ballot-{ballot}-record.json").write_text(text, encoding="utf-8")

    page = (await olive.get(f"/ballots/{ballot}/result")).text
    hint = re.search(r'id="recount-hint">.*?<code>(.*?)</code>', page, re.S)
    assert hint, page
    command = shlex.split(html.unescape(hint.group(1)))
    assert command[:2] == ["plenary", "verify"] and command[-2:] == ["--digest", digest]
    capsys.readouterr()
    assert main([*command[1:3], str(tmp_path / command[3]), *command[4:]]) == 0
    assert "IDENTICAL" in capsys.readouterr().out

    # a record that claims another seed (to move the lot) is refused, whatever its result says
    record["count"]["seed"] = "0" * 64
    (tmp_path / "claimed.json").write_text(json.dumps(record), encoding="utf-8")
    assert main(["verify", "--record", str(tmp_path / "claimed.json"), "--digest", digest]) == 1
    assert "the count facts state the seed for lots 0000000000000000" in capsys.readouterr().out
