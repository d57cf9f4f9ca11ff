"""The trainee app: the course as a code-free web page, served by Voilà (`swtrain serve`).

Voilà runs each notebook in a kernel of its own and sends the page only the
text and the widgets: no code cell, no input area, no traceback. Addresses:

    /voila/render/index.ipynb?language=zh
        the course index: a language switch and, per module, a link per case
    /voila/render/crisis_intervention.ipynb?case_id=child-in-crisis&language=zh
        a module notebook on one case, in one language

The query picks only `case_id` and `language`, both validated; anything else in
it (`mode`, `trainee_id`, `variant`, `responses_dir`) is ignored, so a trainee
cannot turn an assessed course into practice or answer as someone else. The
trainee is `$JUPYTERHUB_USER` on a hub, else `$SWTRAIN_TRAINEE` (set by
`swtrain serve --trainee`), else the notebook's own `trainee_id`. A Voilà
kernel runs in the notebook's folder, so answers go to the same
`responses/<trainee>/<case>.json` as in JupyterLab.

Outside Voilà (JupyterLab, papermill, nbval) `app_parameters` returns the
notebook's parameters unchanged and `show_course` shows nothing.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from html import escape
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlencode

import click

from .errors import SwtrainError
from .i18n import available_languages, check_language, messages

TRAINEE_VARIABLE = "SWTRAIN_TRAINEE"
LANGUAGE_VARIABLE = "SWTRAIN_LANGUAGE"
HUB_USER_VARIABLE = "JUPYTERHUB_USER"
#: The module notebooks' default trainee_id: a placeholder, replaced by the hub's user on a hub.
PLACEHOLDER_TRAINEE = "demo"
# Voilà sets this in every kernel it starts for a page (with QUERY_STRING); JupyterLab and papermill do not.
VOILA_VARIABLE = "VOILA_REQUEST_URL"
INDEX = "index.ipynb"
NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
#: Folders and files the app's file list never shows (instructor notebooks also refuse to run in the app).
HIDDEN_FROM_TRAINEES = {"instructor", "responses", "submissions", "graded", "reviews", "__pycache__", "*.pyc"}
# Voilà replaces a failed cell's traceback with "There was an error when executing cell [n]." and this line.
CELL_ERROR_INSTRUCTION = "The box above says what to fix. 请按上方提示修改。"


class AppParameters(NamedTuple):
    """What a module notebook opens in the app: which case, for whom, in which language."""

    case_id: str
    trainee_id: str
    language: str


def in_app(environ: Mapping[str, str] | None = None) -> bool:
    """True in a kernel that Voilà started for a page."""
    return VOILA_VARIABLE in (os.environ if environ is None else environ)


def query_values(environ: Mapping[str, str]) -> dict[str, str]:
    """The page's query as name -> value (the last value of a repeated name)."""
    parsed = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    return {name: values[-1].strip() for name, values in parsed.items()}


def check_trainee_id(trainee_id: str) -> str:
    # swtrain.store (and pydantic) load on first use, so `swtrain --help` stays quick
    from .store import check_trainee_id as check

    return check(trainee_id)


def app_trainee(trainee_id: str, environ: Mapping[str, str]) -> str:
    """The hub's user, else the server's trainee, else `trainee_id`; never anything from the query."""
    chosen = environ.get(HUB_USER_VARIABLE) or environ.get(TRAINEE_VARIABLE) or trainee_id
    return check_trainee_id(chosen)


def app_parameters(
    case_id: str, trainee_id: str, language: str, environ: Mapping[str, str] | None = None
) -> AppParameters:
    """The module notebook's case, trainee and language as the web app chose them.

    Outside Voilà the parameters come back as given, except that on a hub the
    notebook's placeholder trainee "demo" becomes the hub's user (the name
    `swtrain collect` expects). In the app the query's
    `case_id` (a case of the same module as the notebook's own) and `language`
    win, errors are shown as a readable box (never a traceback), and the page
    gets a link back to the course index.
    """
    environ = os.environ if environ is None else environ
    if not in_app(environ):
        if trainee_id == PLACEHOLDER_TRAINEE and environ.get(HUB_USER_VARIABLE):
            trainee_id = check_trainee_id(environ[HUB_USER_VARIABLE])
        return AppParameters(case_id, trainee_id, language)
    from .notebook import show_errors_readably

    show_errors_readably()
    query = query_values(environ)
    chosen_language = check_language(query.get("language") or environ.get(LANGUAGE_VARIABLE) or language)
    show_errors_readably(chosen_language)
    _show_html(_back_link_html(chosen_language))  # first, so a page with an error still leads back
    chosen_case = query.get("case_id") or case_id
    if chosen_case != case_id:
        _check_same_module(chosen_case, case_id)
    return AppParameters(chosen_case, app_trainee(trainee_id, environ), chosen_language)


def _back_link_html(language: str) -> str:
    href = f"{INDEX}?{urlencode({'language': language})}"
    msg = messages(language)
    label = msg("All cases")
    return f'<a class="swtrain-back" href="{escape(href)}">← {escape(label)}</a>'


def _show_html(html: str) -> None:
    """Display `html` in a notebook kernel; nothing elsewhere (a plain test)."""
    from IPython import get_ipython
    from IPython.display import HTML, display

    if get_ipython() is not None:
        display(HTML(html))


def _check_same_module(case_id: str, notebook_case_id: str) -> None:
    from .cases import load_case, load_modules

    case, own = load_case(case_id), load_case(notebook_case_id)
    if case.module != own.module:
        notebook = {m.id: m.notebook for m in load_modules()}.get(case.module, "its module's notebook")
        raise SwtrainError(
            f"Case {case_id!r} belongs to module {case.module!r}, not to this notebook's module {own.module!r}.",
            f"Open it with {notebook}, from the course index.",
        )


def case_link(notebook: str, case_id: str, language: str) -> str:
    """The app address of a case, relative to the index: `notebook?case_id=...&language=...`."""
    return f"{notebook}?{urlencode({'case_id': case_id, 'language': language})}"


def course_html(language: str, root: Path | None = None) -> str:
    """Every module with cases, each case a link that opens it in `language`."""
    from . import render
    from .cases import cases_by_module, load_modules

    msg = messages(language)
    grouped = cases_by_module(root)
    title = msg("Modules and cases")
    parts = [f"<h2>{escape(title)}</h2>"]
    for module in load_modules(root):
        cases = grouped.get(module.id)
        if not cases:
            continue  # a module without cases has no notebook yet
        items = "".join(
            f'<li><a class="swtrain-case-link" href="{escape(case_link(module.notebook, case.id, language))}">'
            f"{escape(case.title.get(language))}</a></li>"
            for case in cases
        )
        parts.append(
            f'<div class="swtrain-module" style="{render.STYLE["box"]}">'
            f"<h3>{escape(module.title.get(language))}</h3><p>{escape(module.description.get(language))}</p>"
            f"<ul>{items}</ul></div>"
        )
    return "".join(parts)


def course_widget(language: str = "en", root: Path | None = None) -> Any:
    """The app's course index: a language switch over the list of modules and case links."""
    import ipywidgets as w

    from .notebook import language_name

    msg = messages(language)
    listing = w.HTML(course_html(language, root))
    listing.add_class("swtrain-course")
    switch = w.ToggleButtons(
        options=[(language_name(code), code) for code in available_languages()],
        value=language,
        description=msg("Language"),
        style={"button_width": "auto"},
    )
    switch.add_class("swtrain-language")

    def switch_to(change: dict[str, Any]) -> None:
        msg = messages(change["new"])
        switch.description = msg("Language")
        listing.value = course_html(change["new"], root)

    switch.observe(switch_to, names="value")
    return w.VBox([switch, listing])


# The index's markdown tells a JupyterLab user to run cells; in the app the widget takes its place.
_HIDE_LAB_TEXT = "<style>.celltag_lab-only { display: none; }</style>"


def show_course(language: str = "en", environ: Mapping[str, str] | None = None) -> None:
    """In the app, show the course index in the page's language; elsewhere nothing (the markdown table is there)."""
    environ = os.environ if environ is None else environ
    if not in_app(environ):
        return
    from IPython.display import display

    from .notebook import show_errors_readably

    show_errors_readably()
    chosen = check_language(query_values(environ).get("language") or environ.get(LANGUAGE_VARIABLE) or language)
    _show_html(_HIDE_LAB_TEXT)
    display(course_widget(chosen))


def instructors_only(environ: Mapping[str, str] | None = None) -> None:
    """Stop an instructor notebook run in the trainee app, before it reads any trainee's answers."""
    if in_app(environ):
        from .notebook import show_errors_readably

        show_errors_readably()
        raise SwtrainError(
            "This notebook is for instructors; the course app does not run it.",
            "Open the course's list of cases instead.",
        )


_ABSOLUTE_PATH = re.compile(r"(?<![\w./:])(?:/[^\s/'\"(),:;]+)+/?")


def without_paths(text: str) -> str:
    """`text` with every absolute path cut to its last part: a trainee sees no server folder names."""
    return _ABSOLUTE_PATH.sub(lambda m: m.group(0).rstrip("/").rsplit("/", 1)[-1] or "/", text)


# --- the server -------------------------------------------------------------------------------


def app_url(port: int, language: str) -> str:
    """Where the app opens: the course index rendered by Voilà, in `language`."""
    return f"http://127.0.0.1:{port}/voila/render/{INDEX}?{urlencode({'language': language})}"


def voila_command(notebooks: Path, port: int) -> list[str]:
    """The Voilà command line serving `notebooks` on loopback, code and tracebacks hidden."""
    return [
        sys.executable,
        "-m",
        "voila",
        str(notebooks),
        "--no-browser",  # swtrain opens the index itself; Voilà would open its file list
        "--Voila.ip=127.0.0.1",
        f"--Voila.port={port}",
        "--Voila.port_retries=0",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.strip_sources=True",
        # the tree page lists trainee notebooks only; answers and instructor material are not listed
        *(f"--LargeFileManager.hide_globs={name}" for name in sorted(HIDDEN_FROM_TRAINEES)),
        f"--VoilaExecutor.cell_error_instruction={CELL_ERROR_INSTRUCTION}",
    ]


def voila_environment(language: str, trainee: str | None, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The server's environment (its kernels inherit it): the app's default language and the trainee."""
    env = dict(os.environ if base is None else base)
    env[LANGUAGE_VARIABLE] = check_language(language)
    if trainee is not None:
        env[TRAINEE_VARIABLE] = check_trainee_id(trainee)
    return env


def run_server(command: list[str], env: Mapping[str, str], port: int, open_url: str | None = None) -> int:
    """Run the server until it ends (Ctrl+C or SIGTERM stop it and its kernels); its exit code.

    With `open_url`, the default web browser opens it once the server listens.
    """
    import signal
    import subprocess

    process = subprocess.Popen(command, env=dict(env))
    previous = signal.signal(signal.SIGTERM, lambda _signum, _frame: process.terminate())
    try:
        if open_url:
            _wait_then_open(open_url, port, process)
        return process.wait()
    except KeyboardInterrupt:  # the terminal sent it to Voilà too; wait for it to finish
        process.terminate()
        return process.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)


def _wait_then_open(url: str, port: int, process: Any, seconds: float = 60.0) -> None:
    import socket
    import time
    import webbrowser

    end = time.monotonic() + seconds
    while time.monotonic() < end and process.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                webbrowser.open(url)
                return
        except OSError:
            time.sleep(0.2)


@click.command("serve")
@click.option("--port", type=click.IntRange(1, 65535), default=8866, show_default=True, help="Port on 127.0.0.1.")
@click.option(
    "--language",
    type=click.Choice(available_languages()),
    default="en",
    show_default=True,
    help="The language the app opens in (a trainee can switch on every page).",
)
@click.option("--trainee", help="Whose answers the app loads and saves (default: $JUPYTERHUB_USER, else 'demo').")
@click.option("--no-browser", is_flag=True, help="Do not open a web browser.")
def serve_command(port: int, language: str, trainee: str | None, no_browser: bool) -> None:
    """Start the course as a web app with Voilà: text and widgets only, no code; the URL is printed.

    Answers are saved to notebooks/responses/<trainee>/<case>.json, the same files JupyterLab uses.
    """
    try:
        env = voila_environment(language, trainee)
    except SwtrainError as exc:
        raise click.ClickException(str(exc)) from None
    if not NOTEBOOKS.is_dir():
        raise click.ClickException(f"No notebooks folder at {NOTEBOOKS}: run from a source checkout.")
    url = app_url(port, language)
    click.echo(f"The course app: {url}  (Ctrl+C stops it)")
    sys.exit(run_server(voila_command(NOTEBOOKS, port), env, port, None if no_browser else url))
