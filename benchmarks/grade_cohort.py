"""Benchmark: `swtrain grade` on cohorts of 50, 1,000 and 10,000 against a notebook per submission.

Run: .venv/bin/python benchmarks/grade_cohort.py [--sizes 50,1000,10000] [--baseline 10] [--repeat 1]
     [--against CHECKOUT]

`--against` times another checkout of swtrain (an older commit, say) on the
same cohorts in the same run, in ABBA order so that a machine growing
busier does not favour either; with `--repeat` each figure is a median.

Cohorts come from `swtrain demo-cohort`. `swtrain grade` is timed as a whole
process (start-up included), with its item analysis and without it
(`--no-item-analysis`, "bare"), with its peak memory (GNU time's maximum resident
size when /usr/bin/time exists, else the children's ru_maxrss). The baseline,
measured in the same run, is the notebook-per-submission approach: papermill
executing the feedback-mode module notebook for each of the first trainees.
Targets (2 cores): 50 trainees at most 1.5 s and 10,000 at most 20 s, bare; at least
100 times faster per submission than the baseline; peak memory about flat; the
item analysis (statistics libraries imported, figures, item_analysis.html) at
most 1.5 times the bare grading at 10,000 trainees.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NOTEBOOK = ROOT / "notebooks" / "crisis_intervention.ipynb"
CASE = "child-in-crisis"


def timed(command: list[str], checkout: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak memory (MB) of one command (swtrain imported from `checkout` if given)."""
    gnu_time = Path("/usr/bin/time")
    wrapped = [str(gnu_time), "-f", "%M", *command] if gnu_time.exists() else command
    env = {**os.environ, "PYTHONPATH": str(checkout)} if checkout else None
    start = time.perf_counter()
    done = subprocess.run(wrapped, capture_output=True, text=True, env=env, cwd=checkout or ROOT)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    if gnu_time.exists():
        peak_kb = float(done.stderr.strip().splitlines()[-1])
    else:
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, peak_kb / 1024


def at_least_one(text: str) -> int:
    """An argparse type: a whole number of at least 1 (the speed-up divides by the baseline)."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"at least 1, not {value}")
    return value


def baseline_per_submission(cohort: Path, count: int, work: Path) -> float:
    """Seconds per submission for papermill running the feedback-mode notebook, one kernel each."""
    import papermill

    from swtrain.errors import SwtrainError
    from swtrain.store import parse_responses

    def valid(path: Path) -> bool:  # the deliberately bad files would stop a notebook, not make one
        try:
            parse_responses(path.read_bytes(), path)
        except SwtrainError:
            return False
        return True

    trainees = sorted(p.parent.name for p in cohort.glob(f"*/{CASE}.json") if valid(p))[:count]
    start = time.perf_counter()
    for trainee in trainees:
        papermill.execute_notebook(
            str(NOTEBOOK),
            str(work / f"{trainee}.ipynb"),
            kernel_name="python3",
            progress_bar=False,
            cwd=str(work),
            log_output=False,
            parameters={"case_id": CASE, "trainee_id": trainee, "mode": "feedback", "responses_dir": str(cohort)},
        )
    return (time.perf_counter() - start) / len(trainees)


def grade_times(cohort: Path, out: Path, repeat: int, against: Path | None) -> dict[str, tuple[float, float]]:
    """Median wall seconds and peak MB of `swtrain grade` on `cohort`: this checkout with its item analysis
    ("this"), this checkout without it ("bare", --no-item-analysis), and `against` if given. Each round runs
    them in ABBA order, so that a machine growing busier favours none."""
    swtrain = str(BIN / "swtrain")
    runs: dict[str, list[tuple[float, float]]] = {"this": [], "bare": [], "against": []}
    for round_ in range(repeat):
        order = ["this", "bare", *(["against"] if against else [])]
        order = order + order[::-1]
        for which in order if round_ % 2 == 0 else order[::-1]:
            checkout = against if which == "against" else None
            extra = ["--no-item-analysis"] if which == "bare" else []
            runs[which].append(timed([swtrain, "grade", str(cohort), "--out", str(out), *extra], checkout))
            shutil.rmtree(out)
    return {
        which: (statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows))
        for which, rows in runs.items()
        if rows
    }


def large_files(work: Path, count: int, megabytes: float) -> tuple[float, float, float | None]:
    """`swtrain grade` on `count` valid answer files of about `megabytes` MB each (a free text that long):
    wall seconds, the whole run's peak MB and the largest worker's peak MB (from summary.json)."""
    import json

    from swtrain.models import Responses

    cohort = work / "large"
    text = "x" * int(megabytes * 1024 * 1024)
    for n in range(count):
        trainee = f"t{n:04d}"
        answers = Responses(trainee_id=trainee, case_id=CASE, variant=0, language="en")
        answers = answers.with_answer("action-plan", text, datetime.now(UTC))
        (cohort / trainee).mkdir(parents=True)
        (cohort / trainee / f"{CASE}.json").write_text(answers.model_dump_json(), encoding="utf-8")
    out = work / "graded-large"
    seconds, peak = timed([str(BIN / "swtrain"), "grade", str(cohort), "--out", str(out)])
    memory = json.loads((out / "summary.json").read_text(encoding="utf-8")).get("memory_mb", {})
    shutil.rmtree(out)
    shutil.rmtree(cohort)
    return seconds, peak, memory.get("largest_worker")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,1000,10000", help="cohort sizes, comma-separated")
    parser.add_argument(
        "--baseline",
        type=at_least_one,
        default=10,
        help="submissions run through papermill for the baseline (at least 1)",
    )
    parser.add_argument("--repeat", type=at_least_one, default=1, help="runs per figure (the median is shown)")
    parser.add_argument("--against", type=Path, help="another checkout of swtrain to time on the same cohorts")
    parser.add_argument("--large", type=int, default=200, help="answer files of about 4 MB each to grade (0: none)")
    args = parser.parse_args()
    against = args.against.resolve() if args.against else None
    if against and not (against / "swtrain" / "__init__.py").is_file():
        raise SystemExit(f"--against {args.against}: not a checkout of swtrain (no swtrain/__init__.py)")
    sizes = [int(s) for s in args.sizes.split(",")]
    swtrain = str(BIN / "swtrain")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        rows = []
        for n in sizes:
            cohort = work / f"cohort-{n}"
            subprocess.run(
                [swtrain, "demo-cohort", "--case", CASE, "--n", str(n), "--seed", "1", "--out", str(cohort)],
                check=True,
                capture_output=True,
            )
            rows.append((n, grade_times(cohort, work / f"graded-{n}", args.repeat, against)))
        small = work / f"cohort-{sizes[0]}"
        (work / "baseline").mkdir()
        per_notebook = baseline_per_submission(small, args.baseline, work / "baseline")
        print(f"baseline: papermill feedback notebook per submission ({args.baseline} runs): {per_notebook:.3f} s each")
        header = f"{'trainees':>9} {'wall s':>8} {'files/s':>9} {'s/file':>9} {'peak MB':>8} {'x faster':>9}"
        header += f" {'bare s':>8} {'bare MB':>8} {'analysis x':>11}"
        print(header + (f" {'against s':>10} {'MB':>7} {'this/against':>13}" if against else ""))
        for n, times in rows:
            seconds, peak = times["this"]
            bare, bare_peak = times["bare"]
            per_file = seconds / n
            speed = f"{n / seconds:>9.0f} {per_file:>9.5f}"
            line = f"{n:>9} {seconds:>8.2f} {speed} {peak:>8.1f} {per_notebook / per_file:>9.0f}"
            line += f" {bare:>8.2f} {bare_peak:>8.1f} {seconds / bare:>11.2f}"
            if against:
                other, other_peak = times["against"]
                line += f" {other:>10.2f} {other_peak:>7.1f} {seconds / other:>13.2f}"
            print(line)
        if against:
            print(f"against: {against} (medians of {args.repeat * 2} runs each, ABBA order)")
        if args.large:
            seconds, peak, worker = large_files(work, args.large, 4.0)
            shown = "no worker started" if worker is None else f"largest worker {worker:.1f} MB"
            print(f"large files: {args.large} x 4 MB in {seconds:.2f} s; peak {peak:.1f} MB; {shown}")
        print(
            "targets: bare 50 <= 1.5 s and 10,000 <= 20 s; >= 100x per submission; peak memory about flat; "
            "the item analysis at most 1.5x the bare grading at 10,000 (analysis x)"
        )


if __name__ == "__main__":
    main()
