"""Benchmark: the Scottish STV count of a million ballots, ours against pyrankvote's STV.

    .venv/bin/python bench/stv_scottish_vs_pyrankvote.py [--ballots 1000000] [--rounds 5]

1. Generates a BLT file (fixed seed) of ranked ballots, 20 candidates, 5 seats,
   into bench/out/, once: five parties of four candidates, a voter ranks some
   of their own party first (Plackett-Luce around candidate popularity), then
   drifts to a second party, stopping after a geometric number of preferences.
2. Makes a throwaway venv in a temporary folder and pip-installs pyrankvote there.
3. Alternates, ``--rounds`` times: ``plenary tally FILE --method scotland`` as a
   fresh process (start-up, read, count, write the report), then pyrankvote
   reading the same file into its ballots and counting its
   ``single_transferable_vote``, also as a fresh process, with a pause of a
   second before each. Both are timed by the wall clock around the process,
   so both pay their start-up, and by the CPU time the kernel counts for it.
   The machine may be busy with other work: alternating spreads that over
   both, and the medians are compared.
4. Times the count alone (in this process, after the ballots are read) and
   checks both programs name the same winners.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
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


#: seconds between runs, so neither program starts while the kernel is still freeing the other's memory
PAUSE = 1.0
PLENARY_COMMAND = [sys.executable, "-c", "import sys; from server.cli import main; sys.exit(main())", "tally"]


def children_cpu() -> float:
    """CPU seconds (user + system) used so far by this process's finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], **kwargs) -> tuple[float, float, subprocess.CompletedProcess]:
    """Run ``command``; its wall-clock and CPU seconds, and what it printed."""
    cpu, start = children_cpu(), time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True, **kwargs)
    return time.perf_counter() - start, children_cpu() - cpu, done


def run_plenary(path: Path) -> tuple[float, float, str, list[str]]:
    """Wall-clock and CPU time of one ``plenary tally`` process; its own read/count/report split; the elected."""
    wall, cpu, done = timed([*PLENARY_COMMAND, str(path), "--method", "scotland", "--timing"], cwd=REPO)
    elected = next(line for line in done.stdout.splitlines() if line.startswith("Elected: "))
    return wall, cpu, done.stderr.strip().removeprefix("timing: "), elected.removeprefix("Elected: ").split(", ")


def run_pyrankvote(python: Path, runner: Path, path: Path) -> tuple[float, float, float, float, list[str]]:
    """Wall-clock and CPU time of one pyrankvote process; its in-process read and read+count times; the winners."""
    wall, cpu, done = timed([str(python), str(runner), str(path)])
    read, total, winners = done.stdout.split(" ", 2)
    return wall, cpu, float(read), float(total), winners.strip().split("|")


def time_count_only(path: Path, repeats: int = 5) -> tuple[float, float]:
    """Median times of reading the file and of the count alone, in this process."""
    from ballots.formats.blt import read_blt
    from voting.methods import stv_scottish

    reads, counts = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        blt = read_blt(path)
        reads.append(time.perf_counter() - start)
        start = time.perf_counter()
        stv_scottish.count(blt.contest, blt.ballots)
        counts.append(time.perf_counter() - start)
    return statistics.median(reads), statistics.median(counts)


def pyrankvote_python(workdir: Path) -> Path:
    env_dir = workdir / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "pyrankvote"], check=True)
    version = subprocess.run([str(python), "-c", "import importlib.metadata as m; print(m.version('pyrankvote'))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    print(f"pyrankvote {version} installed in a throwaway venv")
    return python


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5, help="alternating runs of each program")
    args = parser.parse_args()

    path = OUT / f"scottish_{args.ballots}.blt"
    if not path.exists():
        start = time.perf_counter()
        generate(path, args.ballots)
        print(f"generated {path.relative_to(REPO)} in {time.perf_counter() - start:.1f}s")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {load()}")

    with tempfile.TemporaryDirectory(prefix="pyrankvote-bench-") as tmp:
        workdir = Path(tmp)
        python = pyrankvote_python(workdir)
        runner = workdir / "run_pyrankvote.py"
        runner.write_text(PYRANKVOTE_RUNNER, encoding="utf-8")
        ours: list[tuple[float, float]] = []
        theirs: list[tuple[float, float]] = []
        for r in range(args.rounds):
            time.sleep(PAUSE)
            wall, cpu, split, elected = run_plenary(path)
            ours.append((wall, cpu))
            time.sleep(PAUSE)
            p_wall, p_cpu, p_read, p_total, winners = run_pyrankvote(python, runner, path)
            theirs.append((p_wall, p_cpu))
            print(f"  round {r + 1}: plenary {wall:.2f}s (cpu {cpu:.2f}s; {split}); "
                  f"pyrankvote {p_wall:.2f}s (cpu {p_cpu:.2f}s; read {p_read:.2f}s, read+count {p_total:.2f}s); "
                  f"ratio {p_wall / wall:.1f}x; {load()}")
    read, count = time_count_only(path)
    walls = [p / o for (p, _), (o, _) in zip(theirs, ours)]
    plenary = statistics.median(w for w, _ in ours)
    pyrankvote = statistics.median(w for w, _ in theirs)
    plenary_cpu = statistics.median(c for _, c in ours)
    pyrankvote_cpu = statistics.median(c for _, c in theirs)
    print(f"\n== {args.ballots:,} ballots, medians of {args.rounds} alternating runs ==")
    print(f"  plenary tally (whole command, fresh process): {plenary:.2f}s (fastest {min(w for w, _ in ours):.2f}s), "
          f"cpu {plenary_cpu:.2f}s")
    print(f"  pyrankvote read + count (fresh process):      {pyrankvote:.2f}s (fastest {min(w for w, _ in theirs):.2f}s), "
          f"cpu {pyrankvote_cpu:.2f}s")
    print(f"  ratio of median wall-clock times: {pyrankvote / plenary:.1f}x (per round {min(walls):.1f}-{max(walls):.1f}x); "
          f"of median CPU times: {pyrankvote_cpu / plenary_cpu:.1f}x")
    print(f"  in this process: read {read * 1000:.0f} ms, Scottish count alone {count * 1000:.0f} ms (medians of 5)")
    print(f"  elected: {', '.join(elected)}")
    print(f"  same winners as pyrankvote (as sets): {sorted(elected) == sorted(winners)}")
    print(f"  {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
