"""The screen check's rules: what a finished page must never show a trainee or an instructor.

A page is measured in chromium by `screen_rules.js` (visible text per block
box, text cut off by its box, horizontal scrollbars) and the text is judged
here, in Python:

- markdown: literal Markdown syntax in rendered text: `**`, a table rule
  `|---`, or `#` followed by a space at the start of a line.
- internal-id: an id of the case shown as text: option, item and category
  values, scene, choice, counter, exercise, section, person, interview,
  dataset and rubric ids, dataset column names, instrument ids, the case and
  module ids (see `case_ids`). Ids that are also ordinary words (`risk`,
  `plan`) need a fair rule, and this is it: a token counts only where it
  equals an id exactly (case and all) as a whole token of visible text, and
  - an id with a hyphen, underscore or digit (`not-wake-up`, `semcd-6`,
    `family_budget`) counts anywhere unless the page's language uses it as
    a word: it occurs as a token in the case's own text of that language or
    in swtrain's interface text of that language (`follow-up` in English
    prose is a word, not an id);
  - a one-word id counts in a Chinese page wherever it shows as a Latin
    token that the case's Chinese text does not itself use, and in any page
    where it is the whole text of a box, perhaps with a colon (a chart
    title or a map node reading `referral:`), unless the author wrote that
    very text in the page's language (a unit "sessions" beside a column
    named `sessions`);
  - in a Chinese page, a token inside a Latin sentence is English prose:
    it counts only if it is a slug that English does not use as a word;
  - a token in a file's name (`t001/child-in-crisis.json`) is no id: an
    instructor needs the name to find the file.
  Text in attributes, in hidden elements and in code the trainee cannot see
  is never read; code that shows (a collapsed cell's first line) is text.
- cut-off: text that its box cuts off: a text line that reaches outside an
  overflow:hidden/clip box, a CSS ellipsis that is truncating, line-clamped
  text, or a drop-down too narrow for its chosen option.
- latin-in-chinese: in a Chinese page, a run of four or more Latin-script
  words with nothing but spaces, digits and ASCII punctuation between them.
  Allowed: names (the case's people's Latin names), instrument names and
  citations (each instrument's name and citation, and any run with a year
  such as 2022, "et al." or a DOI), and text in an element marked lang="en"
  (an item's English text shown beside its Chinese one).
- decimals: a number with more than two decimals (`0.125`; `4.12.1` is no
  number).
- horizontal-scroll: the document or the page's main scroller is wider than
  the window.

Accessibility is axe-core's (`axe_violations`): the rules tagged WCAG 2.0,
2.1 and 2.2 A and AA, failing on impact "serious" or "critical".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from playwright.sync_api import Page

RULES = {
    "markdown": "literal Markdown syntax in rendered text",
    "internal-id": "an internal id shown as text",
    "cut-off": "text cut off by its box",
    "latin-in-chinese": "a Latin-script sentence in a Chinese page",
    "decimals": "a number with more than two decimals",
    "horizontal-scroll": "a horizontal scrollbar",
}
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
AXE_FAILING_IMPACTS = ("serious", "critical")

RULES_JS = (Path(__file__).resolve().parent / "screen_rules.js").read_text(encoding="utf-8")
ROOT = Path(__file__).resolve().parent.parent
INSTRUMENTS = ROOT / "swtrain" / "instruments" / "data"
CATALOGS = ROOT / "swtrain" / "locale"


@dataclass(frozen=True)
class Finding:
    """One thing a page shows that it must not: which rule, the text, and where on the page."""

    rule: str
    text: str
    where: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.text!r} ({self.where})"


@dataclass(frozen=True)
class AxeViolation:
    """One axe-core rule a page breaks: its id, impact, how many elements, and the first of them."""

    rule: str
    impact: str
    help: str
    nodes: int
    example: str

    def __str__(self) -> str:
        return f"axe {self.rule} ({self.impact}, {self.nodes} elements): {self.help}; e.g. {self.example}"


@dataclass(frozen=True)
class TextRules:
    """What the text rules need to know about a page: its language and the ids and words of its case."""

    language: str
    ids: frozenset[str]
    #: tokens the page's language uses as words (the case's own text and swtrain's interface text)
    words: frozenset[str] = frozenset()
    #: Latin phrases a Chinese page may show: names, instrument names, citations
    allowed_latin: tuple[str, ...] = ()
    #: the English words, for English prose in a Chinese page (the same as `words` in an English page)
    english_words: frozenset[str] = frozenset()
    #: whole texts the case's author wrote in the page's language (a unit "sessions" may equal a column name)
    phrases: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Block:
    """The visible text of one block box (a paragraph, a button, a table cell) and where it is."""

    text: str
    where: str
    lang: str = ""  # the block's own language (its closest lang attribute)


@dataclass
class Measured:
    """What `screen_rules.js` measured on a page."""

    blocks: list[Block]
    cut_off: list[Finding] = field(default_factory=list)
    scrollbars: list[Finding] = field(default_factory=list)


# --- the text rules -------------------------------------------------------------------------------

_MARKDOWN = [
    (re.compile(r"\*\*"), "**"),
    (re.compile(r"\|\s*:?-{3,}"), "|---"),
    (re.compile(r"^[ \t]{0,3}#{1,6}[ \t]", re.MULTILINE), "# at a line start"),
]
_TOKEN = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*(?![A-Za-z0-9_])")
_SLUG_MARK = re.compile(r"[-_0-9]")
_FILE_SUFFIX = re.compile(r"\.[A-Za-z]{2,5}\b")
_DECIMALS = re.compile(r"(?<![\d.])\d+\.\d{3,}(?![\d.])")
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")
# Between two words of one Latin run: spaces, digits and ASCII punctuation, nothing else.
_LATIN_GAP = re.compile(r"[\s\d!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~’]*")
_CITATION = re.compile(r"\b(?:1[89]|20)\d\d\b|\bet al\b|\bdoi\b|\bISBN\b", re.IGNORECASE)


def excerpt(text: str, start: int, end: int, margin: int = 30) -> str:
    """`text[start:end]` with a little context, on one line."""
    left, right = max(0, start - margin), min(len(text), end + margin)
    shown = text[left:right].replace("\n", " ⏎ ")
    return ("…" if left else "") + shown + ("…" if right < len(text) else "")


def markdown_findings(block: Block) -> Iterator[Finding]:
    for pattern, name in _MARKDOWN:
        for found in pattern.finditer(block.text):
            yield Finding("markdown", f"{name} in {excerpt(block.text, found.start(), found.end())}", block.where)
            break


def id_findings(block: Block, rules: TextRules) -> Iterator[Finding]:
    whole = re.sub(r"[:：]\s*$", "", block.text.strip())
    if whole in rules.ids and not _SLUG_MARK.search(whole) and whole not in rules.phrases:
        yield Finding("internal-id", f"{whole} (the whole text of a box)", block.where)
        return
    # In a Chinese page a token inside a Latin sentence is English prose (the latin-in-chinese rule's), judged
    # by the English words; elsewhere by the page's own words.
    sentences = [(start, end) for start, end, count in latin_runs(block.text) if count >= 4]
    reported = set()
    for found in _TOKEN.finditer(block.text):
        token = found.group(0)
        if token not in rules.ids or token in reported or token.isdigit():
            continue
        if block.text[found.start() - 1 : found.start()] == "/" or _FILE_SUFFIX.match(block.text, found.end()):
            continue  # a file's name, such as t001/child-in-crisis.json: an instructor needs it to find the file
        in_sentence = rules.language == "zh" and any(s <= found.start() < e for s, e in sentences)
        is_slug = bool(_SLUG_MARK.search(token))
        if in_sentence:
            if not is_slug or token in rules.english_words:
                continue
        elif token in rules.words or not (is_slug or rules.language == "zh"):
            continue
        reported.add(token)
        yield Finding("internal-id", f"{token} in {excerpt(block.text, found.start(), found.end())}", block.where)


def _without_allowed(text: str, allowed: Iterable[str]) -> str:
    for phrase in allowed:
        if phrase and phrase in text:
            text = text.replace(phrase, " · ")
    return text


def latin_runs(text: str) -> Iterator[tuple[int, int, int]]:
    """(start, end, words) of each run of Latin words joined only by spaces, digits and ASCII punctuation."""
    words = list(_LATIN_WORD.finditer(text))
    i = 0
    while i < len(words):
        j = i
        while j + 1 < len(words) and _LATIN_GAP.fullmatch(text, words[j].end(), words[j + 1].start()):
            j += 1
        yield words[i].start(), words[j].end(), j - i + 1
        i = j + 1


def latin_findings(block: Block, rules: TextRules) -> Iterator[Finding]:
    if rules.language != "zh" or block.lang.split("-")[0] == "en":  # English marked as English (lang="en") is meant
        return
    text = _without_allowed(block.text, rules.allowed_latin)
    for start, end, count in latin_runs(text):
        run = text[start:end]
        if count >= 4 and not _CITATION.search(run):
            yield Finding("latin-in-chinese", f"{count} words: {excerpt(text, start, end, 10)}", block.where)


def decimal_findings(block: Block) -> Iterator[Finding]:
    for found in _DECIMALS.finditer(block.text):
        yield Finding("decimals", excerpt(block.text, found.start(), found.end()), block.where)


def text_findings(blocks: Iterable[Block], rules: TextRules) -> list[Finding]:
    """Every text rule's findings over the page's visible text blocks."""
    found: list[Finding] = []
    for block in blocks:
        found.extend(markdown_findings(block))
        found.extend(id_findings(block, rules))
        found.extend(latin_findings(block, rules))
        found.extend(decimal_findings(block))
    return found


# --- measuring a page -----------------------------------------------------------------------------


def measure(
    page: Page, scope: str | None = None, scrollers: Iterable[str] = (), skip_text: Iterable[str] = ()
) -> Measured:
    """Run `screen_rules.js` in the page: visible text blocks, cut-off text, horizontal scrollbars. The text of
    what `skip_text` selects is not read (its boxes still count for scrollbars)."""
    raw = page.evaluate(RULES_JS, {"scope": scope, "scrollers": list(scrollers), "skipText": list(skip_text)})
    if "error" in raw:
        raise AssertionError(f"The screen check cannot measure the page: {raw['error']}")
    return Measured(
        blocks=[Block(b["text"], b["where"], b.get("lang", "")) for b in raw["blocks"]],
        cut_off=[Finding("cut-off", f"{c['how']}: {c['text']}", c["where"]) for c in raw["cutOff"]],
        scrollbars=[
            Finding(
                "horizontal-scroll",
                f"{s['scrollWidth']} px of content in {s['clientWidth']} px; sticking out: "
                + (", ".join(s["sticksOut"]) or "nothing visible"),
                s["where"],
            )
            for s in raw["scrollbars"]
        ],
    )


def check_page(
    page: Page,
    rules: TextRules,
    scope: str | None = None,
    scrollers: Iterable[str] = (),
    skip_text: Iterable[str] = (),
) -> list[Finding]:
    """Every rule's findings on the page as it is now (one window width)."""
    measured = measure(page, scope, scrollers, skip_text)
    return [*text_findings(measured.blocks, rules), *measured.cut_off, *measured.scrollbars]


@cache
def _axe_script() -> str:
    from axe_playwright_python.sync_playwright import Axe

    return str(Axe().axe_script)


def axe_violations(page: Page, scope: str | dict[str, Any] | None = None) -> list[AxeViolation]:
    """axe-core's WCAG 2.x A and AA violations of impact serious or critical.

    `scope`: a CSS selector, or an axe context ({"include": [...], "exclude": [...]}); None: the whole page.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_script())
    options = {"runOnly": {"type": "tag", "values": list(AXE_TAGS)}, "resultTypes": ["violations"]}
    context = {"include": [[scope]]} if isinstance(scope, str) else scope
    results = page.evaluate(
        "([context, options]) => context ? axe.run(context, options) : axe.run(document, options)", [context, options]
    )
    found = []
    for violation in results["violations"]:
        if violation["impact"] not in AXE_FAILING_IMPACTS:
            continue
        first = violation["nodes"][0]
        example = f"{' '.join(map(str, first['target']))}: {first['html'][:160]}"
        found.append(
            AxeViolation(violation["id"], violation["impact"], violation["help"], len(violation["nodes"]), example)
        )
    return found


# --- what a case calls things -----------------------------------------------------------------------

_ID_KEYS = {"id", "value", "instrument", "dataset"}


def _walk_ids(data: Any, found: set[str]) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            if key in _ID_KEYS and isinstance(value, str):
                found.add(value)
            elif key in ("columns", "effects", "values") and isinstance(value, dict):
                found.update(str(k) for k in value)  # dataset column names and value codes, counter ids
            if key in ("answers", "feedback", "items") and isinstance(value, dict):
                found.update(str(k) for k in value)  # the key's item and option values
            _walk_ids(value, found)
    elif isinstance(data, list):
        for item in data:
            _walk_ids(item, found)


def _case_files(case_dir: Path) -> list[Any]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(case_dir.glob("*.yaml"))]


def case_ids(case_dir: Path) -> frozenset[str]:
    """Every internal id of the case in `case_dir` (case.yaml and key.yaml), with its case and module ids.

    Numbers alone (screening item numbers) are no ids a person could tell from text and are left out.
    """
    found: set[str] = set()
    for data in _case_files(case_dir):
        _walk_ids(data, found)
        for name in ("id", "module", "case"):
            if isinstance(data.get(name), str):
                found.add(data[name])
    return frozenset(i for i in found if i and not i.isdigit() and not i.replace(".", "").isdigit())


def course_ids(casedata: Path) -> frozenset[str]:
    """The ids an index page might show: every case's id and every module's id."""
    found = {p.name for p in casedata.iterdir() if (p / "case.yaml").is_file()}
    modules = yaml.safe_load((casedata / "modules.yaml").read_text(encoding="utf-8"))
    found.update(m["id"] for m in modules["modules"])
    return frozenset(found)


def _texts_in(data: Any, language: str) -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key == language and isinstance(value, str):
                yield value
            else:
                yield from _texts_in(value, language)
    elif isinstance(data, list):
        for item in data:
            yield from _texts_in(item, language)


@cache
def interface_texts(language: str) -> tuple[str, ...]:
    """swtrain's interface strings in `language`: the catalog's English sources, or their translations."""
    from babel.messages.pofile import read_po

    with (CATALOGS / "zh" / "LC_MESSAGES" / "swtrain.po").open("rb") as po:
        catalog = read_po(po)
    texts: list[str] = []
    for message in catalog:
        source = message.id if language == "en" else message.string
        texts.extend([source] if isinstance(source, str) else list(source))
    return tuple(t for t in texts if t)


def words_of(texts: Iterable[str]) -> frozenset[str]:
    return frozenset(m.group(0) for text in texts for m in _TOKEN.finditer(text))


@cache
def instrument_phrases() -> tuple[str, ...]:
    """Every instrument's English name, citation and the names in its Chinese notices: a Chinese page may show
    them as they are."""
    phrases: list[str] = []
    for path in sorted(INSTRUMENTS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        phrases.extend(str(data[k]["en"] if isinstance(data.get(k), dict) else data.get(k, "")) for k in ("name",))
        phrases.append(" ".join(str(data.get("citation", "")).split()))
        # the Chinese licence notices name the authors and the copyright holder in Latin script, as they are
        zh = list(_texts_in(data, "zh"))
        runs = (text[start:end] for text in zh for start, end, count in latin_runs(text) if count > 1)
        phrases.extend(run for run in runs if all(w[0].isupper() for w in _LATIN_WORD.findall(run)))
    return tuple(p for p in phrases if p)


def case_rules(case_dir: Path, language: str) -> TextRules:
    """The text rules for a page of the case in `case_dir`, in `language`."""
    files = _case_files(case_dir)
    own = [t for data in files for t in _texts_in(data, language)]
    names = [
        person["name"]["en"]
        for data in files
        for person in (data.get("people") or [])
        if isinstance(person.get("name"), dict) and person["name"].get("en")
    ]
    english = [t for data in files for t in _texts_in(data, "en")]
    return TextRules(
        language=language,
        ids=case_ids(case_dir),
        words=words_of([*own, *interface_texts(language)]),
        allowed_latin=tuple(sorted({*names, *instrument_phrases()}, key=len, reverse=True)),
        english_words=words_of([*english, *interface_texts("en")]),
        phrases=frozenset(t.strip() for t in own),
    )


def course_rules(casedata: Path, language: str) -> TextRules:
    """The text rules for a page about the whole course (an index page, a cohort report)."""
    modules = yaml.safe_load((casedata / "modules.yaml").read_text(encoding="utf-8"))
    titles = [
        yaml.safe_load(p.read_text(encoding="utf-8")).get("title", {}) for p in sorted(casedata.glob("*/case.yaml"))
    ]

    def words(lang: str) -> frozenset[str]:
        return words_of([*_texts_in(modules, lang), *_texts_in(titles, lang), *interface_texts(lang)])

    return TextRules(
        language=language,
        ids=course_ids(casedata),
        words=words(language),
        allowed_latin=tuple(sorted(instrument_phrases(), key=len, reverse=True)),
        english_words=words("en"),
    )
