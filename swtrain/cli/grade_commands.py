"""Commands for instructors: grading one file or a cohort, feedback notebooks, a demo cohort, LMS export."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import SwtrainError
from . import SOME_FILES_NOT_GRADED, fail, main

_variants_option = click.option(
    "--variants",
    type=click.Choice(["derived", "saved"]),
    default="derived",
    show_default=True,
    help="derived: each file's variant is recomputed from trainee and case, and a file that says another is "
    "listed; saved: trust the file's variant (a course that set variants by hand).",
)


@main.command("grade-file")
@click.argument("answer_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--language", help="Feedback language (default: the answer file's).")
@_variants_option
def grade_file(answer_file: Path, language: str | None, variants: str) -> None:
    """Grade one answer file and print each exercise's score and feedback.

    Reads the file as data and never runs anything in it. It is checked as
    `swtrain grade` checks each file: what grading ignores in it (a score
    field, answers to exercises the case lacks, another variant) is listed
    on standard error with what to do.
    """
    from ..batch import CaseBook, invalid_answer_warnings, read_answers
    from ..grading import grade
    from ..i18n import check_language, figure
    from ..reports.cohort_files import ProblemRow
    from ..store import read_submission
    from ..submissions import Submission

    book = CaseBook(None, derive_variants=variants == "derived")
    try:
        data = answer_file.read_bytes()
        read_submission(data, answer_file)  # a file that is not an answer file: every problem, an instructor's hint
        outcome = read_answers(Submission(str(answer_file), None, data), book)
        if isinstance(outcome, ProblemRow):  # a trainee id, a case or a key the course does not have
            hint = f"\n  Hint: {outcome.hint}" if outcome.hint else ""
            raise click.ClickException(f"{outcome.path}: {outcome.error}{hint}")
        responses, warnings = outcome
        if language:  # asked for by a person: an unknown one is an error, not English in silence
            responses = responses.with_language(check_language(language))
        case, key = book.get(responses.case_id)
        result = grade(case, key, responses)
    except SwtrainError as exc:
        raise fail(exc) from None
    for text, hint in warnings + invalid_answer_warnings(result):
        click.echo(f"warning: {answer_file}: {text}. {hint}", err=True)
    for item in result.exercises:
        score = "needs a person" if item.score is None else figure(item.score)
        click.echo(f"{item.exercise_id}\t{score}/{figure(item.max_score)}\t{item.status}\t{' '.join(item.feedback)}")
    click.echo(
        f"total\t{figure(result.score)}/{figure(result.max_score)}\t{figure(result.percent)}%"
        f"\tneeds review: {result.needs_review}"
    )


_submissions_argument = click.argument("submissions", type=click.Path(exists=True, path_type=Path))
_progress_option = click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar (default: only when standard error is a terminal).",
)


def _show_progress(progress: bool | None) -> bool:
    return sys.stderr.isatty() if progress is None else progress


@main.command("grade")
@_submissions_argument
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for gradebook.csv, feedback/, problems.csv and summary.json.",
)
@_progress_option
@click.option(
    "--reviews",
    "reviews",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of review files from the review notebook (default: OUT/reviews).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Processes that grade a large batch (default: one per core, at most two).",
)
@click.option(
    "--language",
    type=click.Choice(["en", "zh"]),
    default="en",
    show_default=True,
    help="Language of OUT/item_analysis.html and of the flags in item_analysis.csv.",
)
@click.option(
    "--item-analysis/--no-item-analysis",
    default=True,
    show_default=True,
    help="Write OUT/item_analysis.csv and .html, and the markers' agreement.",
)
@_variants_option
def grade_command(
    submissions: Path,
    out: Path,
    progress: bool | None,
    reviews: Path | None,
    workers: int | None,
    language: str,
    item_analysis: bool,
    variants: str,
) -> None:
    """Grade every answer file in SUBMISSIONS, a folder as collected (<trainee_id>/<case_id>.json),
    a flat folder of answer files, or a .zip of either.

    Answer files are read as data and never run. A file that cannot be graded
    is listed in OUT/problems.csv with the reason and a hint, and the rest are
    graded.

    Exit codes: 0 every file was graded; 3 some files could not be graded (see
    OUT/problems.csv); 1 nothing could be done (for example, OUT cannot be written).
    """
    from ..cohort import grade_cohort

    show = _show_progress(progress)
    try:
        result = grade_cohort(
            submissions,
            out,
            progress=show,
            reviews_dir=reviews,
            workers=workers,
            derive_variants=variants == "derived",
            language=language,
            item_analysis=item_analysis,
        )
    except (SwtrainError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Graded {result.graded} of {result.files} files in {result.seconds:.2f} s; "
        f"{result.needs_review} answers wait for review; {result.not_graded} files not graded"
        + (f"; {result.skipped} folders skipped." if result.skipped else ".")
    )
    click.echo(f"Wrote {out / 'gradebook.csv'}, {out / 'feedback'}, {out / 'problems.csv'}, {out / 'summary.json'}")
    if item_analysis:
        click.echo(f"Item analysis: {out / 'item_analysis.html'} (and .csv); marker agreement in review_notes.csv")
    if result.not_graded:
        sys.exit(SOME_FILES_NOT_GRADED)


@main.command("feedback-notebooks")
@_submissions_argument
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for notebooks/<trainee>/<case>.ipynb and notebook_problems.csv.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="Notebooks run at once, each in its own worker process and kernel.",
)
@_progress_option
def feedback_notebooks_command(submissions: Path, out: Path, workers: int, progress: bool | None) -> None:
    """Run the module notebook in feedback mode for every answer file in SUBMISSIONS, a notebook per trainee.

    Files that are not valid answer files are listed, never run. Exit code 3
    when some notebooks could not be made (see OUT/notebook_problems.csv).
    """
    from ..feedback_notebooks import feedback_notebooks

    show = _show_progress(progress)
    result = feedback_notebooks(submissions, out, workers=workers, progress=show)
    click.echo(f"Wrote {len(result.written)} notebooks to {out / 'notebooks'}; {len(result.problems)} problems.")
    if result.problems:
        sys.exit(SOME_FILES_NOT_GRADED)


@main.command("demo-cohort")
@click.option("--case", "case_id", required=True, help="The case the cohort answered.")
@click.option("--n", "n", type=click.IntRange(1, 1_000_000), default=30, show_default=True, help="How many trainees.")
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed gives the same cohort.")
@click.option(
    "--bad", type=click.IntRange(0), default=None, help="Deliberately bad files (default: n // 25, at least 1)."
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write <trainee_id>/<case_id>.json into.",
)
@click.option(
    "--plant",
    "plants",
    multiple=True,
    metavar="EFFECT",
    help="An effect for the item analysis to find: miskey=EXERCISE (a single-choice item whose strong trainees "
    "choose a distractor), flat=EXERCISE (right by a coin toss), dif=EXERCISE (easier in Chinese), "
    "lenient-marker (the last marker scores a level high). Repeatable.",
)
@click.option(
    "--markers",
    type=click.IntRange(0, 9),
    default=0,
    show_default=True,
    help="Reviewers who each score every free-text answer (review files in --reviews).",
)
@click.option(
    "--reviews",
    "reviews",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the markers' review files; grade with the same --reviews.",
)
def demo_cohort(
    case_id: str,
    n: int,
    seed: int,
    bad: int | None,
    out: Path,
    plants: tuple[str, ...],
    markers: int,
    reviews: Path | None,
) -> None:
    """Write a synthetic cohort's answer files: a spread of skill, blanks, free text in English and Chinese,
    and a few deliberately bad files, for demos, tests and benchmarks."""
    from ..demo import parse_plants, write_demo_cohort

    try:
        planted = parse_plants(plants, markers)
        counts = write_demo_cohort(case_id, n, seed, out, bad=bad, plants=planted, reviews_dir=reviews)
    except SwtrainError as exc:
        raise fail(exc) from None
    click.echo(f"Wrote {counts['good']} answer files and {counts['bad']} deliberately bad ones to {out}")
    if reviews is not None and markers:
        click.echo(f"Wrote {counts['reviews']} reviews by {markers} markers to {reviews}")


@main.command("export-lms")
@click.argument("out", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--roster",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV mapping trainee_id to the LMS user (columns above).",
)
@click.option("--assignment", required=True, help='The assignment\'s title in the LMS, e.g. "Crisis case".')
@click.option("--canvas-id", type=click.IntRange(1), default=None, help="The Canvas assignment id (one case only).")
def export_lms_command(out: Path, roster: Path, assignment: str, canvas_id: int | None) -> None:
    """Turn OUT/gradebook.csv (from `swtrain grade`) into OUT/canvas.csv and OUT/moodle.csv for import,
    and list in OUT/lms_unmatched.csv every trainee left out of them.

    \b
    Roster columns (a CSV, one trainee a row):
      trainee_id             required, the id in the gradebook
      name, canvas_id        for Canvas (sis_user_id, sis_login_id, section optional)
      username|idnumber|email  for Moodle: the first of these the roster has is used
    canvas.csv or moodle.csv is written only when the roster has its columns.

    Each grade is the case's total score; answers waiting for review count 0,
    and Moodle's feedback column says how many wait. With several cases each
    gets an assignment titled "ASSIGNMENT · case_id".
    """
    from ..reports.lms import export_lms, read_roster

    try:
        done = export_lms(
            out / "gradebook.csv", read_roster(roster), out, assignment=assignment, canvas_assignment_id=canvas_id
        )
    except (SwtrainError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Canvas: {done.canvas_rows} rows; Moodle: {done.moodle_rows} rows; {done.waiting_for_review} wait for review"
    )
    click.echo(
        f"Not on the roster: {len(done.not_on_roster)}; no submission: {len(done.no_submission)} (see {done.unmatched})"
    )
