"""``plenary verify --record`` recounts a downloaded record (JSON, CSV, BLT) and reproduces the result."""

from __future__ import annotations

import pytest

from server.cli import main

pytestmark = pytest.mark.parametrize("migrated", ["sqlite"], indirect=True)


async def test_downloaded_records_verify_and_a_changed_one_does_not(as_member, setup, tmp_path, capsys):
    members = [await as_member(w) for w in ("olive", "nora", "sam", "wanda", "admin")]
    olive = members[0]
    ballot = await setup(olive, kind="seats", title="Committee", candidates=["Ann", "Bob", "Cat", "Dan"], seats=2)
    for voter, ranking in zip(members, (["Bob", "Dan"], ["Bob", "Cat"], ["Dan", "Bob"], ["Cat", "Ann"], ["Dan"])):
        await voter.api("POST", f"/api/v1/ballots/{ballot}/votes", {"ranking": ranking})
    await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})
    digest = (await olive.api("GET", f"/api/v1/ballots/{ballot}/result")).json()["ballots_digest"]
    files = {}
    for suffix in ("json", "csv", "blt"):
        files[suffix] = tmp_path / f"record.{suffix}"
        files[suffix].write_text((await olive.get(f"/ballots/{ballot}/record.{suffix}")).text, encoding="utf-8")
    receipt = (await members[1].api("POST", f"/api/v1/ballots/{await setup(olive, kind='motion', title='x')}/votes",
                                    {"choice": "yes"})).json()["receipt"]
    assert main(["verify", "--record", str(files["json"]), "--digest", digest]) == 0
    assert "IDENTICAL" in capsys.readouterr().out
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
    assert receipt
