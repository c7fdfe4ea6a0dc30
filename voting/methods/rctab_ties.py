"""RCTab's tie-break modes, reproduced draw for draw.

RCTab (BrightSpots/rcv, ``Tiebreak.java``) sorts the tied candidates, then
resolves the tie by one of its ``tiebreakMode`` settings. Its random modes draw
from ``java.util.Random`` seeded with the contest's ``randomSeed``, one
generator per tabulation, so :class:`JavaRandom` reproduces that generator bit
for bit (the 48-bit linear congruential generator the Java specification
defines). ``previousRoundCountsThenRandom`` narrows the tie through a Java
``HashSet``, whose iteration order decides which candidate the random index
picks; :func:`java_hash_set_order` reproduces that order.
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

from voting.ballot import BallotError
from voting.methods import rctab_rules as R
from voting.record import TieBreak

_MULTIPLIER = 0x5DEECE66D
_MASK = (1 << 48) - 1


class JavaRandom:
    """java.util.Random: same seed, same sequence as RCTab's JVM."""

    def __init__(self, seed: int) -> None:
        self._seed = (seed ^ _MULTIPLIER) & _MASK

    def _next(self, bits: int) -> int:
        self._seed = (self._seed * _MULTIPLIER + 0xB) & _MASK
        value = self._seed >> (48 - bits)
        # Java returns a signed int
        return value - (1 << 32) if value >= 1 << 31 else value

    def next_double(self) -> float:
        return ((self._next(26) << 27) + self._next(27)) * (1.0 / (1 << 53))

    def next_int(self, bound: int) -> int:
        if bound <= 0:
            raise ValueError("bound must be positive")
        r = self._next(31)
        m = bound - 1
        if bound & m == 0:
            return (bound * r) >> 31
        u = r
        while True:
            r = u % bound
            if _to_int32(u - r + m) >= 0:
                return r
            u = self._next(31)

    def shuffle(self, items: list[str]) -> None:
        """Collections.shuffle(list, random)."""
        for i in range(len(items), 1, -1):
            j = self.next_int(i)
            items[i - 1], items[j] = items[j], items[i - 1]


def _to_int32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >= 1 << 31 else value


def java_sort_key(text: str) -> bytes:
    """Java's String.compareTo order: by UTF-16 code units (differs from code points above U+FFFF)."""
    return text.encode("utf-16-be")


def java_string_hash(text: str) -> int:
    """String.hashCode over UTF-16 code units, as a signed 32-bit int."""
    h = 0
    data = text.encode("utf-16-le")
    for i in range(0, len(data), 2):
        h = (31 * h + (data[i] | data[i + 1] << 8)) & 0xFFFFFFFF
    return _to_int32(h)


def java_hash_set_order(items: Sequence[str]) -> list[str]:
    """Iteration order of ``new HashSet<>(items)`` on a standard JVM (Java 8 or later)."""
    wanted = max(int(len(items) / 0.75) + 1, 16)
    buckets = 1
    while buckets < wanted:
        buckets <<= 1
    slots: dict[int, list[str]] = {}
    for item in items:
        h = java_string_hash(item) & 0xFFFFFFFF
        index = (h ^ (h >> 16)) & (buckets - 1)
        bucket = slots.setdefault(index, [])
        if item not in bucket:
            bucket.append(item)
    return [item for index in sorted(slots) for item in slots[index]]


#: round number -> {candidate: tally}; the counts the previous-rounds rule looks back through.
TallyHistory = Mapping[int, Mapping[str, int]]


def narrow_by_earlier_rounds(
    candidates: list[str],
    selecting_winner: bool,
    round_number: int,
    history: TallyHistory,
    describe: Callable[[int], str],
    purpose: str,
    order: Callable[[list[str]], list[str]] = list,
) -> tuple[TieBreak | None, list[str]]:
    """The previous-rounds rule, shared by RCTab's modes and Plenary's IRV.

    Walking back from the round before ``round_number``, keep the tied candidates
    with the most (``selecting_winner``) or fewest votes there. Returns the
    TieBreak once one is left, else None and those still tied after round 1, in
    the ``order`` the rule iterates them.
    """
    in_contention = candidates
    for earlier in range(round_number - 1, 0, -1):
        counts = history[earlier]
        ordered = order(in_contention)
        target = max(counts[c] for c in ordered) if selecting_winner else min(counts[c] for c in ordered)
        in_contention = [c for c in ordered if counts[c] == target]
        if len(in_contention) == 1:
            most = "most" if selecting_winner else "fewest"
            decided = TieBreak(round_number, purpose, candidates, in_contention[0], "previous_rounds",
                               f"{in_contention[0]} had the {most} votes ({describe(target)}) in round {earlier}")
            return decided, in_contention
    return None, in_contention


class RctabTieBreaker:
    """One tabulation's tie-breaker: RCTab's mode, its generator and its permutation."""

    def __init__(self, rules: R.RctabRules, candidate_order: Sequence[str]) -> None:
        self.mode = rules.tiebreak_mode
        self.seed = rules.random_seed
        self._operator_choices = list(rules.operator_choices)
        # Tabulator.tabulate: one generator per tabulation, created before any draw.
        self._random = JavaRandom(rules.random_seed) if self.mode in R.SEEDED_TIEBREAK_MODES else None
        self.permutation = list(candidate_order)
        if self.mode == R.TIEBREAK_GENERATE_PERMUTATION:
            assert self._random is not None
            self.permutation.sort(key=java_sort_key)
            self._random.shuffle(self.permutation)

    def choose(
        self,
        tied: Sequence[str],
        selecting_winner: bool,
        round_number: int,
        history: TallyHistory,
        describe: Callable[[int], str],
    ) -> TieBreak:
        """Pick the winner (or loser) among ``tied``; Tiebreak.selectCandidate."""
        candidates = sorted(tied, key=java_sort_key)  # "sort tied candidates for reproducibility"
        purpose = "elect" if selecting_winner else "eliminate"
        if self.mode == R.TIEBREAK_RANDOM:
            chosen = self._draw(candidates)
            return TieBreak(round_number, purpose, candidates, chosen, "lot",
                            f"java.util.Random with seed {self.seed}")
        if self.mode in (R.TIEBREAK_CANDIDATE_ORDER, R.TIEBREAK_GENERATE_PERMUTATION):
            order = self.permutation if selecting_winner else list(reversed(self.permutation))
            chosen = next(name for name in order if name in candidates)
            return TieBreak(round_number, purpose, candidates, chosen, "candidate_order",
                            f"{'earliest' if selecting_winner else 'latest'} in the permutation "
                            f"{', '.join(self.permutation)}")
        if self.mode == R.TIEBREAK_STOP_AND_ASK:
            chosen = self._ask(candidates)
            return TieBreak(round_number, purpose, candidates, chosen, "operator", "chosen by the operator")
        # previousRoundCounts modes: buildTallyToCandidates iterates a HashSet of the candidates still tied
        decided, in_contention = narrow_by_earlier_rounds(candidates, selecting_winner, round_number, history,
                                                          describe, purpose, order=java_hash_set_order)
        if decided is not None:
            return decided
        if self.mode == R.TIEBREAK_PREVIOUS_ROUNDS_THEN_ASK:
            chosen = self._ask(in_contention)
            return TieBreak(round_number, purpose, candidates, chosen, "operator",
                            f"still tied in every earlier round among {', '.join(in_contention)}; "
                            "chosen by the operator")
        chosen = self._draw(in_contention)
        return TieBreak(round_number, purpose, candidates, chosen, "lot",
                        f"still tied in every earlier round among {', '.join(in_contention)}; "
                        f"java.util.Random with seed {self.seed}")

    def _draw(self, candidates: Sequence[str]) -> str:
        assert self._random is not None
        return candidates[int(self._random.next_double() * len(candidates))]

    def _ask(self, candidates: Sequence[str]) -> str:
        if not self._operator_choices:
            raise BallotError(
                f"tie among {', '.join(candidates)} needs an operator's choice "
                f"(tiebreakMode {self.mode}); give it in the rules' operator_choices"
            )
        chosen = self._operator_choices.pop(0)
        if chosen not in candidates:
            raise BallotError(f"operator chose {chosen!r}, who is not among the tied {', '.join(candidates)}")
        return chosen
