"""The demo's ballots: one open ballot of every kind on the national members' meeting (so a
visitor can vote in each), and two published results with their records, round tables and
audit entries. Written as stored rows through the pure ``ballots`` code, like the demo's
motions, so the whole demo loads in one transaction; the votes of the published results are
drawn from a fixed seed, so every load gives the same results.

Two NMM members are tellers (Hannah Cohen and Isaac Boateng) for hand counts.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballots import kinds
from ballots.canonical import fingerprint as digest_of
from ballots.published_record import CountFacts, PublishedRecord, build_record, recount, write_record_json
from ballots.receipts import RecordEntry, new_receipt
from ballots.secrecy import stored_ballot
from ballots.validation import validate
from server.db.models import Ballot, BallotBoxEntry, BallotRollEntry, BallotVoted, Body, Member, Membership
from server.services import audit
from server.services.ballots import report_text

TELLERS = ("Hannah Cohen", "Isaac Boateng")
SEED = 2027
OPEN_FOR = timedelta(days=30)
NSC_CANDIDATES = ("Aisha Rahman", "Ben Okafor", "Chloe Martin", "Daniel Kowalski", "Eleanor Hughes",
                  "Farid Haddad", "Imogen Clarke", "Jamal Hussain")
NSC_WOMEN = ("Aisha Rahman", "Chloe Martin", "Eleanor Hughes", "Imogen Clarke")


def _open_specs(electorate: kinds.Electorate, timetable: kinds.Timetable) -> list[kinds.BallotSpec]:
    return [
        kinds.motion("Support the climate strike on 20 March", electorate, timetable, rule="simple", base="cast",
                     seed="demo-motion"),
        kinds.choice("Our campaign priority for 2027", ("Housing", "Wages", "Climate", "Public transport"),
                     electorate, timetable, method="irv", seed="demo-choice"),
        kinds.office("National Treasurer", ("Maya Patel", "Tom Fletcher", "Uma Chaudhry"), electorate, timetable,
                     method="exhaustive", seed="demo-office"),
        kinds.seats("National Steering Committee: four elected places", NSC_CANDIDATES, 4, electorate, timetable,
                    method="scotland", quotas=(kinds.QuotaRule("women", NSC_WOMEN, 2),), seed="demo-seats"),
        kinds.slate("Conference Arrangements Committee slate",
                    kinds.SlateList("Arrangements 2027", ("Grace Adeyemi", "Liam Walsh", "Owen Jones")),
                    electorate, timetable, strike_share="1/2", seed="demo-slate"),
        kinds.slates("Editorial board: choose a slate",
                     (kinds.SlateList("Red Pages", ("Katie O'Brien", "Rory MacLeod")),
                      kinds.SlateList("New Voices", ("Sophie Turner", "Victor Mensah"))),
                     electorate, timetable, method="plurality", seed="demo-slates"),
    ]


def _hand_count_spec(electorate: kinds.Electorate, timetable: kinds.Timetable) -> kinds.BallotSpec:
    return kinds.motion("Solidarity with the cleaners' strike (show of hands)", electorate, timetable,
                        rule="simple", base="cast", seed="demo-hands")


def _published_specs(electorate: kinds.Electorate, timetable: kinds.Timetable) -> list[kinds.BallotSpec]:
    return [
        kinds.office("National Secretary (2026)", ("Grace Adeyemi", "Liam Walsh", "Owen Jones", "Priya Sharma"),
                     electorate, timetable, method="irv", seed="demo-secretary"),
        kinds.seats("Disputes panel (2026): three places", ("Rachel Stewart", "Samuel Osei", "Tara Singh",
                                                            "Usman Sheikh", "Valerie Brooks"), 3,
                    electorate, timetable, method="scotland", seed="demo-panel"),
    ]


def _random_paper(spec: kinds.BallotSpec, draw: random.Random) -> dict:
    place = {name: index for index, name in enumerate(spec.standing)}
    # a leaning: earlier names are more popular, so the count has a shape, with some variety
    names = sorted(spec.standing, key=lambda n: draw.random() * (1 + place[n] * 0.6))
    return {"ranking": names[:draw.randint(1, len(names))]}


async def load_demo_ballots(db: AsyncSession) -> None:
    nmm = (await db.execute(select(Body).where(Body.slug == "nmm"))).scalar_one()
    members = list((await db.execute(select(Member).order_by(Member.id))).scalars())
    voters = [m for m in members if not m.is_site_admin]
    for membership in (await db.execute(select(Membership).join(Member).where(
            Membership.body_id == nmm.id, Member.name.in_(TELLERS)))).scalars():
        membership.role = "teller"
    weights = {m.id: 1 for m in members}
    electorate = kinds.Electorate(len(weights), len(weights), kinds.roll_digest((str(m), w) for m, w in weights.items()))
    now = datetime.now(timezone.utc).replace(microsecond=0)
    current = kinds.Timetable(kinds.utc_text(now - timedelta(hours=1)), kinds.utc_text(now + OPEN_FOR))
    past = kinds.Timetable("2026-10-01T09:00:00Z", "2026-10-08T17:00:00Z")
    for spec in _open_specs(electorate, current):
        await _store(db, nmm, spec, weights, "open", now - timedelta(hours=1), now + OPEN_FOR)
    hands = _hand_count_spec(electorate, current)
    ballot = await _store(db, nmm, hands, weights, "draft", now - timedelta(hours=1), now + OPEN_FOR)
    ballot.by_hand, ballot.fingerprint = True, None
    draw = random.Random(SEED)
    for spec in _published_specs(electorate, past):
        ballot = await _store(db, nmm, spec, weights, "open", datetime(2026, 10, 1, 9, tzinfo=timezone.utc),
                              datetime(2026, 10, 8, 17, tzinfo=timezone.utc))
        entries = []
        taken: set[str] = set()
        for voter in draw.sample(voters, k=len(voters) * 4 // 5):
            contents = validate(spec, _random_paper(spec, draw))
            receipt = new_receipt(taken, choose=draw.choice)
            taken.add(receipt)
            paper = stored_ballot(contents, receipt)
            db.add(BallotVoted(ballot_id=ballot.id, member_id=voter.id))
            db.add(BallotBoxEntry(id=f"{draw.getrandbits(128):032x}", ballot_id=ballot.id, receipt=paper.receipt,
                                  contents=paper.contents))
            entries.append(RecordEntry(receipt, contents))
        ballot.voted = len(entries)
        await db.flush()
        await audit.record(db, "ballot.close", {"ballot": str(ballot.id), "reason": "timetable",
                                                "turnout": f"{len(entries)} of {len(weights)}"})
        outcome = recount(PublishedRecord(spec, tuple(entries)))
        record = build_record(spec, entries, CountFacts(), result=outcome)
        ballot.state, ballot.close_reason = "published", "timetable"
        ballot.record, ballot.report, ballot.ballots_digest = write_record_json(record), report_text(outcome), \
            record.ballots_digest
        await audit.record(db, "ballot.count", {"ballot": str(ballot.id), "ballots_digest": record.ballots_digest})
        head = await audit.record(db, "ballot.publish", {"ballot": str(ballot.id), "ballots_digest":
                                                         record.ballots_digest, "result": digest_of(record.result)})
        ballot.audit_head = head.hash


async def _store(db: AsyncSession, body: Body, spec: kinds.BallotSpec, weights: dict[int, int], state: str,
                 opens: datetime, closes: datetime) -> Ballot:
    ballot = Ballot(body_id=body.id, kind=spec.kind, title=spec.title, spec=spec.canonical_json(),
                    fingerprint=spec.fingerprint(), state=state, by_hand=False, opens_at=opens, closes_at=closes,
                    close_reason="", voted=0)
    db.add(ballot)
    await db.flush()
    db.add_all([BallotRollEntry(ballot_id=ballot.id, member_id=m, weight=w) for m, w in weights.items()])
    await audit.record(db, "ballot.create", {"ballot": str(ballot.id), "spec_fingerprint": spec.fingerprint()})
    await audit.record(db, "ballot.open", {"ballot": str(ballot.id), "spec_fingerprint": spec.fingerprint(),
                                           "roll_digest": spec.electorate.roll_digest})
    return ballot
