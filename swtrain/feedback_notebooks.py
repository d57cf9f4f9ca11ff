"""A feedback notebook per trainee: the module notebook run by papermill in feedback mode, in parallel.

For instructors who want a notebook (and its HTML) per trainee. Each answer
file is first read and validated as data (a bad one is listed, not run), then
written under OUT/answers/ and handed to papermill; worker processes run
several kernels at once. Grading itself never needs this: `swtrain grade`
reads answers in-process.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from .cases import casedata_dir, load_case, load_modules
from .csvfile import write_csv
from .errors import SwtrainError
from .store import FileStore, check_trainee_id, read_submission
from .submissions import Unreadable, iter_submissions


@dataclass(frozen=True)
class Job:
    notebook: str
    output: str
    parameters: dict[str, object]
    source: str


@dataclass
class NotebookRun:
    written: list[Path]
    problems: list[tuple[str, str]]


def notebooks_dir() -> Path:
    """The course's notebooks folder, beside the case data."""
    return casedata_dir().parent / "notebooks"


def _jobs(source: Path, out: Path, problems: list[tuple[str, str]]) -> Iterator[Job]:
    store = FileStore(out / "answers")
    modules = {m.id: m for m in load_modules()}
    for item in iter_submissions(source):
        if isinstance(item, Unreadable):
            problems.append((item.source, item.error))
            continue
        try:
            responses, _ = read_submission(item.data, item.source)
            check_trainee_id(responses.trainee_id)
            case = load_case(responses.case_id)
        except SwtrainError as exc:
            problems.append((item.source, str(exc.message)))
            continue
        store.save(responses)
        output = out / "notebooks" / responses.trainee_id / f"{responses.case_id}.ipynb"
        output.parent.mkdir(parents=True, exist_ok=True)
        yield Job(
            notebook=str(notebooks_dir() / modules[case.module].notebook),
            output=str(output),
            parameters={
                "case_id": case.id,
                "trainee_id": responses.trainee_id,
                "mode": "feedback",
                "language": responses.language,
                "responses_dir": str(out / "answers"),
            },
            source=item.source,
        )


def _run(job: Job) -> tuple[Job, str]:
    import papermill

    try:
        papermill.execute_notebook(
            job.notebook,
            job.output,
            parameters=job.parameters,
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            cwd=str(Path(job.output).parent),
        )
    except Exception as exc:  # a failed run is listed; the other trainees' notebooks go on
        return job, f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}"
    return job, ""


def feedback_notebooks(source: Path, out: Path, *, workers: int = 2, progress: bool = False) -> NotebookRun:
    """Run the feedback notebook for every valid answer file in `source`; write OUT/notebook_problems.csv."""
    out.mkdir(parents=True, exist_ok=True)
    problems: list[tuple[str, str]] = []
    jobs = list(_jobs(source, out, problems))
    written = []
    with ProcessPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = [pool.submit(_run, job) for job in jobs]
        done = as_completed(futures)
        if progress:
            from tqdm import tqdm

            done = tqdm(done, total=len(futures), unit=" notebooks", desc="feedback notebooks", leave=False)
        for future in done:
            job, error = future.result()
            if error:
                problems.append((job.source, error))
            else:
                written.append(Path(job.output))
    write_csv(out / "notebook_problems.csv", ["path", "error"], sorted(problems))
    return NotebookRun(sorted(written), sorted(problems))
