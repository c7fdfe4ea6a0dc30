"""The petitions a constitution provides for, each with the threshold and the convening
period the constitution states (issue 7: "petitions with thresholds written in the
constitution").

A petitioner chooses which of these petitions they are raising; they never type its
threshold or period. (Review R7, finding 8: a petition opened as "1% of the membership,
within 1 day" was met by one signature and told the steering committee to convene a
national meeting the next day.)

DOMAIN: an extra National Members' Meeting is called "on the request of 10% of branches, or
of 20% of members by petition", with "at least two months' notice". The constitution states
no period within which such a meeting must be held; the default allows a month to call it
and the two months' notice: 3 months.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.groupings.formation import PetitionRule, parse_petition_rule


@dataclass(frozen=True)
class PetitionKind:
    """One petition the constitution provides for, addressed to bodies of ``body_kind``."""

    key: str
    #: what the petition asks for, as the form and the page name it
    name: str
    body_kind: str
    #: the constitution's threshold, read by formation.parse_petition_rule
    rule: str
    #: once met, the meeting must be held within this period
    convene_within: str
    #: the constitution's own words
    source: str

    def parsed(self) -> PetitionRule:
        return parse_petition_rule(self.rule, self.convene_within)

    def words(self) -> str:
        return f"{self.name}: {self.rule}; convened within {self.convene_within}"


ADDITIONAL_NMM = PetitionKind(
    key="additional-nmm", name="An additional National Members' Meeting", body_kind="national_members_meeting",
    rule="10% of the branches or 20% of the membership", convene_within="3 months",
    source="Additional NMMs may be convened ... at the request of 10% of the branches or 20% of the membership "
           "by petition.")

#: the IS Network constitution's petitions (shared/published-counts.json: isn-extra-nmm-petition)
DEFAULT_PETITION_KINDS: tuple[PetitionKind, ...] = (ADDITIONAL_NMM,)


def kinds_for(body_kind: str, kinds: tuple[PetitionKind, ...] = DEFAULT_PETITION_KINDS) -> tuple[PetitionKind, ...]:
    """The petitions a body of this kind can receive."""
    return tuple(kind for kind in kinds if kind.body_kind == body_kind)
