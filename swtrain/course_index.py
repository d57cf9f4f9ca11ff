"""The course index, a trainee's first page: every module, a link per case, and how far the trainee is.

In JupyterLab, index.ipynb holds `index_markdown()`, written when the
notebooks are built: a link per case to its own notebook, `cases/<case-id>.ipynb`
(the module notebook with that case chosen), so each case opens with one
click before anything runs; running the index adds the trainee's progress.
In the web app, `show_course` shows a language switch over the same list,
each case a link to its module notebook with the case and language in the
address, and the trainee's progress under each case.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from html import escape
from pathlib import Path
from typing import Any

from .i18n import Messages, available_languages, messages
from .progress import CaseProgress, progress_text, remember_language, trainee_progress

#: The folder of the one-case notebooks, beside the module notebooks.
CASES_FOLDER = "cases"
LINK_STYLE = "color:#1d4ed8;text-decoration:underline;font-weight:600"


def case_notebook(case_id: str) -> str:
    """The notebook of one case, relative to the course index: `cases/<case-id>.ipynb`."""
    return f"{CASES_FOLDER}/{case_id}.ipynb"


def index_markdown(root: Path | None = None) -> str:
    """The course index as markdown, English and Chinese together: per module its cases, each a link."""
    from .cases import cases_by_module, load_modules

    def line(text: str) -> str:
        return " ".join(text.split())

    grouped = cases_by_module(root)
    parts = []
    for module in load_modules(root):
        cases = grouped.get(module.id)
        if not cases:
            continue  # a module without cases yet has no notebook to open
        links = "\n".join(f"- [{line(c.title.en)} · {line(c.title.get('zh'))}]({case_notebook(c.id)})" for c in cases)
        parts.append(
            f"### {line(module.title.en)} · {line(module.title.get('zh'))}\n\n"
            f"{line(module.description.en)}\n\n{line(module.description.get('zh'))}\n\n{links}\n"
        )
    return "\n".join(parts)


def app_case_link(notebook: str, case_id: str, language: str) -> str:
    """The app address of a case, relative to the index: `notebook?case_id=...&language=...`."""
    from urllib.parse import urlencode

    return f"{notebook}?{urlencode({'case_id': case_id, 'language': language})}"


def course_html(
    language: str,
    progress: Mapping[str, CaseProgress],
    link: Callable[[str, str], str],
    heading: str | None = None,
    root: Path | None = None,
) -> str:
    """Every module with cases, each case a link (`link(notebook, case_id)`) with the trainee's progress under it.

    The list carries its language in `data-swtrain-language`: the app keeps its address in step with it.
    """
    from . import render
    from .cases import cases_by_module, load_modules

    msg = messages(language)
    grouped = cases_by_module(root)
    title = heading or msg("Modules and cases")
    parts = [f'<div class="swtrain-course-list" data-swtrain-language="{escape(language)}">']
    parts.append(f"<h2>{escape(title)}</h2>")
    for module in load_modules(root):
        cases = grouped.get(module.id)
        if not cases:
            continue  # a module without cases has no notebook yet
        items = "".join(
            f'<li style="margin:4px 0"><a class="swtrain-case-link" style="{LINK_STYLE}" '
            f'href="{escape(link(module.notebook, case.id))}">{escape(case.title.get(language))}</a>'
            f"{_progress_line(progress.get(case.id), msg)}</li>"
            for case in cases
        )
        parts.append(
            f'<div class="swtrain-module" style="{render.STYLE["box"]}">'
            f"<h3>{escape(module.title.get(language))}</h3><p>{escape(module.description.get(language))}</p>"
            f"<ul>{items}</ul></div>"
        )
    parts.append("</div>")
    return "".join(parts)


def _progress_line(progress: CaseProgress | None, msg: Messages) -> str:
    if progress is None:
        return ""
    state = "problem" if progress.problem else "started" if progress.started else "new"
    return (
        f'<div class="swtrain-progress swtrain-progress-{state}" style="color:#3f3f46;font-size:0.95em">'
        f"{escape(progress_text(progress, msg))}</div>"
    )


def course_progress(trainee_id: str, responses_dir: str | Path, root: Path | None = None) -> dict[str, CaseProgress]:
    """The trainee's progress in every case, from the answer files under `responses_dir`."""
    from .cases import case_ids, load_case
    from .store import FileStore

    cases = [load_case(case_id, root) for case_id in case_ids(root)]
    return trainee_progress(FileStore(responses_dir), trainee_id, cases)


def course_widget(
    language: str = "en", trainee_id: str = "demo", responses_dir: str | Path = "responses", root: Path | None = None
) -> Any:
    """The app's course index: a language switch over the list of modules, case links and progress.

    Switching the language rewrites the list (its links carry the new language) and remembers the choice.
    """
    import ipywidgets as w

    from .i18n import language_name

    def listing_html(chosen: str) -> str:
        progress = course_progress(trainee_id, responses_dir, root)
        return course_html(
            chosen, progress, lambda notebook, case_id: app_case_link(notebook, case_id, chosen), root=root
        )

    msg = messages(language)
    listing = w.HTML(listing_html(language))
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
        listing.value = listing_html(change["new"])
        remember_language(responses_dir, trainee_id, change["new"])

    switch.observe(switch_to, names="value")
    return w.VBox([switch, listing])


def show_course(
    trainee_id: str = "demo",
    language: str = "",
    responses_dir: str | Path = "responses",
    environ: Mapping[str, str] | None = None,
) -> None:
    """The index's live part: in the app the language switch and the list; in JupyterLab the trainee's progress.

    `language` "" means the trainee's last choice (the app: the address's `language` first).
    """
    from IPython.display import HTML, display

    from .app import in_app, page_language, page_setup_html, page_trainee, wait_for_page
    from .notebook import show_errors_readably

    if environ is None:
        wait_for_page()  # a preheated kernel of the app's pool waits here for its page's request
        environ = os.environ
    show_errors_readably()
    trainee_id = page_trainee(trainee_id, environ)
    chosen = page_language(language, trainee_id, responses_dir, environ)
    if in_app(environ):
        display(HTML(page_setup_html(chosen)))
        display(course_widget(chosen, trainee_id, responses_dir))
        return
    progress = course_progress(trainee_id, responses_dir)
    msg = messages(chosen)
    heading = msg("Your progress")
    display(HTML(course_html(chosen, progress, lambda _notebook, case_id: case_notebook(case_id), heading=heading)))


def show_index(root: Path | None = None) -> None:
    """Display the course index as markdown (JupyterLab's static list)."""
    from IPython.display import Markdown, display

    display(Markdown(index_markdown(root)))
