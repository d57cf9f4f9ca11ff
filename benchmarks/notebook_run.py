"""Benchmark: import cost, the module notebook's cost over a one-cell notebook, grading one answer file.

Run: .venv/bin/python benchmarks/notebook_run.py [--repeat N]

Every figure is measured in this run, against a baseline measured in the same
run, so a slow or busy machine slows both. Targets (issue 3): `import swtrain`
at most 0.3 s; the module notebook at most 1.5 s over the one-cell baseline;
grading one answer file under 5 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "crisis_intervention.ipynb"
DATA_NOTEBOOK = ROOT / "notebooks" / "self_management.ipynb"  # eight charts drawn from a CSV


def median_seconds(function, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def python_seconds(code: str, repeat: int) -> float:
    return median_seconds(lambda: subprocess.run([sys.executable, "-c", code], check=True), repeat)


def papermill_seconds(notebook: Path, parameters: dict[str, object], repeat: int, cwd: Path) -> float:
    import papermill

    def run() -> None:
        papermill.execute_notebook(
            str(notebook),
            str(cwd / "out.ipynb"),
            parameters=parameters,
            kernel_name="python3",
            progress_bar=False,
            cwd=str(cwd),
            log_output=False,
        )

    return median_seconds(run, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure; the median is printed")
    repeat = parser.parse_args().repeat

    bare = python_seconds("pass", repeat)
    plain = python_seconds("import swtrain", repeat) - bare
    loaded = python_seconds("import swtrain; swtrain.load_case('child-in-crisis')", repeat) - bare
    nbformat_import = python_seconds("import nbformat", repeat) - bare
    print(f"python start-up (baseline)           {bare:7.3f} s")
    print(f"import swtrain                       {plain:7.3f} s   target <= 0.300")
    print(f"import swtrain + load a case         {loaded:7.3f} s   (pydantic and the models, on first use)")
    print(f"import nbformat                      {nbformat_import:7.3f} s")

    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from swtrain.models import Responses
    from swtrain.store import FileStore

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        baseline_nb = new_notebook(cells=[new_code_cell("x = 1")])
        baseline_nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(baseline_nb, tmp / "one_cell.ipynb")
        store = FileStore(tmp / "R")
        now = __import__("datetime").datetime.now()
        responses = Responses(trainee_id="t001", case_id="child-in-crisis", variant=3, language="zh")
        for exercise_id, value in {
            "first-priority": "lethality",
            "distress-total": 17.0,
            "action-plan": "先确认安全，再链接资源。" * 20,
        }.items():
            responses = responses.with_answer(exercise_id, value, now)
        store.save(responses)

        papermill_seconds(tmp / "one_cell.ipynb", {}, 1, tmp)  # warm the disk cache once
        baseline = papermill_seconds(tmp / "one_cell.ipynb", {}, repeat, tmp)
        practice = papermill_seconds(NOTEBOOK, {"trainee_id": "t002", "responses_dir": str(tmp / "R")}, repeat, tmp)
        feedback = papermill_seconds(
            NOTEBOOK,
            {"trainee_id": "t001", "language": "zh", "mode": "feedback", "responses_dir": str(tmp / "R")},
            repeat,
            tmp,
        )
        print(f"papermill, one-cell notebook         {baseline:7.3f} s   (baseline)")
        print(
            f"papermill, module notebook, practice {practice:7.3f} s   +{practice - baseline:.3f} s over baseline"
            f" (x{practice / baseline:.2f}), target <= +1.500"
        )
        print(
            f"papermill, module notebook, feedback {feedback:7.3f} s   +{feedback - baseline:.3f} s over baseline"
            f" (x{feedback / baseline:.2f}), target <= +1.500"
        )
        # A case with data: its charts are drawn (seaborn) on the first run, then read from the chart cache.
        os.environ["SWTRAIN_CACHE_DIR"] = str(tmp / "chart-cache")
        data_parameters = {"trainee_id": "t003", "responses_dir": str(tmp / "R")}
        cold = papermill_seconds(DATA_NOTEBOOK, data_parameters, 1, tmp)
        warm = papermill_seconds(DATA_NOTEBOOK, data_parameters, repeat, tmp)
        print(
            f"papermill, data case, charts drawn   {cold:7.3f} s   +{cold - baseline:.3f} s over baseline"
            f" (x{cold / baseline:.2f}; the first run on a machine)"
        )
        print(
            f"papermill, data case, charts cached  {warm:7.3f} s   +{warm - baseline:.3f} s over baseline"
            f" (x{warm / baseline:.2f}), target <= +1.500"
        )

        from swtrain.cases import load_case, load_key
        from swtrain.grading import grade
        from swtrain.store import parse_responses

        case = load_case("child-in-crisis")
        key = load_key(case)
        path = store.path("t001", "child-in-crisis")
        grade(case, key, parse_responses(path.read_bytes(), path))  # first use loads the Chinese catalog
        count = 2000
        start = time.perf_counter()
        for _ in range(count):
            grade(case, key, parse_responses(path.read_bytes(), path))
        per_file = (time.perf_counter() - start) / count
        print(
            f"grade one answer file (read+parse+grade) {per_file * 1000:6.3f} ms   target < 5 ms"
            f" ({1 / per_file:,.0f} files/s on one core)"
        )


if __name__ == "__main__":
    main()
