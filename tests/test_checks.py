"""swtrain check: each rule has a failing fixture; the shipped cases pass; seed names are found by hash."""

from __future__ import annotations

import hashlib
import os
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


def test_every_shipped_case_passes() -> None:
    result = CliRunner().invoke(main, ["check"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "0 finding(s)" in result.output


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


def test_the_seed_documents_themselves_are_full_of_findings() -> None:
    if not SEEDS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"CI runs with shared/ beside the repository, but {SEEDS} is missing")
        pytest.skip("shared/seeds/ is not beside this checkout")
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    names = set(seed_names(text))
    assert len(names) >= 15  # people, hospitals and charities of all five seeds
    assert "xg" + "111" in names


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("ID 110105194912310021", 0),  # wrong check character
        ("card 4111 1111 1111 1112", 0),  # fails the Luhn sum
        ("999.1.1.1", 0),  # not an IP address
        ("day 3 after admission, 20,000 yuan, aged 9", 0),
        ("88岁", 0),
        ("90岁", 1),
    ],
)
def test_rules_keep_their_checks(text: str, count: int) -> None:
    assert len(findings(text)) == count
