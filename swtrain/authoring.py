"""Tools for case authors: a bilingual skeleton for a new case, and a release for trainees.

`new_case` writes a case.yaml and key.yaml that validate at once and pass
`swtrain check` once every TODO text is written. `release` copies the course
notebooks and cases for trainees; an assessed release has no key file and no
output in any notebook.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .cases import CASE_FILE, KEY_FILE, MODULES_FILE, case_ids, casedata_dir, load_case, load_modules
from .errors import SwtrainError, did_you_mean

_SKELETON_CASE = """\
schema_version: 1
id: {case_id}
module: {module}
title: {{en: "TODO: title", zh: "TODO：标题"}}
summary: {{en: "TODO: two or three sentences a trainee reads first.", zh: "TODO：学员最先读到的两三句话。"}}
practice_models:
  - {{en: "TODO: practice model", zh: "TODO：实务模式"}}
# Set distressing: true and write a content_note if the case describes suffering or a death.
distressing: false
sections:
  - id: vignette
    title: {{en: Vignette, zh: 案例引入}}
    body:
      en: "TODO: the vignette, 150-300 words; pseudonyms or role labels; time as relative days."
      zh: "TODO：案例引入，使用化名或角色称谓，时间用相对天数表示。"
people:
  - id: client
    name: {{en: "TODO: pseudonym (pseudonym)", zh: "TODO：化名（化名）"}}
    role: {{en: "TODO: role", zh: "TODO：角色"}}
    description: {{en: "TODO: a sentence about them.", zh: "TODO：一句简介。"}}
timeline:
  - day: 0
    event: {{en: "TODO: first contact.", zh: "TODO：首次接触。"}}
interviews:
  - id: intake
    title: {{en: Intake interview (excerpt), zh: 接案面谈（节选）}}
    day: 0
    turns:
      - speaker: worker
        text: {{en: "TODO: what the social worker says.", zh: "TODO：社工的话。"}}
      - speaker: client
        text: {{en: "TODO: the reply.", zh: "TODO：回应。"}}
exercises:
  - id: first-step
    type: single_choice
    title: {{en: "TODO: exercise title", zh: "TODO：练习标题"}}
    prompt: {{en: "TODO: the question.", zh: "TODO：问题。"}}
    competency: 7
    points: 2
    options:
      - {{value: right, label: {{en: "TODO: the right option", zh: "TODO：正确选项"}}}}
      - {{value: wrong, label: {{en: "TODO: a tempting wrong option", zh: "TODO：似是而非的选项"}}}}
  - id: reflection
    type: free_text
    title: {{en: "TODO: exercise title", zh: "TODO：练习标题"}}
    prompt: {{en: "TODO: what to write.", zh: "TODO：写作要求。"}}
    competency: 8
    points: 4
"""

_SKELETON_KEY = """\
schema_version: 1
case: {case_id}
exercises:
  first-step:
    type: single_choice
    answer: right
    explanation: {{en: "TODO: why this is right.", zh: "TODO：为什么正确。"}}
  reflection:
    type: free_text
    rubric:
      - {{id: criterion-1, points: 2, description: {{en: "TODO: what earns these points", zh: "TODO：得分要点"}}}}
      - {{id: criterion-2, points: 2, description: {{en: "TODO: what earns these points", zh: "TODO：得分要点"}}}}
    model_answer: {{en: "TODO: a model answer.", zh: "TODO：参考答案。"}}
"""


def new_case(case_id: str, module: str, root: Path | None = None) -> Path:
    """Write the skeleton of a new case of `module`; returns its folder."""
    root = root or casedata_dir()
    modules = [m.id for m in load_modules(root)]
    if module not in modules:
        raise SwtrainError(
            f"{module!r} is not a module in {root / MODULES_FILE}.",
            did_you_mean(module, modules) or f"Modules: {', '.join(modules)}.",
        )
    if not case_id.replace("-", "").isalnum() or case_id != case_id.lower() or case_id.startswith("-"):
        raise SwtrainError(
            f"{case_id!r} is not a case id; expected lower-case letters, digits and '-'.",
            "For example 'elderly-self-management'.",
        )
    folder = root / case_id
    if folder.exists():
        raise SwtrainError(f"{folder} already exists.", "Choose another id, or edit the case that is there.")
    folder.mkdir(parents=True)
    (folder / CASE_FILE).write_text(_SKELETON_CASE.format(case_id=case_id, module=module), encoding="utf-8")
    (folder / KEY_FILE).write_text(_SKELETON_KEY.format(case_id=case_id), encoding="utf-8")
    return folder


def release(out: Path, mode: str, *, root: Path | None = None, notebooks: Path | None = None) -> list[Path]:
    """Copy the trainee notebooks and the cases into `out` (assessed: without key files); the files written."""
    if mode not in ("practice", "assessed"):
        raise SwtrainError(f"Release mode {mode!r} is not 'practice' or 'assessed'.")
    root = root or casedata_dir()
    notebooks = notebooks or root.parent / "notebooks"
    if out.exists() and any(out.iterdir()):
        raise SwtrainError(f"{out} is not empty.", "Release into a new folder, so nothing old is shipped with it.")
    written: list[Path] = []
    (out / "casedata").mkdir(parents=True, exist_ok=True)
    shutil.copy2(root / MODULES_FILE, out / "casedata" / MODULES_FILE)
    written.append(out / "casedata" / MODULES_FILE)
    for case_id in case_ids(root):
        load_case(case_id, root)  # only valid cases are released
        target = out / "casedata" / case_id
        target.mkdir()
        for path in sorted((root / case_id).iterdir()):
            if path.is_file() and not (mode == "assessed" and path.name == KEY_FILE):
                shutil.copy2(path, target / path.name)
                written.append(target / path.name)
    # trainee notebooks only (the module notebooks and JupyterLab's one-case notebooks): instructor/ stays behind
    for path in sorted([*notebooks.glob("*.ipynb"), *notebooks.glob("cases/*.ipynb")]):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "code":
                cell["outputs"], cell["execution_count"] = [], None
        nb.get("metadata", {}).pop("widgets", None)
        if mode == "assessed":
            _set_parameter(nb, "mode", "assessed")
        target = out / "notebooks" / path.relative_to(notebooks)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written.append(target)
    return written


def _set_parameter(nb: dict, name: str, value: str) -> None:
    for cell in nb.get("cells", []):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            lines = [
                f'{name}: str = "{value}"' + line[line.index("  #") :]
                if line.startswith(f"{name}:") and "  #" in line
                else line
                for line in source.split("\n")
            ]
            cell["source"] = "\n".join(lines)
