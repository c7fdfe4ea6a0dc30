"""The demo organisation, shaped on DOMAIN.md: a national members' meeting everyone
belongs to, a steering committee with three officers elected individually and five
seats elected as a group, four branches, two caucuses, a fraction, a faction of exactly
ten, a platform and a complaints group nobody on the steering committee sits on.

Everything is deterministic (same names, same memberships, same passwords) so the
README can name the sign-in details.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select

from server.auth.passwords import hash_password
from server.db.engine import make_engine, make_sessionmaker
from server.db.models import Base, Body, Holding, Member, MemberIdentity, Membership, Position
from server.demo_ballots import load_demo_ballots
from server.demo_groupings import load_demo_groupings
from server.demo_motions import load_demo_motions
from server.settings import Settings

DEMO_DOMAIN = "demo.plenary.test"
DEMO_ADMIN_EMAIL = f"admin@{DEMO_DOMAIN}"
DEMO_ADMIN_PASSWORD = "plenary-admin-demo"
DEMO_MEMBER_PASSWORD = "plenary-member-demo"
WOMAN = "woman"
OF_COLOUR = "member of colour"
TERM_START = date(2026, 1, 17)

#: (name, identifies as a woman, identifies as a member of colour)
PEOPLE: tuple[tuple[str, bool, bool], ...] = (
    ("Aisha Rahman", True, True), ("Ben Okafor", False, True), ("Chloe Martin", True, False),
    ("Daniel Kowalski", False, False), ("Eleanor Hughes", True, False), ("Farid Haddad", False, True),
    ("Grace Adeyemi", True, True), ("Harry Thompson", False, False), ("Imogen Clarke", True, False),
    ("Jamal Hussain", False, True), ("Katie O'Brien", True, False), ("Liam Walsh", False, False),
    ("Maya Patel", True, True), ("Nathan Green", False, False), ("Olivia Bennett", True, False),
    ("Priya Sharma", True, True), ("Rory MacLeod", False, False), ("Sophie Turner", True, False),
    ("Tom Fletcher", False, False), ("Uma Chaudhry", True, True), ("Victor Mensah", False, True),
    ("Wendy Li", True, True), ("Xavier Dubois", False, False), ("Yasmin Ali", True, True),
    ("Zoe Campbell", True, False), ("Adam Novak", False, False), ("Bethan Price", True, False),
    ("Callum Reid", False, False), ("Deborah Asante", True, True), ("Euan Fraser", False, False),
    ("Fatima Begum", True, True), ("George Evans", False, False), ("Hannah Cohen", True, False),
    ("Isaac Boateng", False, True), ("Jess Morgan", True, False), ("Kieran Doyle", False, False),
    ("Laura Sánchez", True, True), ("Mohammed Iqbal", False, True), ("Niamh Kelly", True, False),
    ("Owen Jones", False, False), ("Paula Nowak", True, False), ("Qasim Malik", False, True),
    ("Rachel Stewart", True, False), ("Samuel Osei", False, True), ("Tara Singh", True, True),
    ("Usman Sheikh", False, True), ("Valerie Brooks", True, False), ("William Ford", False, False),
    ("Yusuf Demir", False, True), ("Zainab Yusuf", True, True), ("Alice Murray", True, False),
    ("Bilal Chowdhury", False, True), ("Catriona Ross", True, False), ("Dev Mistry", False, True),
    ("Emma Wright", True, False), ("Felix Wagner", False, False), ("Gemma Lloyd", True, False),
    ("Hamza Karim", False, True), ("Isla Robertson", True, False),
)
BRANCHES = ("London", "Manchester", "Glasgow", "Bristol")


@dataclass(frozen=True)
class DemoSummary:
    members: int
    bodies: int
    sample_email: str
    officer_email: str

    def __str__(self) -> str:
        return (f"{self.members} members and {self.bodies} bodies loaded; "
                f"{self.officer_email} is an officer of the London branch")


def email_for(name: str) -> str:
    local = "".join(c for c in name.lower().replace(" ", ".") if c.isalnum() or c == ".")
    return f"{local.replace('á', 'a')}@{DEMO_DOMAIN}"


async def load_demo(settings: Settings, *, if_missing: bool = False) -> DemoSummary | None:
    engine = make_engine(settings)
    try:
        async with make_sessionmaker(engine)() as db:
            if if_missing and (await db.execute(select(func.count(Member.id)))).scalar_one():
                return None
            for table in reversed(Base.metadata.sorted_tables):
                await db.execute(delete(table))
            summary = _build(db, settings)
            await db.flush()
            await load_demo_motions(db)
            await load_demo_ballots(db)
            await load_demo_groupings(db)
            await db.commit()
            return summary
    finally:
        await engine.dispose()


def _build(db, settings: Settings) -> DemoSummary:
    # two hashes at full production cost; each demo member shares the member hash
    member_hash = hash_password(settings, DEMO_MEMBER_PASSWORD)
    admin_hash = hash_password(settings, DEMO_ADMIN_PASSWORD)
    rng = random.Random(2013)  # fixed: the demo is the same on every machine

    def body(slug: str, name: str, kind: str, parent: Body | None = None, description: str = "") -> Body:
        made = Body(slug=slug, name=name, kind=kind, parent=parent, description=description)
        db.add(made)
        return made

    nmm = body("nmm", "National Members' Meeting", "national_members_meeting",
               description="The sovereign body: every member may attend and vote.")
    nsc = body("nsc", "National Steering Committee", "steering_committee", nmm,
               "Two delegates from each branch, one from each caucus and fraction, eight elected at the NMM.")
    branches = [body(f"branch-{n.lower()}", f"{n} branch", "branch", nmm) for n in BRANCHES]
    women = body("caucus-women", "Women's caucus", "caucus", nmm)
    colour = body("caucus-colour", "Members of colour caucus", "caucus", nmm)
    fraction = body("fraction-housing", "Housing campaign fraction", "fraction", nmm,
                    "Members active in the renters' union campaign.")
    faction = body("faction-democracy", "Democracy Now faction", "faction", nmm,
                   "Proposes individual elections, term limits and secret ballots for the NSC.")
    platform = body("platform-ecosocialist", "Ecosocialist platform", "platform", nmm)
    complaints = body("complaints-group", "Complaints Group", "complaints_group", nmm,
                      "Elected by the NMM, independent of the NSC; its work is confidential.")

    admin = Member(name="Sam Admin", email=DEMO_ADMIN_EMAIL, email_key=DEMO_ADMIN_EMAIL,
                   password_hash=admin_hash, is_site_admin=True, session_version=1)
    db.add(admin)
    people: list[tuple[Member, bool, bool]] = []
    for name, is_woman, of_colour in PEOPLE:
        email = email_for(name)
        member = Member(name=name, email=email, email_key=email.lower(), password_hash=member_hash,
                        is_site_admin=False, session_version=1)
        member.identities = ([MemberIdentity(tag=WOMAN)] if is_woman else []) + (
            [MemberIdentity(tag=OF_COLOUR)] if of_colour else [])
        db.add(member)
        people.append((member, is_woman, of_colour))

    def join(member: Member, to: Body, role: str = "member") -> None:
        db.add(Membership(member=member, body=to, role=role))

    everyone = [admin] + [p[0] for p in people]
    for member in everyone:
        join(member, nmm)
    # branches: members in turn, the first two of each branch its officers
    by_branch: dict[int, list[Member]] = {i: [] for i in range(len(branches))}
    for index, (member, _w, _c) in enumerate(people):
        by_branch[index % len(branches)].append(member)
    for i, branch in enumerate(branches):
        for position_in_branch, member in enumerate(by_branch[i]):
            join(member, branch, "officer" if position_in_branch < 2 else "member")
    women_members = [m for m, is_woman, _ in people if is_woman]
    colour_members = [m for m, _, of_colour in people if of_colour]
    for i, member in enumerate(women_members):
        join(member, women, "officer" if i == 0 else "member")
    for i, member in enumerate(colour_members):
        join(member, colour, "officer" if i == 0 else "member")
    shuffled = [p[0] for p in people]
    rng.shuffle(shuffled)
    for i, member in enumerate(shuffled[:9]):
        join(member, fraction, "officer" if i == 0 else "member")
    for member in shuffled[9:19]:  # DOMAIN: a faction is ten or more members; the demo has exactly ten
        join(member, faction)
    for member in shuffled[19:31]:
        join(member, platform)

    # NSC: three officers elected individually and five as a group, all by the NMM;
    # of the eight, at least four women (DOMAIN's gender quota)
    elected = _nsc_elected(people)
    officer_titles = ("Convenor", "Secretary", "Treasurer")
    for title, member in zip(officer_titles, elected[:3]):
        position = Position(body=nsc, title=title, filled_by="individually", seats=1, term_months=12,
                            elected_by=nmm)
        db.add(position)
        db.add(Holding(position=position, member=member, elected_by=nmm, starts_on=TERM_START))
        join(member, nsc, "officer")
    group = Position(body=nsc, title="NMM-elected members", filled_by="group", seats=5, term_months=12,
                     elected_by=nmm)
    db.add(group)
    for member in elected[3:8]:
        db.add(Holding(position=group, member=member, elected_by=nmm, starts_on=TERM_START))
        join(member, nsc)
    on_nsc = {id(m) for m in elected}
    # branch delegates: two per branch, elected by the branch (at least one a woman)
    for i, branch in enumerate(branches):
        delegates = Position(body=nsc, title=f"{branch.name} delegates", filled_by="group", seats=2,
                             term_months=12, elected_by=branch)
        db.add(delegates)
        candidates = [m for m in by_branch[i] if id(m) not in on_nsc]
        woman = next(m for m in candidates if m in women_members)
        other = next(m for m in candidates if m is not woman)
        for member in (woman, other):
            db.add(Holding(position=delegates, member=member, elected_by=branch, starts_on=TERM_START))
            join(member, nsc)
            on_nsc.add(id(member))
    # complaints group: elected by the NMM, nobody who sits on the NSC, half women
    cg_women = [m for m in women_members if id(m) not in on_nsc][-3:]
    cg_men = [m for m, is_woman, _ in people if not is_woman and id(m) not in on_nsc][-3:]
    cg_position = Position(body=complaints, title="Complaints Group members", filled_by="group", seats=6,
                           term_months=12, elected_by=nmm)
    db.add(cg_position)
    for member in cg_women + cg_men:
        join(member, complaints)
        db.add(Holding(position=cg_position, member=member, elected_by=nmm, starts_on=TERM_START))
    london_officer = by_branch[0][0]
    bodies = 2 + len(branches) + 6
    return DemoSummary(members=len(everyone), bodies=bodies, sample_email=email_for(PEOPLE[0][0]),
                       officer_email=london_officer.email)


def _nsc_elected(people: list[tuple[Member, bool, bool]]) -> list[Member]:
    """Eight members for the NMM-elected NSC places, four of them women."""
    women = [m for m, is_woman, _ in people if is_woman]
    men = [m for m, is_woman, _ in people if not is_woman]
    return [women[1], men[1], women[3], men[3], women[5], men[5], women[7], men[7]]
