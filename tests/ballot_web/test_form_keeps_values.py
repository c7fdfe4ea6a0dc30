"""A refused form loses nothing: the ballot paper (rank boxes, answers, strike-outs, marks, the
people's boxes, the receipt) and the set-up form come back filled in as sent, with the field the
refusal names marked aria-invalid and pointing at its message (review R6 #9); so do the CAC's forms to
withdraw a candidate and give the chair's casting vote, and a mistyped motion id on the set-up form is
refused, not dropped (recheck N4, N5)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.parametrize("migrated", ["sqlite", "postgres"], indirect=True)


class _Forms(HTMLParser):
    """Each form's controls as the browser would see them: ``forms`` is a list of (action, controls),
    the controls a list of (name, value, attrs): an input's value attribute (checkboxes and radios
    None unless checked), a textarea's text, a select's selected option."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, list[tuple[str, str | None, dict]]]] = []
        self._form: list | None = None
        self._textarea: tuple[str, dict] | None = None
        self._select: tuple[str, dict] | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = []
            self.forms.append((attrs.get("action", ""), self._form))
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name") != "csrf_token":
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                self._form.append((attrs.get("name", ""), None, attrs))
            else:
                self._form.append((attrs.get("name", ""), attrs.get("value", ""), attrs))
        elif tag == "textarea":
            self._textarea, self._text = (attrs.get("name", ""), attrs), ""
        elif tag == "select":
            self._select = (attrs.get("name", ""), attrs)
        elif tag == "option" and self._select and "selected" in attrs:
            self._form.append((self._select[0], attrs.get("value", ""), self._select[1]))

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea and self._form is not None:
            self._form.append((self._textarea[0], self._text, self._textarea[1]))
            self._textarea = None
        elif tag == "select":
            self._select = None


def forms_of(html: str, action: str) -> list[list[tuple[str, str | None, dict]]]:
    parser = _Forms()
    parser.feed(html)
    return [controls for sent_to, controls in parser.forms if sent_to == action]


def form_of(html: str, action: str) -> list[tuple[str, str | None, dict]]:
    """The first form sending to ``action`` (the voter's own paper comes before a proxy's)."""
    return forms_of(html, action)[0]


def values(controls, name: str) -> list[str]:
    return [value for n, value, _ in controls if n == name and value is not None]


def flagged(controls, error_id: str) -> set[str]:
    """The names of the controls marked invalid and pointing at the message with ``error_id``."""
    return {n for n, _, attrs in controls if attrs.get("aria-invalid") == "true"
            and error_id in attrs.get("aria-describedby", "").split()}


async def test_refused_ranking_comes_back_numbered_as_sent(as_member, setup):
    olive, nora = await as_member("olive"), await as_member("nora")
    ballot = await setup(olive, kind="office", title="Chair", candidates=["Ann", "Bea", "Cal"], method="irv")
    page = await nora.post(f"/ballots/{ballot}/vote", [("rank:Ann", "1"), ("rank:Bea", "1"), ("rank:Cal", "3")])
    assert page.status_code == 400 and "Rank 1 is given twice" in page.text
    paper = form_of(page.text, f"/ballots/{ballot}/vote")
    assert [values(paper, f"rank:{name}") for name in ("Ann", "Bea", "Cal")] == [["1"], ["1"], ["3"]]
    assert flagged(paper, "ballot-error") == {"rank:Ann", "rank:Bea", "rank:Cal"}
    assert 'id="ballot-error"' in page.text
    fresh = form_of((await nora.get(f"/ballots/{ballot}")).text, f"/ballots/{ballot}/vote")
    assert values(fresh, "rank:Ann") == [""] and not flagged(fresh, "ballot-error")


async def test_refused_proxy_paper_is_filled_in_and_the_own_paper_left_alone(as_member, setup, roles):
    olive, nora, wanda = await as_member("olive"), await as_member("nora"), await as_member("wanda")
    ballot = await setup(olive, kind="office", title="Chair", candidates=["Ann", "Bea", "Cal"], method="irv",
                         proxies_allowed=True)
    appointed = await wanda.post(f"/ballots/{ballot}/proxy", proxy=roles.email("nora"))
    assert appointed.status_code == 303, appointed.text
    wanda_id = roles.members["wanda"]
    page = await nora.post(f"/ballots/{ballot}/vote", [("on_behalf_of", str(wanda_id)), ("rank:Ann", "2"),
                                                       ("rank:Bea", "2")])
    assert page.status_code == 400 and "Rank 2 is given twice" in page.text, page.text
    own, proxy = forms_of(page.text, f"/ballots/{ballot}/vote")
    assert values(proxy, "on_behalf_of") == [str(wanda_id)]
    assert [values(proxy, f"rank:{n}") for n in ("Ann", "Bea", "Cal")] == [["2"], ["2"], [""]]
    assert flagged(proxy, "ballot-error") == {"rank:Ann", "rank:Bea", "rank:Cal"}
    assert [values(own, f"rank:{n}") for n in ("Ann", "Bea", "Cal")] == [[""], [""], [""]]
    assert not flagged(own, "ballot-error")


async def test_refused_marks_come_back_ticked(as_member, setup):
    olive, nora = await as_member("olive"), await as_member("nora")
    ballot = await setup(olive, kind="seats", title="Panel", candidates=["Ann", "Bea", "Cal"], seats=2,
                         method="block")
    page = await nora.post(f"/ballots/{ballot}/vote", [("mark", "Ann"), ("mark", "Bea"), ("mark", "Cal")])
    assert page.status_code == 400, page.text
    paper = form_of(page.text, f"/ballots/{ballot}/vote")
    assert values(paper, "mark") == ["Ann", "Bea", "Cal"]
    assert flagged(paper, "ballot-error") == {"mark"}


async def test_refused_slate_paper_keeps_its_strike_outs_and_people(as_member, setup):
    olive, nora = await as_member("olive"), await as_member("nora")
    ballot = await setup(olive, kind="slate", title="Committee slate", strike_share="1/2",
                         slates=[{"name": "Unity", "members": ["Ann", "Bea", "Cal"]}])
    page = await nora.post(f"/ballots/{ballot}/vote", [("struck", "Bea")])  # no answer given
    assert page.status_code == 400, page.text
    paper = form_of(page.text, f"/ballots/{ballot}/vote")
    assert values(paper, "struck") == ["Bea"] and values(paper, "choice") == []
    assert flagged(paper, "ballot-error") == {"choice"}

    people = await setup(olive, kind="slates", title="Board", individual_preferences=True, slates=[
        {"name": "Red", "members": ["Ann", "Bea"]}, {"name": "Blue", "members": ["Cal", "Dee"]}])
    page = await nora.post(f"/ballots/{people}/vote", [("mark", "Red"), ("person:Ann", "1"), ("person:Cal", "1")])
    assert page.status_code == 400, page.text
    paper = form_of(page.text, f"/ballots/{people}/vote")
    assert values(paper, "mark") == ["Red"]
    assert [values(paper, f"person:{n}") for n in ("Ann", "Bea", "Cal", "Dee")] == [["1"], [""], ["1"], [""]]
    assert flagged(paper, "ballot-error") == {"person:Ann", "person:Bea", "person:Cal", "person:Dee"}


async def test_refused_change_keeps_the_answer_and_the_receipt(as_member, setup):
    olive, nora = await as_member("olive"), await as_member("nora")
    ballot = await setup(olive, kind="motion", title="Rule change", may_change_vote=True)
    assert (await nora.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "yes"})).status_code == 201
    wrong = "AAAA-BBBB-CCCC-DDDD"
    page = await nora.post(f"/ballots/{ballot}/vote", choice="no", previous_receipt=wrong)
    assert page.status_code == 400 and "receipt" in page.text, page.text
    paper = form_of(page.text, f"/ballots/{ballot}/vote")
    assert values(paper, "choice") == ["no"] and values(paper, "previous_receipt") == [wrong]
    assert flagged(paper, "ballot-error") == {"previous_receipt"}


async def test_refused_set_up_form_comes_back_filled_in(as_member, roles):
    olive = await as_member("olive")
    now = datetime.now(timezone.utc)
    t = {"opens": (now - timedelta(minutes=1)).isoformat(), "closes": (now + timedelta(hours=2)).isoformat()}
    sent = {"kind": "seats", "title": "Committee XYZ", "candidates": "Ann\r\nBea\r\nCat", "method": "meek",
            "seats": "2", "quotas": "women: 3: Ann, Bea", "slates": "", "strike_share": "", "rule": "two-thirds",
            "base": "entitled", "opens": t["opens"][:16], "closes": t["closes"][:16], "secret": "no",
            "roll_source": "members", "may_change_vote": "yes", "proxies_allowed": "yes", "motion_id": "",
            "amendment_id": "", "weights": "", "individual_method": ""}
    page = await olive.post("/bodies/nmm/ballots", sent)
    assert page.status_code == 400 and "quota" in page.text.lower(), page.text
    form = form_of(page.text, "/bodies/nmm/ballots")
    for name, value in sent.items():
        assert [v.replace("\r\n", "\n") for v in values(form, name)] == [value.replace("\r\n", "\n")], name
    assert values(form, "may_change_vote") == ["yes"] and values(form, "proxies_allowed") == ["yes"]
    assert values(form, "weighted") == [] and values(form, "by_hand") == []

    page = await olive.post("/bodies/nmm/ballots", {**sent, "quotas": "", "weights": f"{roles.email('nora')}: 3"})
    assert page.status_code == 400 and "Card votes need a weighted ballot" in page.text, page.text
    form = form_of(page.text, "/bodies/nmm/ballots")
    assert values(form, "weights") == [f"{roles.email('nora')}: 3"]
    assert flagged(form, "setup-error") == {"weights"}

    page = await olive.post("/bodies/nmm/ballots", {**sent, "quotas": "", "opens": "next Tuesday"})
    assert page.status_code == 400, page.text
    form = form_of(page.text, "/bodies/nmm/ballots")
    assert values(form, "opens") == ["next Tuesday"] and flagged(form, "setup-error") == {"opens"}
    blank = form_of((await olive.get("/bodies/nmm/ballots")).text, "/bodies/nmm/ballots")
    assert values(blank, "title") == [""] and values(blank, "seats") == ["1"] and not flagged(blank, "setup-error")


async def test_refused_motion_id_comes_back_marked_and_sets_nothing_up(as_member, roles):
    olive = await as_member("olive")
    now = datetime.now(timezone.utc)
    sent = {"kind": "motion", "title": "Rule change", "opens": (now + timedelta(hours=1)).isoformat()[:16],
            "closes": (now + timedelta(hours=3)).isoformat()[:16], "secret": "yes", "roll_source": "members",
            "motion_id": "abc", "amendment_id": ""}
    page = await olive.post("/bodies/nmm/ballots", sent)
    assert page.status_code == 400 and "motion_id must be the id of a motion" in page.text, page.headers
    form = form_of(page.text, "/bodies/nmm/ballots")
    assert values(form, "motion_id") == ["abc"] and values(form, "title") == ["Rule change"]
    assert flagged(form, "setup-error") == {"motion_id"}
    listed = await olive.api("GET", f"/api/v1/bodies/{roles.bodies['nmm']}/ballots")
    assert listed.json()["ballots"] == []


async def test_refused_withdrawal_keeps_who_and_why(as_member, setup):
    olive = await as_member("olive")
    ballot = await setup(olive, kind="seats", title="Panel", candidates=["Ann", "Bea", "Cal"], seats=2,
                         method="block")
    url = f"/ballots/{ballot}/withdraw-candidate"
    assert (await olive.post(url, candidate="Ann", reason="elected chair")).status_code == 303
    page = await olive.post(url, candidate="Cal", reason="moved to Leeds")  # would leave 1 for 2 seats
    assert page.status_code == 400 and "would leave 1 candidate" in page.text, page.text
    form = form_of(page.text, url)
    assert values(form, "candidate") == ["Cal"] and values(form, "reason") == ["moved to Leeds"]
    assert flagged(form, "ballot-error") == {"candidate"}
    fresh = form_of((await olive.get(f"/ballots/{ballot}")).text, url)
    assert values(fresh, "candidate") == [] and values(fresh, "reason") == [""] and not flagged(fresh, "ballot-error")


async def test_refused_casting_vote_keeps_the_choice_and_the_reason(as_member, setup):
    olive, nora = await as_member("olive"), await as_member("nora")
    ballot = await setup(olive, kind="motion", title="Tied")
    for voter, choice in ((olive, "yes"), (nora, "no")):
        assert (await voter.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": choice})).status_code == 201
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})).status_code == 200
    url = f"/ballots/{ballot}/casting-vote"
    page = await olive.post(url, casting_vote="no", reason="  ")
    assert page.status_code == 400, page.text
    form = form_of(page.text, url)
    assert values(form, "casting_vote") == ["no"] and values(form, "reason") == ["  "]
    assert flagged(form, "ballot-error") == {"reason"}  # the missing reason is what is marked
    page = await olive.post(url, casting_vote="maybe", reason="the status quo stands")
    assert page.status_code == 400, page.text
    form = form_of(page.text, url)
    assert values(form, "casting_vote") == [] and values(form, "reason") == ["the status quo stands"]
    assert flagged(form, "ballot-error") == {"casting_vote"}
    fresh = form_of((await olive.get(f"/ballots/{ballot}")).text, url)
    assert values(fresh, "casting_vote") == [] and values(fresh, "reason") == [""]
