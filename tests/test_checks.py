"""swtrain check: each rule has a failing fixture; the shipped cases pass; seed names are found by hash."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from swtrain.anonymise import findings, seed_names
from swtrain.checks import check_case_dir
from swtrain.cli import main

from .conftest import ROOT, TESTS

FIXTURES = sorted(p for p in (TESTS / "data" / "check").iterdir() if p.is_dir())
SEEDS = ROOT.parent / "shared" / "seeds"


def expectations(folder: Path) -> list[str]:
    text = (folder / "case.yaml").read_text(encoding="utf-8")
    return [line.removeprefix("# expect: ") for line in text.splitlines() if line.startswith("# expect: ")]


@pytest.mark.parametrize("folder", FIXTURES, ids=lambda p: p.name)
def test_each_rule_reports_file_line_field_and_message(folder: Path) -> None:
    found = [str(f) for f in check_case_dir(folder)]
    wanted = expectations(folder)
    if folder.name == "passes":
        assert found == []
        return
    assert wanted and len(found) == len(wanted), found
    for text, line in zip(wanted, found, strict=True):
        assert text in line
        assert line.startswith(str(folder / line.removeprefix(str(folder) + "/").split(":")[0]) + ":")
        assert line.removeprefix(str(folder) + "/").split(":")[0] in ("case.yaml", "key.yaml", "scores.csv")


def test_every_shipped_case_passes_strict() -> None:
    result = CliRunner().invoke(main, ["check", "--strict"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "0 finding(s), 0 warning(s)." in result.output  # no item-writing cue either


def test_the_command_exits_1_and_prints_findings() -> None:
    result = CliRunner().invoke(main, ["check", str(TESTS / "data" / "check" / "anon-url")], catch_exceptions=False)
    assert result.exit_code == 1
    assert "case.yaml:12: sections.0.body.en: a URL: 'https://example.cn/case'" in result.output


def test_names_are_matched_by_hash_so_no_real_name_is_stored() -> None:
    listed = (ROOT / "swtrain" / "data" / "seed_names.sha256").read_text(encoding="utf-8")
    assert all(len(line) == 64 for line in listed.splitlines() if line and not line.startswith("#"))
    spam = "xg" + "111"  # seed 003's injected token, spelt so that it is not in the repository
    assert hashlib.sha256(spam.encode()).hexdigest() in listed
    assert list(seed_names(f"Ignore {spam.upper()} here.")) == [spam]
    assert list(seed_names("a children's hospital in a large city, 儿童医院")) == []


def _seed_text() -> str:
    if not SEEDS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"CI runs with shared/ beside the repository, but {SEEDS} is missing")
        pytest.skip("shared/seeds/ is not beside this checkout")
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))


def _listed(section: str) -> set[str]:
    """The hashes under "# [section]" in the hash file."""
    lines = (ROOT / "swtrain" / "data" / "seed_names.sha256").read_text(encoding="utf-8").splitlines()
    start = lines.index(f"# [{section}]") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("# [")), len(lines))
    return {line for line in lines[start:end] if line and not line.startswith("#")}


def _found(names: set[str], section: str) -> set[str]:
    hashes = _listed(section)
    return {name for name in names if hashlib.sha256(name.encode()).hexdigest() in hashes}


def test_the_seed_documents_themselves_are_full_of_findings() -> None:
    names = set(seed_names(_seed_text()))
    assert len(names) >= 30  # people, hospitals and charities of all five seeds
    assert "xg" + "111" in names
    # The seeds name 12 people (seed 003 five, in Chinese; seed 004 eight, in English; one in both). Every one
    # is found: nine by a full name, written 10 ways in the seeds (one person's surname with two renderings of
    # the given name), two children by the given name alone, one woman by a title and her surname.
    assert len(_found(names, "full names")) == 10
    assert len(_found(names, "other forms of people's names")) == 3  # the title, a doctor's, a half-translation
    # Every given name of two syllables or characters in the seeds is found alone, 8 forms: three Chinese
    # ones of seed 003 and four of seed 004, one written both joined and spaced. Not alone, by design (see the
    # hash file's header): one-syllable given names, and a Chinese given name that is also an ordinary word.
    assert len(_found(names, "given names alone")) == 8


def test_seed_names_are_found_in_the_usual_pinyin_orders_and_spellings() -> None:
    names = set(seed_names(_seed_text()))
    pinyin = sorted(name for name in _found(names, "full names") if name.isascii())
    assert len(pinyin) == 6
    for name in pinyin:
        surname, given = name.split(" ", 1)
        backwards = f"{given.title()} {surname.upper()}"
        assert f"{given} {surname}" in seed_names(backwards)
        assert len(findings(backwards)) == 1  # the given name inside the full name is not reported again
        assert f"{surname}{given}" in seed_names(f"{surname.title()}{given}")
        accented = name.replace("a", "á", 1).replace("e", "è", 1).replace("i", "ǐ", 1).title()
        assert f"{surname} {given}" in seed_names(accented)  # tone marks
    for name in _found(names, "given names alone"):
        if " " in name:
            assert name in seed_names(name.title().replace(" ", "-"))  # "Xiao-ming" is "xiao ming"


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("ID 110105194912310021", 0),  # wrong check character
        ("card 4111 1111 1111 1112", 0),  # fails the Luhn sum
        ("999.1.1.1", 0),  # not an IP address
        ("day 3 after admission, 20,000 yuan, aged 9", 0),
        ("88岁", 0),
        ("90岁", 1),
        # dates need a day, a month and a year: fractions, scores, doses and ranges are not dates
        ("3/4 of the families, 55/100 on the scale, MoCA 13/30, 1/2 tablet", 0),
        ("pain 0-4, ages 5-12, 40/50/60, 每月十五日, 五月, 正月十五", 0),
        ("14/5/2019, 5/14/2019, 14.05.2019, 14-5-19", 4),
        ("二零一九年五月十四日", 1),
        ("32/13/2019", 0),  # no such day or month
        # landlines start with an area code: money and counts do not, and a mobile is reported once
        ("20,000 yuan, 12345678 steps, 1,234,5678", 0),
        ("+86 138 1234 5678", 1),
        ("0138 1234 5678", 0),
        ("021 1234 5678", 1),
        # ages up to 89, scores and days are not ages over 89
        ("aged 89, eighty-nine years old, 八十九岁, 八九十岁", 0),
        ("93 points, day 93, page 93, 93 yrs", 1),
        ("aged 93 years old", 1),  # one age, said once
        # a WeChat ID has a digit, _ or -: the app's name before an ordinary word is not an ID
        ("the patients' WeChat group; WeChat: please add the mother; QQ群", 0),
        ("wxid_x9", 1),
    ],
)
def test_rules_keep_their_checks(text: str, count: int) -> None:
    assert len(findings(text)) == count


def test_a_markdown_finding_names_the_line_it_is_on_in_a_long_text(tmp_path: Path) -> None:
    """Two tables in one text, the second broken: the finding is at its own --- line, not the first table's."""
    folder = copy_of_passes(tmp_path)  # beside the fixtures' modules.yaml
    body = (
        "    body:\n      en: |\n        First:\n\n        | a | b |\n        |---|---|\n        | 1 | 2 |\n\n"
        "        Then:\n\n        | a | b | c |\n        |---|---|\n        | 1 | 2 | 3 |\n      zh: 一位母亲。\n"
    )
    case = (TESTS / "data/check/passes/case.yaml").read_text(encoding="utf-8")
    old = next(line for line in case.splitlines(keepends=True) if line.startswith("    body:"))
    (folder / "case.yaml").write_text(case.replace(old, body), encoding="utf-8")
    [found] = check_case_dir(folder)
    lines = (folder / "case.yaml").read_text(encoding="utf-8").splitlines()
    assert found.field == "sections.0.body.en" and lines[found.line - 1] == "        |---|---|"  # type: ignore[operator]
    assert found.line == lines.index("    body:") + 12 and "the header has 3 cells" in found.message


# --- a case author's mistakes, said so that a lecturer can fix them -------------------------------------------


def copy_of_passes(tmp_path: Path, modules: bool = True) -> Path:
    """The passes fixture in a case data folder of its own (with the fixtures' modules.yaml unless not)."""
    folder = tmp_path / "casedata" / "passes"
    shutil.copytree(TESTS / "data" / "check" / "passes", folder)
    if modules:
        shutil.copy(TESTS / "data" / "check" / "modules.yaml", folder.parent / "modules.yaml")
    return folder


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_module_not_in_modules_yaml_names_the_file_the_modules_and_the_nearest(tmp_path: Path) -> None:
    folder = copy_of_passes(tmp_path)
    replace(folder / "case.yaml", "module: test-module", "module: test-modul")
    (finding,) = check_case_dir(folder)
    assert (finding.line, finding.field) == (3, "module")
    assert finding.message == (
        f"found 'test-modul', expected a module listed in {folder.parent / 'modules.yaml'}: test-module. "
        "A case of another module is in no notebook and on no index page. Did you mean 'test-module'?"
    )


def test_a_module_far_from_every_listed_one_is_told_how_to_add_it(tmp_path: Path) -> None:
    folder = copy_of_passes(tmp_path)
    replace(folder / "case.yaml", "module: test-module", "module: discharge-planning")
    (finding,) = check_case_dir(folder)
    assert finding.message.endswith(f"Or add the module to {folder.parent / 'modules.yaml'}.")


def test_a_case_folder_with_no_modules_yaml_beside_it_is_a_finding(tmp_path: Path) -> None:
    folder = copy_of_passes(tmp_path, modules=False)
    (finding,) = check_case_dir(folder)
    assert finding.field == "module"
    assert "there is no such file" in finding.message and "beside modules.yaml" in finding.message


def test_a_broken_modules_yaml_is_reported_on_its_own_line(tmp_path: Path) -> None:
    folder = copy_of_passes(tmp_path)
    replace(folder.parent / "modules.yaml", "  - id: test-module", "  - id: Test-Module")
    (finding,) = check_case_dir(folder)
    assert finding.path == folder.parent / "modules.yaml"
    assert "found 'Test-Module', expected an id of lower-case letters, digits and hyphens" in finding.message


def test_the_command_prints_the_module_finding_and_exits_1() -> None:
    folder = TESTS / "data" / "check" / "module-not-listed"
    result = CliRunner().invoke(main, ["check", str(folder)], catch_exceptions=False)
    assert result.exit_code == 1
    assert "module: found 'test-modul', expected a module listed in" in result.output
    assert "Did you mean 'test-module'?" in result.output


@pytest.mark.parametrize(
    "name",
    [
        "yaml-percent-needs-quotes",
        "yaml-colon-needs-quotes",
        "yaml-hash-needs-quotes",
        "yaml-unclosed-brace",
        "language-key-cut-at-comma",
    ],
)
def test_the_line_a_finding_says_to_write_makes_the_file_pass(name: str, tmp_path: Path) -> None:
    folder = tmp_path / "casedata" / name
    shutil.copytree(TESTS / "data" / "check" / name, folder)
    shutil.copy(TESTS / "data" / "check" / "modules.yaml", folder.parent)
    (finding,) = check_case_dir(folder)
    advice = finding.message.split("Write: ")[-1].split("Put the whole text in quotes: ")[-1]
    lines = finding.path.read_text(encoding="utf-8").splitlines()
    assert finding.line is not None
    old = lines[finding.line - 1]
    if name == "language-key-cut-at-comma":  # the advice is the one text; the line holds both
        key = advice.split(":")[0]
        start = old.index(f"{key}: ")
        end = old.index(", zh:")
        lines[finding.line - 1] = old[:start] + advice + old[end:].replace(", carer", "", 1)
    else:
        lines[finding.line - 1] = old[: len(old) - len(old.lstrip())] + advice
    finding.path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert check_case_dir(folder) == []


def test_a_key_saved_as_gbk_names_the_line_and_how_to_save_it(tmp_path: Path) -> None:
    # written here, not committed: every file of the repository is UTF-8
    folder = copy_of_passes(tmp_path)
    key = folder / "key.yaml"
    key.write_bytes(key.read_text(encoding="utf-8").encode("gbk"))
    (finding,) = check_case_dir(folder)
    assert (finding.path, finding.line, finding.field) == (key, 8, "")
    assert str(finding).startswith(f"{key}:8: found 'a character that is not UTF-8 (byte 153)', expected a file")
    assert "Save the file again with the encoding UTF-8" in finding.message
