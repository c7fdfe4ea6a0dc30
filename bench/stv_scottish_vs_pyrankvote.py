"""Benchmark: the Scottish STV count of a million ballots, ours against pyrankvote's STV.

    .venv/bin/python bench/stv_scottish_vs_pyrankvote.py [--ballots 1000000] [--pyrankvote-ballots 100000]

1. Generates a BLT file (fixed seed) of ranked ballots, 20 candidates, 5 seats,
   into bench/out/: five parties of four candidates, a voter ranks some of their
   own party first (Plackett-Luce around candidate popularity), then drifts to
   a second party, stopping after a geometric number of preferences.
2. Times ``plenary tally FILE --method scotland`` as a whole (a fresh process:
   start-up, read, count, report) and the count alone (in this process, after
   the ballots are read). Every time is the best of a few runs, as the
   machine may be busy with other work.
3. Makes a throwaway venv in a temporary folder, pip-installs pyrankvote there,
   and times its ``single_transferable_vote`` on the same file (read + count),
   in a subprocess. Pure-Python pyrankvote is slow, so by default it is timed on
   the first ``--pyrankvote-ballots`` ballots of the file and, if that is fewer
   than all of them, also on the full file only when ``--pyrankvote-full`` is
   given; otherwise its full-size time is extrapolated linearly and printed as
   an extrapolation. Ours is timed on the same smaller size too.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
sys.path.insert(0, str(REPO))

CANDIDATES = 20
SEATS = 5
PARTIES = 5
SEED = 20070503


def generate(path: Path, ballots: int, seed: int = SEED) -> None:
    """Write ``ballots`` single-paper ballot lines with a realistic preference structure."""
    rng = np.random.default_rng(seed)
    party_of = np.repeat(np.arange(PARTIES), CANDIDATES // PARTIES)
    party_share = np.array([0.34, 0.27, 0.18, 0.13, 0.08])
    popularity = rng.gamma(2.0, 1.0, CANDIDATES)
    own = rng.choice(PARTIES, size=ballots, p=party_share)
    second = rng.choice(PARTIES, size=ballots, p=party_share)
    # Plackett-Luce with a party bias: sort log-weights plus Gumbel noise
    score = np.log(popularity)[None, :] + rng.gumbel(size=(ballots, CANDIDATES))
    score += 4.0 * (party_of[None, :] == own[:, None])
    score += 1.5 * (party_of[None, :] == second[:, None])
    order = np.argsort(-score, axis=1).astype(np.int16) + 1
    length = np.minimum(rng.geometric(0.28, size=ballots), CANDIDATES)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        out.write(f"{CANDIDATES} {SEATS}\n")
        lines = []
        for row, n in zip(order.tolist(), length.tolist()):
            lines.append("1 " + " ".join(map(str, row[:n])) + " 0\n")
        out.writelines(lines)
        out.write("0\n")
        for i in range(CANDIDATES):
            out.write(f'"Candidate {i + 1:02d} (P{party_of[i] + 1})"\n')
        out.write(f'"Benchmark: {ballots} ballots, seed {seed}"\n')


def head(path: Path, target: Path, ballots: int) -> None:
    """The same election with only its first ``ballots`` ballot lines."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    body = lines[1:1 + ballots]
    tail_start = lines.index("0\n", 1)
    target.write_text("".join([lines[0], *body, *lines[tail_start:]]), encoding="utf-8")


def time_plenary_command(path: Path, repeats: int = 3) -> tuple[float, str]:
    """Best wall-clock time of ``plenary tally`` in a fresh process (start-up, read, count, report)."""
    best, timing = float("inf"), ""
    for _ in range(repeats):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", "import sys; from server.cli import main; sys.exit(main())",
             "tally", str(path), "--method", "scotland", "--seats", str(SEATS), "--timing"],
            cwd=REPO, capture_output=True, text=True, check=True,
        )
        elapsed = time.perf_counter() - start
        if elapsed < best:
            best, timing = elapsed, done.stderr.strip()
    return best, timing


def time_count_only(path: Path, repeats: int = 5) -> tuple[float, float, list[str]]:
    from ballots.formats.blt import read_blt
    from voting.methods import stv_scottish

    start = time.perf_counter()
    blt = read_blt(path)
    read = time.perf_counter() - start
    best = float("inf")
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = stv_scottish.count(blt.contest, blt.ballots)
        best = min(best, time.perf_counter() - start)
    assert result is not None
    return read, best, result.elected


PYRANKVOTE_RUNNER = r'''
import sys, time
start = time.perf_counter()
import pyrankvote
from pyrankvote import Candidate, Ballot
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
n, seats = map(int, lines[0].split())
end = lines.index("0", 1)
names = [l.strip().strip('"') for l in lines[end + 1:end + 1 + n]]
candidates = [Candidate(name) for name in names]
ballots = []
for line in lines[1:end]:
    fields = line.split()
    ranked = [candidates[int(x) - 1] for x in fields[1:-1]]
    ballots.extend(Ballot(ranked_candidates=ranked) for _ in range(int(fields[0])))
read = time.perf_counter() - start
result = pyrankvote.single_transferable_vote(candidates, ballots, number_of_seats=seats)
total = time.perf_counter() - start
print(read, total, "|".join(c.name for c in result.get_winners()))
'''


def pyrankvote_python(workdir: Path) -> Path:
    env_dir = workdir / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "pyrankvote"], check=True)
    version = subprocess.run([str(python), "-c", "import importlib.metadata as m; print(m.version('pyrankvote'))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    print(f"pyrankvote {version} installed in a throwaway venv")
    return python


def time_pyrankvote(python: Path, path: Path, workdir: Path, repeats: int = 2) -> tuple[float, float, list[str]]:
    """Best read and read+count times of pyrankvote's STV, in its own process."""
    runner = workdir / "run_pyrankvote.py"
    runner.write_text(PYRANKVOTE_RUNNER, encoding="utf-8")
    best: tuple[float, float, list[str]] | None = None
    for _ in range(repeats):
        done = subprocess.run([str(python), str(runner), str(path)], capture_output=True, text=True, check=True)
        read, total, winners = done.stdout.split(" ", 2)
        if best is None or float(total) < best[1]:
            best = (float(read), float(total), winners.strip().split("|"))
    assert best is not None
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--pyrankvote-ballots", type=int, default=100_000)
    parser.add_argument("--pyrankvote-full", action="store_true", help="also time pyrankvote on every ballot")
    args = parser.parse_args()

    path = OUT / f"scottish_{args.ballots}.blt"
    if not path.exists():
        start = time.perf_counter()
        generate(path, args.ballots)
        print(f"generated {path.relative_to(REPO)} in {time.perf_counter() - start:.1f}s")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")

    whole, timing = time_plenary_command(path)
    read, count, elected = time_count_only(path)
    print(f"\n== plenary, {args.ballots:,} ballots ==")
    print(f"  plenary tally (whole command, fresh process): {whole:.2f}s   [{timing}]")
    print(f"  read BLT in-process: {read:.2f}s; count alone (best of 5): {count * 1000:.0f} ms")
    print(f"  elected: {', '.join(elected)}")

    small = min(args.pyrankvote_ballots, args.ballots)
    small_path = path if small == args.ballots else OUT / f"scottish_{args.ballots}_first_{small}.blt"
    if small_path != path:
        head(path, small_path, small)
    with tempfile.TemporaryDirectory(prefix="pyrankvote-bench-") as tmp:
        workdir = Path(tmp)
        python = pyrankvote_python(workdir)
        small_whole, _ = time_plenary_command(small_path)
        _, small_count, small_elected = time_count_only(small_path)
        p_read, p_total, p_winners = time_pyrankvote(python, small_path, workdir)
        print(f"\n== {small:,} ballots (same file for both) ==")
        print(f"  plenary tally whole command: {small_whole:.2f}s (count alone {small_count * 1000:.0f} ms)")
        print(f"  pyrankvote read+count:       {p_total:.2f}s (read {p_read:.2f}s)")
        print(f"  ratio pyrankvote / plenary (whole command): {p_total / small_whole:.1f}x")
        print(f"  same winners (as sets): {sorted(small_elected) == sorted(p_winners)}")
        if small == args.ballots or args.pyrankvote_full:
            p_read, p_total, p_winners = time_pyrankvote(python, path, workdir)
            label = "measured"
        else:
            p_total = p_total * args.ballots / small
            label = f"EXTRAPOLATED linearly from {small:,} ballots"
        print(f"\n== {args.ballots:,} ballots ==")
        print(f"  plenary tally whole command: {whole:.2f}s")
        print(f"  pyrankvote read+count:       {p_total:.1f}s ({label}"
              + (f"; read {p_read:.1f}s)" if label == "measured" else ")"))
        print(f"  ratio pyrankvote / plenary:  {p_total / whole:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
