"""Benchmark: word diffs and amendments on a 50,000-word motion with 200 amendments.

    .venv/bin/python bench/motion_text.py [--words 50000] [--amendments 200] [--no-dmp]

1. Generates (fixed seed) a motion of numbered clauses, sentences drawn from a
   Zipf-weighted vocabulary, and a second version with 200 scattered word edits.
2. Times our ``diff_words`` on the two versions (best of several runs) and the two
   renderings, and, on the same texts in the same run, two peers:
   - ``difflib.ndiff`` on the word lists (Python's standard library);
   - Google's diff-match-patch (the ``diff-match-patch`` package, pip-installed in a
     throwaway venv in a temporary folder), in its word mode: each word mapped to
     one character, ``diff_main`` with no time limit, then mapped back.
   Both figures are printed, with the ratio.
3. Times the amendment work: locating 200 amendments and finding their conflicts,
   marking each up, carrying every amendment in turn in the CAC's order (each carry
   rebases all later ones and rules out those whose words are gone), and replaying
   all those votes at once with ``proceed``.
"""

from __future__ import annotations

import argparse
import difflib
import json
import random
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from server.drafting.amendments import (  # noqa: E402
    Amendment, MotionVersion, carry, find_conflicts, forget_occurrences, locate_all, mark_up, occurrences, proceed,
)
from server.drafting.diff import apply_ops, diff_words, render_inline, render_side_by_side  # noqa: E402
from server.drafting.tokens import tokenise  # noqa: E402

SEED = 19190121
COMMON = ("the of and to a in for that is on with as by be this are at from it an will all "
          "workers union members branch conference committee pay strike ballot campaign rights "
          "national local support public services housing health safety council motion").split()

DMP_SCRIPT = r"""
import json, sys, time
from diff_match_patch import diff_match_patch
old, new = json.load(sys.stdin)
best = float("inf")
for _ in range(int(sys.argv[1])):
    start = time.perf_counter()
    codes, encode_old, encode_new = {}, [], []
    for tokens, encoded in ((old, encode_old), (new, encode_new)):
        for token in tokens:
            encoded.append(chr(0x100 + codes.setdefault(token, len(codes))))
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    diffs = dmp.diff_main("".join(encode_old), "".join(encode_new), False)
    words = {chr(0x100 + code): token for token, code in codes.items()}
    decoded = [(op, "".join(words[ch] for ch in text)) for op, text in diffs]
    best = min(best, time.perf_counter() - start)
rebuilt = "".join(text for op, text in decoded if op >= 0)
assert rebuilt == "".join(new)
print(json.dumps({"seconds": best, "ops": len(decoded)}))
"""


def generate_motion(words: int, rng: random.Random) -> str:
    """Numbered clauses of 2-6 sentences; common words plus a long tail of rarer ones."""
    vocabulary = COMMON + [f"{rng.choice('bcdfghklmnprstvw')}{rng.choice('aeiou')}{k:x}" for k in range(6000)]
    weights = [1 / (rank + 1) ** 1.05 for rank in range(len(vocabulary))]
    drawn = rng.choices(vocabulary, weights, k=words)
    clauses: list[str] = []
    at = 0
    while at < words:
        sentences = []
        for _ in range(rng.randint(2, 6)):
            length = rng.randint(8, 22)
            sentence = drawn[at:at + length]
            at += length
            if sentence:
                sentences.append(" ".join(sentence).capitalize() + rng.choice([".", ".", ";", ","]))
        clauses.append(f"{len(clauses) + 1}. " + " ".join(sentences))
    return "This conference notes the situation set out below.\n\nThis conference resolves:\n\n" + "\n".join(clauses) + "\n"


def scatter_edits(text: str, edits: int, rng: random.Random) -> str:
    words = text.split(" ")
    for _ in range(edits):
        k = rng.randrange(4, len(words))
        choice = rng.randrange(3)
        if choice == 0:
            words[k] = "amended"
        elif choice == 1:
            words.insert(k, "newly added words")
        else:
            del words[k]
    return " ".join(words)


def make_amendments(version: MotionVersion, count: int, rng: random.Random) -> list[Amendment]:
    """Amendments at random places; passages of 2-7 words, the occurrence given when repeated."""
    text = version.text
    starts = [k + 1 for k, ch in enumerate(text) if ch == " " and text[k + 1:k + 2].isalpha()]
    clause_count = text.count("\n") - 3
    amendments = []
    for k in range(count):
        label = f"amendment {k + 1}"
        operation = rng.choice(["delete", "replace", "insert_after", "replace", "add_clause"])
        if operation == "add_clause":
            after = None if rng.random() < 0.1 else rng.randint(1, clause_count)
            amendments.append(Amendment(label, 1, operation, text="To report back to the next conference.",
                                        after_clause=after))
            continue
        start = rng.choice(starts)
        end = start
        for _ in range(rng.randint(2, 7)):
            following = text.find(" ", end + 1)
            end = following if following > 0 else end
        passage = text[start:end].rstrip(".;,")
        found = occurrences(text, passage)
        if start not in found:
            continue
        amendments.append(Amendment(label, 1, operation, passage=passage, text="in full and without delay",
                                    occurrence=found.index(start) + 1 if len(found) > 1 else None))
    return amendments


def best_of(repeats: int, action):
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - start)
    return best, result


def time_ndiff(old: str, new: str) -> float:
    old_words, new_words = tokenise(old), tokenise(new)
    start = time.perf_counter()
    lines = list(difflib.ndiff(old_words, new_words))
    seconds = time.perf_counter() - start
    assert [line[2:] for line in lines if line[0] in " +"] == new_words
    return seconds


def time_diff_match_patch(old: str, new: str, repeats: int) -> tuple[float, str]:
    with tempfile.TemporaryDirectory(prefix="plenary-bench-dmp-") as folder:
        env_dir = Path(folder) / "venv"
        venv.EnvBuilder(with_pip=True).create(env_dir)
        python = env_dir / "bin" / "python"
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "diff-match-patch"], check=True)
        version = subprocess.run([str(python), "-c", "import importlib.metadata as m; print(m.version('diff-match-patch'))"],
                                 capture_output=True, text=True, check=True).stdout.strip()
        payload = json.dumps([tokenise(old), tokenise(new)])
        done = subprocess.run([str(python), "-c", DMP_SCRIPT, str(repeats)], input=payload,
                              capture_output=True, text=True, check=True)
        return json.loads(done.stdout)["seconds"], version


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=50_000)
    parser.add_argument("--amendments", type=int, default=200)
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-dmp", action="store_true", help="skip the diff-match-patch peer (needs PyPI)")
    args = parser.parse_args()
    rng = random.Random(SEED)

    old = generate_motion(args.words, rng)
    new = scatter_edits(old, args.edits, rng)
    print(f"motion: {len(old.split())} words, {len(old)} characters; edited copy with {args.edits} scattered edits")

    ours, ops = best_of(args.repeats, lambda: diff_words(old, new))
    assert apply_ops(old, ops) == new
    inline, _ = best_of(args.repeats, lambda: render_inline(ops))
    side, _ = best_of(args.repeats, lambda: render_side_by_side(ops))
    print(f"ours   diff_words                      {ours * 1000:9.1f} ms  ({sum(op.kind != 'equal' for op in ops)} changes)")
    print(f"ours   render_inline / side-by-side    {inline * 1000:9.1f} ms / {side * 1000:.1f} ms")
    ndiff = time_ndiff(old, new)
    print(f"peer   difflib.ndiff on the same words {ndiff * 1000:9.1f} ms  -> ours is {ndiff / ours:.1f}x faster")
    if not args.no_dmp:
        dmp, dmp_version = time_diff_match_patch(old, new, args.repeats)
        print(f"peer   diff-match-patch {dmp_version} word mode {dmp * 1000:9.1f} ms  -> ours is {dmp / ours:.1f}x "
              f"{'faster' if dmp >= ours else 'slower'}")

    version = MotionVersion(1, old)
    amendments = make_amendments(version, args.amendments, random.Random(SEED + 1))
    forget_occurrences()
    located_time, (located, problems) = best_of(1, lambda: locate_all(version, amendments))
    conflict_time, conflicts = best_of(1, lambda: find_conflicts(version, located))
    print(f"amendments: {len(amendments)} ({len(problems)} not locatable), {len(conflicts)} conflicting pairs")
    print(f"ours   locate all                      {located_time * 1000:9.1f} ms")
    print(f"ours   find conflicts                  {conflict_time * 1000:9.1f} ms")
    forget_occurrences()
    markup_time, _ = best_of(1, lambda: [mark_up(version, item.amendment, context=300) for item in located])
    print(f"ours   mark up each (300-char context) {markup_time * 1000:9.1f} ms")
    usable = [item.amendment for item in located]
    forget_occurrences()
    start = time.perf_counter()
    current, queue, carried, ruled_out = version, list(usable), [], 0
    while queue:
        result = carry(current, queue[0], queue[1:])
        carried.append(queue[0].label)
        ruled_out += len(result.not_applicable)
        current, queue = result.version, result.rebased
    chain = time.perf_counter() - start
    print(f"ours   carry each in turn, rebasing    {chain * 1000:9.1f} ms  "
          f"({len(carried)} carried, {ruled_out} no longer applied, ends at version {current.number})")
    outcomes = {label: "carried" for label in carried}
    forget_occurrences()
    replay, final = best_of(1, lambda: proceed(version, "motion", usable, outcomes))
    assert final.version.text == current.text and final.next_vote == "motion"
    print(f"ours   proceed with all votes recorded {replay * 1000:9.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
