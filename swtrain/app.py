"""The trainee app: the course as a code-free web page, served by Voilà (`swtrain serve`).

Voilà runs each notebook in a kernel of its own and sends the page only the
text and the widgets: no code cell, no input area, no traceback. Addresses:

    /voila/render/index.ipynb?language=zh
        the course index: a language switch and, per module, a link per case with the trainee's progress
    /voila/render/crisis_intervention.ipynb?case_id=child-in-crisis&language=zh
        a module notebook on one case, in one language

When the trainee switches language on a page, the address's `language`
follows without a reload (`page_setup_html`), links carry it, and the choice
is remembered beside the trainee's answers: a reload, the back link and the
next visit all keep it.

The query picks only `case_id` and `language`, both validated; anything else in
it (`mode`, `trainee_id`, `variant`, `responses_dir`) is ignored, so a trainee
cannot turn an assessed course into practice or answer as someone else. The
trainee is `$JUPYTERHUB_USER` on a hub, else `$SWTRAIN_TRAINEE` (set by
`swtrain serve --trainee`), else the notebook's own `trainee_id`. A Voilà
kernel runs in the notebook's folder, so answers go to the same
`responses/<trainee>/<case>.json` as in JupyterLab.

Outside Voilà (JupyterLab, papermill, nbval) `app_parameters` returns the
notebook's parameters, with an empty `language` taken from the trainee's
last choice.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from html import escape
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qs, urlencode

import click

from .app_pool import POOL_REFILL_SECONDS, PREHEAT_VARIABLE, parse_pool, pool_settings, wait_for_page, warm_up_module
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
#: Folders and files the app's file list never shows (instructor notebooks also refuse to run in the app;
#: cases/ holds JupyterLab's one-case notebooks: the app opens a case from its index).
HIDDEN_FROM_TRAINEES = {"instructor", "cases", "responses", "submissions", "graded", "reviews", "__pycache__", "*.pyc"}
# Voilà replaces a failed cell's traceback with "There was an error when executing cell [n]." and this line.
CELL_ERROR_INSTRUCTION = "The box above says what to fix. 请按上方提示修改。"


#: Voilà's settings for the app: no code, no traceback, a cell's error explained in both languages. JupyterHub's
#: single-user servers get the same (deploy/jupyterhub/jupyterhub_config.py).
#: A kernel whose page went away without a word (a crashed tab, a laptop asleep) is shut down after this many
#: idle seconds with no page connected (`swtrain serve --cull-after`); and how often the culler looks.
CULL_IDLE_SECONDS = 600
CULL_INTERVAL_SECONDS = 60

VOILA_SETTINGS = (
    "--VoilaConfiguration.show_tracebacks=False",
    "--VoilaConfiguration.strip_sources=True",
    f"--VoilaExecutor.cell_error_instruction={CELL_ERROR_INSTRUCTION}",
)


class AppParameters(NamedTuple):
    """What a module notebook opens in the app: which case, for whom, in which language."""

    case_id: str
    trainee_id: str
    language: str


def in_app(environ: Mapping[str, str] | None = None) -> bool:
    """True in a kernel that Voilà started for a page, or preheated for one (swtrain.app_server's pool)."""
    environ = os.environ if environ is None else environ
    return VOILA_VARIABLE in environ or environ.get(PREHEAT_VARIABLE) == "True"


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


def page_trainee(trainee_id: str, environ: Mapping[str, str] | None = None) -> str:
    """Whose answers a page shows: in the app see `app_trainee`; elsewhere `trainee_id`, except that on a hub
    the notebooks' placeholder "demo" becomes the hub's user."""
    environ = os.environ if environ is None else environ
    if in_app(environ):
        return app_trainee(trainee_id, environ)
    if trainee_id == PLACEHOLDER_TRAINEE and environ.get(HUB_USER_VARIABLE):
        return check_trainee_id(environ[HUB_USER_VARIABLE])
    return check_trainee_id(trainee_id)


def page_language(
    language: str, trainee_id: str, responses_dir: str | Path = "responses", environ: Mapping[str, str] | None = None
) -> str:
    """The language a page opens in.

    In the app: the address's `language`, else the trainee's last choice, else the app's default
    (`swtrain serve --language`), else the notebook's `language`, else English. Elsewhere (JupyterLab,
    papermill): the notebook's `language` ("" leaves the choice to the trainee), else the trainee's last
    choice, else English.
    """
    environ = os.environ if environ is None else environ
    from .progress import remembered_language

    if in_app(environ):
        chosen = (
            query_values(environ).get("language")
            or remembered_language(responses_dir, trainee_id)
            or environ.get(LANGUAGE_VARIABLE)
            or language
            or "en"
        )
    else:
        chosen = language or remembered_language(responses_dir, trainee_id) or "en"
    return check_language(chosen)


def app_parameters(
    case_id: str,
    trainee_id: str,
    language: str,
    environ: Mapping[str, str] | None = None,
    *,
    responses_dir: str | Path = "responses",
) -> AppParameters:
    """The module notebook's case, trainee and language as the trainee chose them.

    Outside Voilà the case stays as given; on a hub the notebook's placeholder
    trainee "demo" becomes the hub's user (the name `swtrain collect`
    expects); a `language` of "" becomes the trainee's last choice (kept in
    `responses_dir`), else English. In the app the query's `case_id` (a case
    of the same module as the notebook's own) and `language` win, errors are
    shown as a readable box with a link back to the course index (never a
    traceback), and the page keeps its address's `language` in step with the
    language the trainee switches to.
    """
    if environ is None:
        wait_for_page(lambda: warm_up_module(case_id))
        environ = os.environ
    if not in_app(environ):
        trainee = page_trainee(trainee_id, environ)
        return AppParameters(case_id, trainee, page_language(language, trainee, responses_dir, environ))
    from .notebook import show_errors_readably

    show_errors_readably()
    trainee = page_trainee(trainee_id, environ)
    chosen_language = page_language(language, trainee, responses_dir, environ)
    show_errors_readably(chosen_language)
    _show_html(page_setup_html(chosen_language))
    chosen_case = query_values(environ).get("case_id") or case_id
    if chosen_case != case_id and case_id:
        _check_same_module(chosen_case, case_id)
    return AppParameters(chosen_case, trainee, chosen_language)


def back_link_html(language: str) -> str:
    """The link from a case page back to the course index, in `language`; it carries the language for the
    page script (see `page_setup_html`)."""
    href = f"{INDEX}?{urlencode({'language': language})}"
    msg = messages(language)
    label = msg("All cases")
    return (
        f'<a class="swtrain-back" data-swtrain-language="{escape(language)}" href="{escape(href)}" '
        f'style="color:#1d4ed8;text-decoration:underline">← {escape(label)}</a>'
    )


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


# JupyterLab's instructions (cells tagged lab-only: "Run All", the static list) are hidden in the app, and so is
# the text in the other language (cells tagged lang-en or lang-zh). The page follows the language on it: the element
# marked data-swtrain-language (the back link, the course list) is rebuilt when the trainee switches; the page's
# `lang` and its address's `language` are set to it without a reload, so a reload, a bookmark and the browser's
# Back keep the language the trainee chose.
_PAGE_SETUP = """<style>
.celltag_lab-only { display: none; }
html:lang(en) .celltag_lang-zh, html:lang(zh) .celltag_lang-en { display: none; }
</style>
<script>
(function (initial) {
  function settle(language) {
    document.documentElement.lang = language === 'zh' ? 'zh-Hans' : language;
    var url = new URL(window.location.href);
    if (url.searchParams.get('language') !== language) {
      url.searchParams.set('language', language);
      window.history.replaceState(window.history.state, '', url.toString());
    }
  }
  if (window.swtrainLanguageFollows) { return; }
  window.swtrainLanguageFollows = true;
  function follow() {
    var marked = document.querySelector('[data-swtrain-language]');
    if (marked) { settle(marked.getAttribute('data-swtrain-language')); }
  }
  settle(initial);
  new MutationObserver(follow).observe(document.body, {subtree: true, childList: true, attributes: true,
                                                     attributeFilter: ['data-swtrain-language']});
})(%s);
</script>"""


def page_setup_html(language: str) -> str:
    """What an app page needs once: JupyterLab's instructions and the other language's text hidden, the page's
    language and address following the language the trainee chooses (`language` to begin with)."""
    import json

    return _PAGE_SETUP % json.dumps(check_language(language))


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


def app_url(port: int, language: str | None = None) -> str:
    """Where the app opens: the course index rendered by Voilà, in `language` (None: the trainee's last choice)."""
    query = f"?{urlencode({'language': language})}" if language else ""
    return f"http://127.0.0.1:{port}/voila/render/{INDEX}{query}"


def voila_command(
    notebooks: Path,
    port: int,
    cull_after: int = CULL_IDLE_SECONDS,
    open_url: str | None = None,
    pool: Mapping[str, int] | None = None,
    pool_refill: float = POOL_REFILL_SECONDS,
) -> list[str]:
    """The app server's command line (swtrain.app_server, Voilà with the course's settings) serving `notebooks`
    on loopback, code and tracebacks hidden, kernels with no page culled after `cull_after` idle seconds (0:
    never); with `open_url`, the browser opens there once the server listens."""
    browser = ["--Voila.open_browser=True", f"--CourseVoila.open_url={open_url}"] if open_url else ["--no-browser"]
    return [
        sys.executable,
        "-m",
        "swtrain.app_server",
        str(notebooks),
        *browser,
        "--Voila.ip=127.0.0.1",
        f"--Voila.port={port}",
        "--Voila.port_retries=0",
        # kernels talk to the server over Unix sockets in Voilà's private folder: no TCP port to race for when
        # a pool starts many kernels at once (a clash killed one in 40), and none open to other local users
        "--KernelManager.transport=ipc",
        *VOILA_SETTINGS,
        *cull_settings(cull_after),
        *pool_settings(notebooks, pool or {}, pool_refill),
        # the tree page lists trainee notebooks only; answers and instructor material are not listed
        *(f"--LargeFileManager.hide_globs={name}" for name in sorted(HIDDEN_FROM_TRAINEES)),
    ]


def cull_settings(idle_seconds: int) -> list[str]:
    """Voilà options that shut down a kernel idle with no page connected for `idle_seconds` (0: never).

    A page that is open keeps its kernel however long the trainee reads: a connected kernel is never culled.
    """
    interval = max(1, min(CULL_INTERVAL_SECONDS, idle_seconds // 4)) if idle_seconds else CULL_INTERVAL_SECONDS
    return [
        f"--MappingKernelManager.cull_idle_timeout={idle_seconds}",
        f"--MappingKernelManager.cull_interval={interval}",
        "--MappingKernelManager.cull_connected=False",
        "--MappingKernelManager.cull_busy=False",
    ]


def voila_environment(
    language: str | None, trainee: str | None, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The server's environment (its kernels inherit it): the app's default language (if given) and the trainee."""
    env = dict(os.environ if base is None else base)
    if language is not None:
        env[LANGUAGE_VARIABLE] = check_language(language)
    if trainee is not None:
        env[TRAINEE_VARIABLE] = check_trainee_id(trainee)
    return env


@click.command("serve")
@click.option("--port", type=click.IntRange(1, 65535), default=8866, show_default=True, help="Port on 127.0.0.1.")
@click.option(
    "--language",
    type=click.Choice(available_languages()),
    default=None,
    help="The language the app opens in (default: the trainee's last choice, else English; a trainee can "
    "switch on every page, and the choice is kept).",
)
@click.option("--trainee", help="Whose answers the app loads and saves (default: $JUPYTERHUB_USER, else 'demo').")
@click.option("--no-browser", is_flag=True, help="Do not open a web browser.")
@click.option(
    "--cull-after",
    type=click.IntRange(0),
    default=CULL_IDLE_SECONDS,
    show_default=True,
    help="Seconds a kernel may sit idle with no page connected before it is shut down (0: never). A page that "
    "is open keeps its kernel; a page left or closed gives its kernel back at once.",
)
@click.option(
    "--pool",
    "pool",
    multiple=True,
    metavar="[NOTEBOOK=]N",
    help="Keep N kernels ready for each trainee notebook's pages (started, swtrain imported, the module's cases "
    "loaded), or for one notebook only with NOTEBOOK=N; a page served from the pool shows in a fraction of "
    "the time. Repeatable; default none. Each ready kernel holds about 47 MiB; the pool is refilled once no "
    "page has taken a kernel for 10 s. For a class, the notebook it opens at once: crisis_intervention.ipynb=40.",
)
def serve_command(
    port: int, language: str | None, trainee: str | None, no_browser: bool, cull_after: int, pool: tuple[str, ...]
) -> None:
    """Start the course as a web app with Voilà: text and widgets only, no code; the URL is printed.

    Answers are saved to notebooks/responses/<trainee>/<case>.json, the same files JupyterLab uses. This
    process becomes the server (no process stays beside it); Ctrl+C stops it and its kernels.
    """
    try:
        env = voila_environment(language, trainee)
    except SwtrainError as exc:
        raise click.ClickException(str(exc)) from None
    if not NOTEBOOKS.is_dir():
        raise click.ClickException(f"No notebooks folder at {NOTEBOOKS}: run from a source checkout.")
    url = app_url(port, language)
    try:
        command = voila_command(NOTEBOOKS, port, cull_after, None if no_browser else url, parse_pool(pool))
    except SwtrainError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"The course app: {url}  (Ctrl+C stops it)")
    sys.stdout.flush()
    os.execve(command[0], command, env)
