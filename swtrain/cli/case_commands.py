"""Commands for case authors: the schema, the list of cases, checking, a new case, a release, instruments."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import SwtrainError
from . import fail, main


@main.command()
@click.option(
    "--kind",
    type=click.Choice(["case", "key"]),
    default="case",
    show_default=True,
    help="Which file the schema describes.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the schema to this file instead of standard output.",
)
def schema(kind: str, out: Path | None) -> None:
    """Write the JSON Schema of case.yaml (or key.yaml) for a case author's editor."""
    from ..cases import json_schema_text

    text = json_schema_text(kind)
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"Wrote the {kind} schema to {out}", err=True)


@main.command("cases")
def list_cases() -> None:
    """List the cases in the case data folder with their module and titles."""
    from ..cases import case_ids, casedata_dir, load_case

    try:
        for case_id in case_ids():
            case = load_case(case_id)
            click.echo(f"{case.id}\t{case.module}\t{case.title.en}\t{case.title.zh}")
    except SwtrainError as exc:
        raise fail(exc) from None
    if not case_ids():
        click.echo(f"No cases in {casedata_dir()}", err=True)


@main.command("check")
@click.argument("case_dirs", nargs=-1, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Fail on warnings (item-writing cues) too, not only on findings.")
def check(case_dirs: tuple[Path, ...], strict: bool) -> None:
    """Check case folders (default: every case in casedata/) and print each finding as `file:line: field: message`.

    Schema errors, texts missing in English or Chinese, key gaps, anything that
    looks identifying (seed names, ID, phone and card numbers, emails, URLs, IP
    addresses, exact dates, ages over 89, bed or record numbers) and a
    distressing case without a content note. Exit code 1 if anything is found.

    Warnings name item-writing cues that let a test-wise trainee pick a key
    without knowing practice (a key longer than its distractors, keys that
    are the longest or first too often, repeated options or stems, negative
    stems without emphasis, absolute words only in distractors); they fail
    the check only with --strict.
    """
    from ..cases import case_ids, casedata_dir
    from ..checks import check_case_dir, cue_findings

    folders = list(case_dirs) or [casedata_dir() / case_id for case_id in case_ids()]
    found = [finding for folder in folders for finding in check_case_dir(folder)]
    warnings = cue_findings(folders)
    for finding in found + warnings:
        click.echo(str(finding))
    errors = len(found)
    click.echo(f"{len(folders)} case(s) checked, {errors} finding(s), {len(warnings)} warning(s).", err=True)
    if errors or (strict and warnings):
        sys.exit(1)


@main.command("new-case")
@click.argument("case_id")
@click.option("--module", required=True, help="The module the case belongs to (an id in casedata/modules.yaml).")
def new_case_command(case_id: str, module: str) -> None:
    """Write a bilingual skeleton for a new case in casedata/CASE_ID/; it passes `swtrain check` once every
    TODO text is written."""
    from ..authoring import new_case

    try:
        folder = new_case(case_id, module)
    except SwtrainError as exc:
        raise fail(exc) from None
    click.echo(f"Wrote {folder / 'case.yaml'} and {folder / 'key.yaml'}; fill in every TODO, then run swtrain check.")


@main.command("release")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--mode",
    type=click.Choice(["practice", "assessed"]),
    required=True,
    help="practice: with answer keys, for feedback as trainees answer; assessed: no key file at all.",
)
def release_command(out: Path, mode: str) -> None:
    """Copy the trainee notebooks and the cases into OUT for trainees. An assessed release holds no key file,
    no notebook output, and its notebooks open in assessed mode."""
    from ..authoring import release

    try:
        written = release(out, mode)
    except SwtrainError as exc:
        raise fail(exc) from None
    click.echo(f"Wrote a {mode} release of {len(written)} files to {out}")


@main.command("instruments")
def instruments_command() -> None:
    """List the screening instruments: id, name, number of items, licence class and whether item wording is
    shipped (class A only)."""
    from ..instruments import all_instruments

    try:
        rows: list[tuple[str, ...]] = [
            (i.id, i.name.en, str(len(i.items)), i.licence, "yes" if i.wording_shipped else "no")
            for i in all_instruments()
        ]
    except SwtrainError as exc:
        raise fail(exc) from None
    rows.insert(0, ("id", "name", "items", "licence", "wording"))
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    for row in rows:
        click.echo("  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[4]]))


@main.command("score", context_settings={"ignore_unknown_options": True})
@click.argument("instrument")
@click.argument("values", nargs=-1)
@click.option(
    "--bands",
    "bands_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A YAML file of bands (schema_version, instrument, source, bands) for an instrument that ships none (SSRS).",
)
def score_command(instrument: str, values: tuple[str, ...], bands_file: Path | None) -> None:
    """Score INSTRUMENT from VALUES, one per item in item order; '' or '-' for a missing item.

    Or give each value as NUMBER=VALUE (1=2 4=0). SSRS item 5 has sub-items: in
    order they are the values of 1-4, 5A-5E, 6-10 (14 values), or 5A=3 ... 5E=2.
    GDS-15 takes 1 or yes, 0 or no. Prints the total or mean and the band, or
    exits 1 naming the item and the allowed values.
    """
    from ..instruments import load_bands, load_instrument, parse_values, score

    try:
        chosen = load_instrument(instrument)
        result = score(chosen, parse_values(values), bands=load_bands(bands_file) if bands_file else None)
    except SwtrainError as exc:
        raise fail(exc) from None
    click.echo(f"{chosen.id}: {result.rule} {result.value:.4g} (range {result.minimum:g}-{result.maximum:g})")
    click.echo(f"band: {result.band.label.en if result.band else 'none shipped (pass --bands FILE to use your own)'}")
    for part in result.subscales:
        shown = "not scored" if part.value is None else f"{part.value:.4g}"
        click.echo(f"{part.id}: {shown}" + (f" ({part.band.label.en})" if part.band else ""))
    for cutoff in result.cutoffs:
        click.echo(f"cut-off: {cutoff.label.en}")
    if result.missing:
        click.echo(f"missing items: {', '.join(map(str, result.missing))}")
    for number in result.safety_items:
        click.echo(f"safety: item {number} is above its lowest answer; assess safety before anything else")
