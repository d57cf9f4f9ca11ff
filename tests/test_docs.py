"""The case authors' guide: its commands exist, its complete example case passes check, its twin matches."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import TypeAdapter

from swtrain.cases import load_case, load_key
from swtrain.checks import check_case_dir, cue_findings
from swtrain.cli import main
from swtrain.models import Dataset, Exercise, ExerciseKey, Interview, ModuleList, Person, Section, TimelineEvent

from .conftest import ROOT

DOCS = ROOT / "docs"
GUIDES = [DOCS / "authoring.md", DOCS / "authoring.zh.md"]
FENCE = re.compile(r"^[ \t]*```([^\n]*)\n(.*?)^[ \t]*```[ \t]*$", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`([^`\n]+)`")
COMMAND = re.compile(r"\bswtrain ([a-z][a-z-]*)")
WHOLE_FILES = ("# case.yaml", "# key.yaml")

#: What a partial snippet's top-level field holds, so snippets are checked against the models too.
SNIPPET_LISTS: dict[str, Any] = {
    "sections": Section,
    "people": Person,
    "timeline": TimelineEvent,
    "interviews": Interview,
    "datasets": Dataset,
}


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def blocks(path: Path) -> list[tuple[str, str]]:
    """Every fenced block of the page: (info string, content)."""
    return [(info.strip(), body) for info, body in FENCE.findall(text(path))]


def yaml_blocks(path: Path) -> list[str]:
    return [body for info, body in blocks(path) if info == "yaml"]


def headings(path: Path) -> list[int]:
    """The level of each heading, in order, outside fenced blocks."""
    prose = FENCE.sub("", text(path))
    return [len(m.group(1)) for m in re.finditer(r"^(#{1,6}) \S", prose, re.MULTILINE)]


def write_example(path: Path, folder: Path) -> Path:
    """The page's complete example files (# case.yaml, # key.yaml, ```csv NAME) in a case folder of their own."""
    found = {"case.yaml": 0, "key.yaml": 0}
    files: dict[str, str] = {}
    for info, body in blocks(path):
        first = body.split("\n", 1)[0].strip()
        if info == "yaml" and first in WHOLE_FILES:
            name = first.removeprefix("# ")
            found[name] += 1
            files[name] = body
        elif info.startswith("csv "):
            files[info.split()[1]] = body
    assert found == {"case.yaml": 1, "key.yaml": 1}, f"{path.name}: one whole case.yaml and key.yaml, found {found}"
    case = yaml.safe_load(files["case.yaml"])
    root = folder / "casedata"
    (root / case["id"]).mkdir(parents=True)
    modules = {
        "schema_version": 1,
        "modules": [
            {
                "id": case["module"],
                "notebook": "example.ipynb",
                "title": {"en": "Example", "zh": "示例"},
                "description": {"en": "A module for the guide's example.", "zh": "指南示例所用的模块。"},
            }
        ],
    }
    (root / "modules.yaml").write_text(yaml.safe_dump(modules, allow_unicode=True), encoding="utf-8")
    for name, body in files.items():
        (root / case["id"] / name).write_text(body, encoding="utf-8")
    return root / case["id"]


def test_every_command_mentioned_is_a_real_command() -> None:
    mentioned: dict[str, set[str]] = {}
    for path in GUIDES:
        page = text(path)
        code = [body for _, body in FENCE.findall(page)] + INLINE_CODE.findall(FENCE.sub("", page))
        for snippet in code:
            for name in COMMAND.findall(snippet):
                mentioned.setdefault(name, set()).add(path.name)
    unknown = {name: sorted(pages) for name, pages in mentioned.items() if name not in main.commands}
    assert not unknown, f"not commands of swtrain: {unknown}"
    assert {"new-case", "check", "release", "schema", "cases"} <= set(mentioned)


@pytest.mark.parametrize("path", GUIDES, ids=lambda p: p.name)
def test_the_complete_example_case_loads_and_passes_check(path: Path, tmp_path: Path) -> None:
    folder = write_example(path, tmp_path)
    case = load_case(folder.name, folder.parent)
    key = load_key(case, folder.parent)
    assert set(key.exercises) == {e.id for e in case.exercises}
    assert [str(f) for f in check_case_dir(folder)] == []
    # the guide's model case is also a model item writer: `check --strict` has no warning for it
    assert [str(f) for f in cue_findings([folder])] == []


@pytest.mark.parametrize("path", GUIDES, ids=lambda p: p.name)
def test_every_yaml_block_is_yaml_and_every_snippet_fits_the_models(path: Path) -> None:
    for body in yaml_blocks(path):
        first = body.split("\n", 1)[0].strip()
        assert first in WHOLE_FILES or first.startswith("# snippet"), f"{path.name}: unmarked block {first!r}"
        data = yaml.safe_load(body)
        assert isinstance(data, dict), f"{path.name}: {first}: a mapping"
        if not first.startswith("# snippet"):
            continue
        if "modules" in data:
            ModuleList.model_validate(data)
        exercises = data.get("exercises")
        if isinstance(exercises, list):
            for exercise in exercises:
                TypeAdapter(Exercise).validate_python(exercise)
        elif isinstance(exercises, dict):
            for entry in exercises.values():
                TypeAdapter(ExerciseKey).validate_python(entry)
        for field, model in SNIPPET_LISTS.items():
            for item in data.get(field, ()):
                model.model_validate(item)


def test_the_two_languages_have_the_same_structure() -> None:
    english, chinese = GUIDES
    assert len(headings(english)) == len(headings(chinese))
    assert headings(english) == headings(chinese)
    assert len(yaml_blocks(english)) == len(yaml_blocks(chinese))
    assert [info for info, _ in blocks(english)] == [info for info, _ in blocks(chinese)]


def test_the_complete_example_is_the_same_case_in_both_pages(tmp_path: Path) -> None:
    english, chinese = (write_example(path, tmp_path / path.stem) for path in GUIDES)
    for name in ("case.yaml", "key.yaml"):
        assert yaml.safe_load((english / name).read_text(encoding="utf-8")) == yaml.safe_load(
            (chinese / name).read_text(encoding="utf-8")
        )


def test_each_page_links_to_the_other() -> None:
    english, chinese = GUIDES
    assert "](authoring.zh.md)" in text(english)
    assert "](authoring.md)" in text(chinese)


@pytest.mark.parametrize("path", GUIDES, ids=lambda p: p.name)
def test_every_exercise_type_has_its_section_with_a_snippet(path: Path) -> None:
    from swtrain.exercises import KINDS

    page = text(path)
    for name in KINDS:
        section = re.search(rf"^### {name}\b.*?(?=^##)", page, re.MULTILINE | re.DOTALL)
        assert section, f"{path.name}: no section ### {name}"
        assert f"type: {name}" in section.group(0), f"{path.name}: the {name} section has no snippet of its type"


#: How section 12 broke copies of four shipped cases: (file under casedata/, text, replacement).
BROKEN_FOR_SECTION_12 = [
    ("child-in-crisis/case.yaml", "module: crisis-intervention", "module: crisis-intervension"),
    ("child-in-crisis/case.yaml", "        **Xiaoyu** is nine.", "        **Xiaoyu** is nine. On 2024-03-05"),
    ("child-in-crisis/key.yaml", "    answer: lethality", "    answer: lethal"),
    ("kidney-ward-group/case.yaml", "  zh: 肾脏内科病房里的支持性小组", "  zh-Hans: 肾脏内科病房里的支持性小组"),
    ("elderly-self-management/scores.csv", "M01,after,6.2,55", "M01,later,6.2,5five"),
    ("leukaemia-boy/case.yaml", "{en: Rent for the room, zh:", "{en: Rent: the room near the hospital, zh:"),
]


@pytest.mark.parametrize("path", GUIDES, ids=lambda p: p.name)
def test_the_error_messages_shown_are_what_check_prints(path: Path, tmp_path: Path) -> None:
    import shutil

    shutil.copytree(ROOT / "casedata", tmp_path / "casedata")
    for name, old, new in BROKEN_FOR_SECTION_12:
        file = tmp_path / "casedata" / name
        content = file.read_text(encoding="utf-8")
        assert content.count(old) >= 1, (name, old)
        file.write_text(content.replace(old, new, 1), encoding="utf-8")
    folders = ["child-in-crisis", "kidney-ward-group", "elderly-self-management", "leukaemia-boy"]
    printed = [
        str(finding).replace(f"{tmp_path}/", "")
        for folder in folders
        for finding in check_case_dir(tmp_path / "casedata" / folder)
    ]
    page = text(path)
    section = page[page.index("## 12. ") : page.index("## 13. ")]
    shown = next(body for info, body in FENCE.findall(section) if body.startswith("casedata/"))
    assert printed == shown.splitlines()
