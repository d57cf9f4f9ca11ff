"""The pages the screen check looks at, and a course folder that makes each of them.

`page_specs()` lists every page, in the order the check visits them: the app
(Voilà) pages and the JupyterLab notebooks of every case in both languages,
practice mode unanswered and answered and feedback mode; the app's index in
both languages and JupyterLab's index; the feedback pages `swtrain grade`
writes; the cohort report exported to HTML in both languages.

`build_site()` makes what they need in a temporary folder: a copy of
notebooks/, answer files (each case answered in each language, every other
exercise right, by the kinds' own `demo_answer`), a notebook per case,
language and state with its parameters set as a trainee or instructor would
set them (the app's own route needs none for practice mode: its address picks
case and language), and the graded cohort: the same answer files plus a demo
cohort per case, graded by `swtrain grade`.

The cohort report is exported by `swtrain report`, the command the README gives
instructors.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from swtrain.cases import load_case, load_key, load_modules
from swtrain.cli import main
from swtrain.cohort import grade_cohort
from swtrain.demo import Plants, write_demo_cohort
from swtrain.exercises import kind_of
from swtrain.models import Case, Responses
from swtrain.store import FileStore
from swtrain.variants import derive_variant

ROOT = Path(__file__).resolve().parent.parent
CASEDATA = ROOT / "casedata"
LANGUAGES = ("en", "zh")
STATES = ("unanswered", "answered", "feedback")
WIDTHS = (1280, 800)
ANSWERED = "screen-{language}"  # the trainee whose answer file holds a case answered in that language
UNANSWERED = "screen-blank"  # a trainee who has answered nothing
DEMO_COHORT = 3  # trainees per case in the graded demo cohort, one of them a deliberately bad file


@dataclass(frozen=True)
class PageSpec:
    """One page the screen check loads: where it is shown, which case, language and state."""

    kind: str  # app | lab | app-index | lab-index | feedback-page | cohort-report | item-analysis
    language: str
    case_id: str = ""
    state: str = ""

    @property
    def name(self) -> str:
        return "-".join(part for part in (self.kind, self.case_id, self.language, self.state) if part)

    @property
    def notebook(self) -> str:
        """The parameterized notebook that shows a case page in JupyterLab (and app pages after practice)."""
        return f"screen-{self.case_id}-{self.language}-{self.state}.ipynb"


def case_ids() -> list[str]:
    return sorted(p.name for p in CASEDATA.iterdir() if (p / "case.yaml").is_file())


def page_specs() -> list[PageSpec]:
    """Every page the screen check looks at, in the order it visits them."""
    specs = [PageSpec("app-index", language) for language in LANGUAGES]
    for kind in ("app", "lab"):
        for case_id in case_ids():
            for language in LANGUAGES:
                specs.extend(PageSpec(kind, language, case_id, state) for state in STATES)
    specs.append(PageSpec("lab-index", "en"))
    for case_id in case_ids():
        specs.extend(PageSpec("feedback-page", language, case_id) for language in LANGUAGES)
    specs.extend(PageSpec("cohort-report", language) for language in LANGUAGES)
    specs.extend(PageSpec("item-analysis", language) for language in LANGUAGES)
    return specs


# --- answers ----------------------------------------------------------------------------------------


def answered(case: Case, trainee_id: str, language: str) -> Responses:
    """Every exercise answered, alternately right and wrong, as the widgets would save it."""
    key = load_key(case)
    variant = derive_variant(trainee_id, case.id)
    rng = random.Random(f"{case.id}-{language}")
    responses = Responses(trainee_id=trainee_id, case_id=case.id, variant=variant, language=language)
    when = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    for number, exercise in enumerate(case.exercises):
        right = number % 2 == 0
        value = kind_of(exercise).demo_answer(exercise, key.exercises[exercise.id], variant, right, language, rng)
        responses = responses.with_answer(exercise.id, value, when)
    return responses


# --- notebooks --------------------------------------------------------------------------------------

_PARAMETER = re.compile(r"^(?P<name>\w+)(?P<type>:[^=]*)=\s*(?P<value>.*?)(?P<comment>\s+#.*)?$")


def parameterized(notebook: dict, **values: str) -> dict:
    """`notebook` with its parameters cell's values replaced, as a person edits them (no cell is added)."""
    cell = next(c for c in notebook["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    lines, missing = [], set(values)
    for line in source.splitlines():
        found = _PARAMETER.match(line)
        if found and found.group("name") in values:
            name = found.group("name")
            missing.discard(name)
            line = f"{name}{found.group('type')}= {json.dumps(values[name])}{found.group('comment') or ''}"
        lines.append(line)
    if missing:
        raise ValueError(f"The notebook's parameters cell has no {sorted(missing)}")
    cell["source"] = "\n".join(lines)
    return notebook


@dataclass(frozen=True)
class Site:
    """The course folder the servers serve, and the graded cohort's output folders."""

    notebooks: Path
    graded: Path
    reports: Path

    def feedback_page(self, spec: PageSpec) -> Path:
        return self.graded / "feedback" / ANSWERED.format(language=spec.language) / f"{spec.case_id}.html"

    def cohort_report(self, spec: PageSpec) -> Path:
        return self.reports / f"cohort-report-{spec.language}.html"

    def item_analysis(self, spec: PageSpec) -> Path:
        return self.reports / f"item-analysis-{spec.language}" / "item_analysis.html"


def build_site(work: Path) -> Site:
    """A copy of notebooks/ with answer files and a parameterized notebook per case page; the graded cohort."""
    notebooks = work / "notebooks"
    shutil.copytree(ROOT / "notebooks", notebooks, ignore=shutil.ignore_patterns("responses", ".ipynb_checkpoints"))
    store = FileStore(notebooks / "responses")
    submissions = work / "submissions"
    by_module = {m.id: m.notebook for m in load_modules()}
    for case_id in case_ids():
        case = load_case(case_id)
        module_notebook = json.loads((notebooks / by_module[case.module]).read_text(encoding="utf-8"))
        for language in LANGUAGES:
            trainee = ANSWERED.format(language=language)
            responses = answered(case, trainee, language)
            store.save(responses)
            FileStore(submissions).save(responses)
            for state in STATES:
                spec = PageSpec("lab", language, case_id, state)
                values = {
                    "case_id": case_id,
                    "trainee_id": UNANSWERED if state == "unanswered" else trainee,
                    "language": language,
                    "mode": "feedback" if state == "feedback" else "practice",
                }
                page = parameterized(json.loads(json.dumps(module_notebook)), **values)
                (notebooks / spec.notebook).write_text(json.dumps(page, ensure_ascii=False, indent=1), "utf-8")
        write_demo_cohort(case_id, DEMO_COHORT, seed=15, out=submissions, bad=1)
    graded = work / "graded"
    grading = CliRunner().invoke(main, ["grade", str(submissions), "--out", str(graded), "--no-progress"])
    if grading.exit_code not in (0, 3):  # 3: the demo cohort's deliberately bad files were not graded
        raise AssertionError(f"swtrain grade failed ({grading.exit_code}):\n{grading.output}") from grading.exception
    site = Site(notebooks=notebooks, graded=graded, reports=work / "reports")
    write_item_analyses(site, work)
    return site


def write_item_analyses(site: Site, work: Path) -> None:
    """The item analysis page in each language, of a demo cohort with every effect planted (so that every
    section of the page is there: flags, the two texts of a DIF item, the markers' agreement)."""
    plants = Plants(miskey="engage-child", flat="confidentiality-limits", dif="distress-band", markers=2, lenient=True)
    write_demo_cohort("child-in-crisis", 400, 1, work / "planted", plants=plants, reviews_dir=work / "planted-reviews")
    for language in LANGUAGES:
        out = site.item_analysis(PageSpec("item-analysis", language)).parent
        grade_cohort(work / "planted", out, reviews_dir=work / "planted-reviews", language=language)


def export_cohort_reports(site: Site, work: Path) -> list[subprocess.Popen[bytes]]:
    """Start exporting the cohort report in each language with `swtrain report`, the README's command, in the
    background.

    The processes run while the browser checks other pages; wait for them before loading the reports.
    """
    site.reports.mkdir(parents=True, exist_ok=True)
    swtrain = Path(sys.executable).with_name("swtrain")
    started = []
    for language in LANGUAGES:
        log = (site.reports / f"cohort-report-{language}.log").open("wb")
        command = [
            str(swtrain), "report", str(work / "submissions"),
            "--out", str(site.cohort_report(PageSpec("cohort-report", language))),
            "--graded", str(work / f"report-graded-{language}"),
            "--language", language,
        ]  # fmt: skip
        started.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=work))
        log.close()
    return started
