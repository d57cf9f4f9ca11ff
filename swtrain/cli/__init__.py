"""The `swtrain` command: a thin shell over the Python API, one module per group of commands.

case_commands     schema, cases, check, new-case, release, instruments, score   (case authors)
grade_commands    grade-file, grade, feedback-notebooks, demo-cohort, export-lms (instructors)
report_commands   report: the cohort report as a page without code             (instructors)
course_commands   lab, collect; serve comes from swtrain.app                     (running a course)
"""

from __future__ import annotations

import click

from ..errors import SwtrainError

#: Exit code of `swtrain grade`, `collect` and `feedback-notebooks` when some files could not be handled
#: (click uses 1 and 2 for errors).
SOME_FILES_NOT_GRADED = 3


def fail(exc: SwtrainError) -> click.ClickException:
    """The project's error as click's, so the command prints it and exits 1."""
    return click.ClickException(str(exc))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="swtrain")
def main() -> None:
    """swtrain: medical social-work cases for Jupyter, graded from saved answers."""


def _register() -> None:
    # The trainee app's command lives with the app (swtrain.app), which imports nothing heavy at import time.
    from ..app import serve_command
    from . import (  # noqa: F401 (each adds its commands to main)
        case_commands,
        course_commands,
        grade_commands,
        report_commands,
    )

    main.add_command(serve_command, "serve")


_register()
