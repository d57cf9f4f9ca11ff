"""Commands for running a course: JupyterLab on the course notebooks, collecting answers from a hub's homes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..errors import SwtrainError
from . import SOME_FILES_NOT_GRADED, main


@main.command(context_settings={"ignore_unknown_options": True})
@click.option("--port", type=int, default=8888, show_default=True, help="Port on 127.0.0.1.")
@click.option("--no-browser", is_flag=True, help="Do not open a web browser.")
@click.argument("jupyter_args", nargs=-1, type=click.UNPROCESSED)
def lab(port: int, no_browser: bool, jupyter_args: tuple[str, ...]) -> None:
    """Start JupyterLab on loopback on the course notebooks; the URL with its token is printed.

    Further arguments go to `jupyter lab` as they are.
    """
    notebooks = Path(__file__).resolve().parent.parent.parent / "notebooks"
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
    from ..collect import collect, read_users_file

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
