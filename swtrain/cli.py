"""The `swtrain` command: a thin shell over the Python API."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .errors import SwtrainError


def _fail(exc: SwtrainError) -> click.ClickException:
    return click.ClickException(str(exc))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="swtrain")
def main() -> None:
    """swtrain: medical social-work cases for Jupyter, graded from saved answers."""


@main.command()
@click.option(
    "--kind",
    type=click.Choice(["case", "key"]),
    default="case",
    show_default=True,
    help="Which file the schema describes.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the schema to this file instead of standard output.",
)
def schema(kind: str, out: Path | None) -> None:
    """Write the JSON Schema of case.yaml (or key.yaml) for a case author's editor."""
    from .cases import json_schema_text

    text = json_schema_text(kind)
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"Wrote the {kind} schema to {out}", err=True)


@main.command("cases")
def list_cases() -> None:
    """List the cases in the case data folder with their module and titles."""
    from .cases import case_ids, casedata_dir, load_case

    try:
        for case_id in case_ids():
            case = load_case(case_id)
            click.echo(f"{case.id}\t{case.module}\t{case.title.en}\t{case.title.zh}")
    except SwtrainError as exc:
        raise _fail(exc) from None
    if not case_ids():
        click.echo(f"No cases in {casedata_dir()}", err=True)


@main.command("check")
@click.argument("case_dirs", nargs=-1, type=click.Path(exists=True, file_okay=False, path_type=Path))
def check(case_dirs: tuple[Path, ...]) -> None:
    """Check case folders (default: every case in casedata/) and print each finding as `file:line: field: message`.

    Schema errors, texts missing in English or Chinese, key gaps, anything that
    looks identifying (seed names, ID, phone and card numbers, emails, URLs, IP
    addresses, exact dates, ages over 89, bed or record numbers) and a
    distressing case without a content note. Exit code 1 if anything is found.
    """
    from .cases import case_ids, casedata_dir
    from .checks import check_case_dir

    folders = list(case_dirs) or [casedata_dir() / case_id for case_id in case_ids()]
    found = [finding for folder in folders for finding in check_case_dir(folder)]
    for finding in found:
        click.echo(str(finding))
    click.echo(f"{len(folders)} case(s) checked, {len(found)} finding(s).", err=True)
    if found:
        sys.exit(1)


@main.command("new-case")
@click.argument("case_id")
@click.option("--module", required=True, help="The module the case belongs to (an id in casedata/modules.yaml).")
def new_case_command(case_id: str, module: str) -> None:
    """Write a bilingual skeleton for a new case in casedata/CASE_ID/; it passes `swtrain check` once every
    TODO text is written."""
    from .authoring import new_case

    try:
        folder = new_case(case_id, module)
    except SwtrainError as exc:
        raise _fail(exc) from None
    click.echo(f"Wrote {folder / 'case.yaml'} and {folder / 'key.yaml'}; fill in every TODO, then run swtrain check.")


@main.command("release")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--mode",
    type=click.Choice(["practice", "assessed"]),
    required=True,
    help="practice: with answer keys, for feedback as trainees answer; assessed: no key file at all.",
)
def release_command(out: Path, mode: str) -> None:
    """Copy the trainee notebooks and the cases into OUT for trainees. An assessed release holds no key file,
    no notebook output, and its notebooks open in assessed mode."""
    from .authoring import release

    try:
        written = release(out, mode)
    except SwtrainError as exc:
        raise _fail(exc) from None
    click.echo(f"Wrote a {mode} release of {len(written)} files to {out}")


@main.command("grade-file")
@click.argument("answer_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--language", help="Feedback language (default: the answer file's).")
def grade_file(answer_file: Path, language: str | None) -> None:
    """Grade one answer file and print each exercise's score and feedback.

    Reads the file as data and never runs anything in it.
    """
    from .cases import load_case, load_key
    from .grading import grade
    from .store import parse_responses

    try:
        responses = parse_responses(answer_file.read_bytes(), answer_file)
        if language:
            responses = responses.with_language(language)
        case = load_case(responses.case_id)
        result = grade(case, load_key(case), responses)
    except SwtrainError as exc:
        raise _fail(exc) from None
    for item in result.exercises:
        score = "needs a person" if item.score is None else f"{item.score:g}"
        click.echo(f"{item.exercise_id}\t{score}/{item.max_score:g}\t{item.status}\t{' '.join(item.feedback)}")
    click.echo(
        f"total\t{result.score:g}/{result.max_score:g}\t{result.percent:g}%\tneeds review: {result.needs_review}"
    )


_submissions_argument = click.argument("submissions", type=click.Path(exists=True, path_type=Path))
_progress_option = click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar (default: only when standard error is a terminal).",
)


def _show_progress(progress: bool | None) -> bool:
    return sys.stderr.isatty() if progress is None else progress


#: Exit code of `swtrain grade` when some files could not be graded (click uses 1 and 2 for errors).
SOME_FILES_NOT_GRADED = 3


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
def grade_command(
    submissions: Path, out: Path, progress: bool | None, reviews: Path | None, workers: int | None
) -> None:
    """Grade every answer file in SUBMISSIONS, a folder as collected (<trainee_id>/<case_id>.json),
    a flat folder of answer files, or a .zip of either.

    Answer files are read as data and never run. A file that cannot be graded
    is listed in OUT/problems.csv with the reason and a hint, and the rest are
    graded.

    Exit codes: 0 every file was graded; 3 some files could not be graded (see
    OUT/problems.csv); 1 nothing could be done (for example, OUT cannot be written).
    """
    from .cohort import grade_cohort

    show = _show_progress(progress)
    try:
        result = grade_cohort(submissions, out, progress=show, reviews_dir=reviews, workers=workers)
    except (SwtrainError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Graded {result.graded} of {result.files} files in {result.seconds:.2f} s; "
        f"{result.needs_review} answers wait for review; {result.not_graded} files not graded."
    )
    click.echo(f"Wrote {out / 'gradebook.csv'}, {out / 'feedback'}, {out / 'problems.csv'}, {out / 'summary.json'}")
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
    from .feedback_notebooks import feedback_notebooks

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
def demo_cohort(case_id: str, n: int, seed: int, bad: int | None, out: Path) -> None:
    """Write a synthetic cohort's answer files: a spread of skill, blanks, free text in English and Chinese,
    and a few deliberately bad files, for demos, tests and benchmarks."""
    from .demo import write_demo_cohort

    try:
        counts = write_demo_cohort(case_id, n, seed, out, bad=bad)
    except SwtrainError as exc:
        raise _fail(exc) from None
    click.echo(f"Wrote {counts['good']} answer files and {counts['bad']} deliberately bad ones to {out}")


@main.command(context_settings={"ignore_unknown_options": True})
@click.option("--port", type=int, default=8888, show_default=True, help="Port on 127.0.0.1.")
@click.option("--no-browser", is_flag=True, help="Do not open a web browser.")
@click.argument("jupyter_args", nargs=-1, type=click.UNPROCESSED)
def lab(port: int, no_browser: bool, jupyter_args: tuple[str, ...]) -> None:
    """Start JupyterLab on loopback on the course notebooks; the URL with its token is printed.

    Further arguments go to `jupyter lab` as they are.
    """
    notebooks = Path(__file__).resolve().parent.parent / "notebooks"
    if not notebooks.is_dir():
        raise click.ClickException(f"No notebooks folder at {notebooks}: run from a source checkout.")
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        f"--ServerApp.root_dir={notebooks}",
        "--LabApp.default_url=/lab/tree/index.ipynb",
        *(["--no-browser"] if no_browser else []),
        # A lab PC or container often runs as root; JupyterLab refuses that without this flag.
        *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
        *jupyter_args,
    ]
    os.execv(sys.executable, command)


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
    from .reports.lms import export_lms, read_roster

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


@main.command("instruments")
def instruments_command() -> None:
    """List the screening instruments: id, name, number of items, licence class and whether item wording is
    shipped (class A only)."""
    from .instruments import all_instruments

    try:
        rows: list[tuple[str, ...]] = [
            (i.id, i.name.en, str(len(i.items)), i.licence, "yes" if i.wording_shipped else "no")
            for i in all_instruments()
        ]
    except SwtrainError as exc:
        raise _fail(exc) from None
    rows.insert(0, ("id", "name", "items", "licence", "wording"))
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    for row in rows:
        click.echo("  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[4]]))


@main.command("score", context_settings={"ignore_unknown_options": True})
@click.argument("instrument")
@click.argument("values", nargs=-1)
@click.option(
    "--bands",
    "bands_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A YAML file of bands (schema_version, instrument, source, bands) for an instrument that ships none (SSRS).",
)
def score_command(instrument: str, values: tuple[str, ...], bands_file: Path | None) -> None:
    """Score INSTRUMENT from VALUES, one per item in item order; '' or '-' for a missing item.

    Or give each value as NUMBER=VALUE (1=2 4=0). SSRS item 5 has sub-items: in
    order they are the values of 1-4, 5A-5E, 6-10 (14 values), or 5A=3 ... 5E=2.
    GDS-15 takes 1 or yes, 0 or no. Prints the total or mean and the band, or
    exits 1 naming the item and the allowed values.
    """
    from .instruments import load_bands, load_instrument, parse_values, score

    try:
        chosen = load_instrument(instrument)
        result = score(chosen, parse_values(values), bands=load_bands(bands_file) if bands_file else None)
    except SwtrainError as exc:
        raise _fail(exc) from None
    click.echo(f"{chosen.id}: {result.rule} {result.value:.4g} (range {result.minimum:g}-{result.maximum:g})")
    click.echo(f"band: {result.band.label.en if result.band else 'none shipped (pass --bands FILE to use your own)'}")
    for part in result.subscales:
        shown = "not scored" if part.value is None else f"{part.value:.4g}"
        click.echo(f"{part.id}: {shown}" + (f" ({part.band.label.en})" if part.band else ""))
    for cutoff in result.cutoffs:
        click.echo(f"cut-off: {cutoff.label.en}")
    if result.missing:
        click.echo(f"missing items: {', '.join(map(str, result.missing))}")
    for number in result.safety_items:
        click.echo(f"safety: item {number} is above its lowest answer; assess safety before anything else")


@main.command("collect")
@click.argument("homes", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The SUBMISSIONS folder to copy <user>/<case_id>.json into (what `swtrain grade` reads).",
)
@click.option(
    "--course-dir",
    default="course/notebooks",
    show_default=True,
    help="Where the module notebooks are in each home (the nbgitpuller targetpath, then notebooks).",
)
@click.option("--users", help="Comma-separated user names (default: every folder in HOMES).")
@click.option(
    "--users-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file of user names, one a line ('#' starts a comment).",
)
def collect_command(homes: Path, out: Path, course_dir: str, users: str | None, users_file: Path | None) -> None:
    """Copy each user's answer files from HOMES/<user>/<course-dir>/responses/ into OUT/<user>/, for
    `swtrain grade OUT`.

    The user is the trainee: a file naming another trainee, a symbolic link
    (never followed), a file over 5 MB or one that is not an answer file is not
    copied but listed in OUT/collect_problems.csv, as is a home that cannot be
    read. Reading other users' homes needs the instructor's rights (root, or a
    group with read access); the command never asks for more. Files already
    collected unchanged are left alone. Exit code 0: everything was collected;
    3: something was not (see OUT/collect_problems.csv).
    """
    from .collect import collect, read_users_file

    if users and users_file:
        raise click.UsageError("Give --users or --users-file, not both.")
    names = [u.strip() for u in users.split(",") if u.strip()] if users else None
    try:
        done = collect(homes, out, course_dir=course_dir, users=read_users_file(users_file) if users_file else names)
    except (SwtrainError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Collected from {len(done.users)} users ({len(done.nothing_collected)} with nothing to collect): "
        f"{len(done.copied)} files copied, {len(done.unchanged)} unchanged, {len(done.problems)} problems."
    )
    click.echo(f"Wrote {out} for `swtrain grade {out} --out GRADED`; problems in {done.problems_file}")
    if done.problems:
        sys.exit(SOME_FILES_NOT_GRADED)


def _register_serve() -> None:
    # The trainee app's command lives with the app (swtrain.app), which imports nothing heavy at import time.
    from .app import serve_command

    main.add_command(serve_command, "serve")


_register_serve()
