"""The notebook session in-process: saving, restoring, switching language, the three modes."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from swtrain.errors import InvalidTraineeId, KeyNotFound, SwtrainError, UnknownLanguage, UnknownMode
from swtrain.notebook import open_case
from swtrain.progress import remembered_language
from swtrain.store import FileStore, MemoryStore

from .conftest import MINI_ROOT, answers


@pytest.fixture(autouse=True)
def mini_casedata(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWTRAIN_CASEDATA", str(MINI_ROOT))


def test_answers_are_saved_as_given_and_restored_in_a_new_session(tmp_path: Path) -> None:
    session = open_case("mini", "t001", mode="practice", responses_dir=tmp_path)
    session.show_exercises()
    widgets = session.exercise_widgets
    widgets["pick-one"].radio.value = "risk"
    widgets["pick-many"].checkboxes["a"].value = True
    widgets["order"].down_buttons[0].click()
    widgets["sort"].toggles["debt"].value = "economy"
    widgets["total"].text.value = "3"
    widgets["plan"].area.value = "Safety first."
    saved = FileStore(tmp_path).load("t001", "mini")
    assert saved is not None
    assert saved.value("pick-one") == "risk" and saved.value("pick-many") == ["a"]
    assert saved.value("total") == 3.0 and saved.value("plan") == "Safety first."
    assert saved.value("sort") == {"debt": "economy"}

    # A restarted kernel: a new session from the same folder shows every answer again.
    again = open_case("mini", "t001", mode="practice", responses_dir=tmp_path)
    again.show_exercises()
    restored = again.exercise_widgets
    assert restored["pick-one"].radio.value == "risk"
    assert restored["pick-many"].checkboxes["a"].value is True
    assert restored["order"].value == saved.value("order")
    assert restored["sort"].toggles["debt"].value == "economy"
    assert restored["total"].text.value == "3"
    assert restored["plan"].area.value == "Safety first."
    assert "swtrain-correct" in restored["pick-one"].feedback.value


def test_variant_comes_from_the_answer_file_once_saved() -> None:
    store = MemoryStore()
    store.save(answers("mini", {"pick-one": "risk"}, variant=42))
    assert open_case("mini", "t001", variant=7, store=store).responses.variant == 42
    assert open_case("mini", "t002", variant=7, store=store).responses.variant == 7


def test_switching_language_relabels_every_view_and_keeps_answers() -> None:
    store = MemoryStore()
    session = open_case("mini", "t001", store=store)
    session.show_header()
    session.show_case()
    session.show_exercises()
    session.exercise_widgets["pick-one"].radio.value = "plan"
    session.set_language("zh")
    widget = session.exercise_widgets["pick-one"]
    assert ("行动计划", "plan") in widget.radio.options and widget.radio.value == "plan"
    assert "现在做计划太早。" in widget.feedback.value
    case_view = session._views[1][0]
    assert "案例简介" in case_view.children[0].value
    assert store.load("t001", "mini").language == "zh"  # type: ignore[union-attr]
    with pytest.raises(UnknownLanguage):
        session.set_language("xx")


def test_case_markdown_is_escaped() -> None:
    session = open_case("mini", "t001", store=MemoryStore())
    html = session._case_html()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<strong>mother</strong>" in html
    assert "swtrain-people" in html and "swtrain-timeline" in html and "swtrain-interview" in html
    assert "4 days" not in html and "3 days before admission" in html


@pytest.mark.parametrize(
    ("text", "html"),
    [
        # bold as written, its full-width punctuation included (CommonMark alone would show the marks as typed)
        ("**医院：**一座大城市。", "<strong>医院：</strong>一座大城市。"),
        ("- **资源；**其他", "<li><strong>资源；</strong>其他</li>"),
        ("她叫**小雨（化名）**，九岁。", "她叫<strong>小雨（化名）</strong>，九岁。"),
        ("**Hospital:** a city", "<strong>Hospital:</strong> a city"),
        # a closing ** is not taken for an opener: the second pair keeps its own text
        ("**父亲**多年来在外打工，这次陪他来看病。**母亲**留在老家。", "看病。<strong>母亲</strong>留在老家。"),
        ("类型：**紧密的关系**指亲近的；**薄弱的关系**指较弱的；", "；<strong>薄弱的关系</strong>指较弱的；"),
        ("**资源；**其他，**医院：**一座", "<strong>资源；</strong>其他，<strong>医院：</strong>一座"),
        ("**家庭。**父亲三十七八岁", "<strong>家庭。</strong>父亲三十七八岁"),
        ("他冲东东吼：*“你想让肾病更重吗？”*", "吼：<em>“你想让肾病更重吗？”</em>"),
    ],
)
def test_bold_labels_ending_in_chinese_punctuation_render(text: str, html: str) -> None:
    from swtrain.render import markdown

    assert html in markdown(text)


class _ShownText(HTMLParser):
    """The text a reader sees in rendered HTML, outside code."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.code = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.code += tag in ("code", "pre", "style")

    def handle_endtag(self, tag: str) -> None:
        self.code -= tag in ("code", "pre", "style")

    def handle_data(self, data: str) -> None:
        if not self.code:
            self.parts.append(data)


def shown_text(html: str) -> str:
    reader = _ShownText()
    reader.feed(html)
    return "".join(reader.parts)


def test_every_markdown_text_of_every_shipped_case_renders() -> None:
    """No Markdown syntax is left over in any text of casedata/ (not the mini cases this module's fixture points
    at), as readers of either language would see it, rendered where Markdown is and as typed elsewhere: no `**`
    or `__`, no `|---|` line of a table that stayed text, no `#` at a line's start; and the tables of the three
    group-work cases are tables."""
    import yaml

    from swtrain.fields import tidy_cjk
    from swtrain.markdown_text import is_markdown_field
    from swtrain.render import markdown

    from .conftest import ROOT

    def strings(node: object, where: str) -> list[tuple[str, str]]:
        if isinstance(node, dict):
            return [found for key, value in node.items() for found in strings(value, f"{where}{key}.")]
        if isinstance(node, list):
            return [found for index, value in enumerate(node) for found in strings(value, f"{where}{index}.")]
        return [(where.rstrip("."), node)] if isinstance(node, str) and any(mark in node for mark in "*_|#") else []

    files = sorted((ROOT / "casedata").glob("*/*.yaml"))
    checked, tables = 0, set()
    for path in files:
        for field, text in strings(yaml.safe_load(path.read_text(encoding="utf-8")), ""):
            where = f"{path.parent.name}/{path.name}: {field}"
            html = markdown(tidy_cjk(text)) if is_markdown_field(path.name, field) else ""
            shown = shown_text(html) if html else text
            checked += 1
            assert "**" not in shown and "__" not in shown, (where, shown)
            assert "|---" not in shown.replace(" ", "") and "---|" not in shown.replace(" ", ""), (where, shown)
            assert not any(line.lstrip().startswith("#") for line in shown.splitlines()), (where, shown)
            if "<table>" in html:
                tables.add((path.parent.name, field.rsplit(".", 1)[-1]))
    assert len(files) >= 18 and checked > 50
    cases = ("elderly-self-management", "kidney-ward-group", "community-diabetes-groups")
    assert {(case, language) for case in cases for language in ("en", "zh")} <= tables


def test_assessed_mode_needs_no_key_and_gives_no_feedback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(MINI_ROOT, tmp_path / "casedata")
    (tmp_path / "casedata" / "mini" / "key.yaml").unlink()
    monkeypatch.setenv("SWTRAIN_CASEDATA", str(tmp_path / "casedata"))
    store = MemoryStore()
    session = open_case("mini", "t001", mode="assessed", store=store)
    session.show_exercises()
    session.exercise_widgets["pick-one"].radio.value = "plan"
    assert session.exercise_widgets["pick-one"].feedback.value == ""
    assert store.load("t001", "mini").value("pick-one") == "plan"  # type: ignore[union-attr]
    with pytest.raises(KeyNotFound, match="Practice and feedback modes need the key"):
        open_case("mini", "t001", mode="practice", store=store)


def test_feedback_mode_renders_static_graded_feedback(capsys: pytest.CaptureFixture[str]) -> None:
    store = MemoryStore()
    store.save(answers("mini", {"pick-one": "plan", "plan": "<script>alert(1)</script> plan"}, language="zh"))
    session = open_case("mini", "t001", mode="feedback", language="en", store=store)
    assert session.msg.language == "zh"  # feedback comes in the answer's language
    html = session._feedback_html()
    assert "“行动计划”：现在做计划太早。" in html and "答案：“危险性评估”" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; plan" in html and "<script>" not in html
    assert "评分标准" in html and "提出安全措施" in html
    assert session.exercise_widgets == {}


def test_feedback_mode_without_answers_says_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(SwtrainError, match=r"No answers saved for trainee 't009' in case 'mini' \(.*t009/mini.json\)"):
        open_case("mini", "t009", mode="feedback", responses_dir=tmp_path)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"mode": "exam"}, UnknownMode, "Mode 'exam' is not one of practice, assessed, feedback."),
        ({"mode": "asessed"}, UnknownMode, "Did you mean 'assessed'?"),
        ({"language": "fr"}, UnknownLanguage, "'fr' is not a language swtrain has text for."),
        ({"trainee_id": "../x"}, InvalidTraineeId, "Trainee id '../x' contains a path separator"),
    ],
)
def test_bad_parameters_give_one_clear_error(
    kwargs: dict[str, str], error: type[SwtrainError], message: str, tmp_path: Path
) -> None:
    arguments = {"trainee_id": "t001", **kwargs}
    with pytest.raises(error) as info:
        open_case("mini", responses_dir=tmp_path, **arguments)  # type: ignore[arg-type]
    assert message in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_a_broken_answer_file_is_reported_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "t001" / "mini.json"
    path.parent.mkdir()
    path.write_text("{broken", encoding="utf-8")
    with pytest.raises(SwtrainError, match="not valid JSON"):
        open_case("mini", "t001", responses_dir=tmp_path)
    assert path.read_text(encoding="utf-8") == "{broken"


def test_switching_language_keeps_the_saved_at_lines_and_remembers_the_choice(tmp_path: Path) -> None:
    session = open_case("mini", "t001", responses_dir=tmp_path)
    session.show_exercises()
    session.exercise_widgets["pick-one"].radio.value = "plan"
    assert "Saved at" in session.exercise_widgets["pick-one"].status.value
    assert session.exercise_widgets["plan"].status.value == ""  # not answered: nothing to say
    session.set_language("zh")
    assert "已于" in session.exercise_widgets["pick-one"].status.value  # rebuilt in Chinese, still saying when
    assert session.exercise_widgets["plan"].status.value == ""
    assert remembered_language(tmp_path, "t001") == "zh"
    again = open_case("mini", "t001", language="zh", responses_dir=tmp_path)  # a new kernel: the file's time
    again.show_exercises()
    assert "已于" in again.exercise_widgets["pick-one"].status.value


def test_check_all_lists_the_exercises_still_unanswered_with_links() -> None:
    session = open_case("mini", "t001", store=MemoryStore())
    session.show_exercises()
    session.show_summary()
    summary = session._views[-1][0]
    button, result = summary.children
    session.exercise_widgets["pick-one"].radio.value = "risk"
    session.exercise_widgets["plan"].area.value = "Safety first."
    button.click()
    assert "Total:" in result.value and "4 exercises still have no answer:" in result.value
    for number, exercise_id, title in [(2, "pick-many", "Signs"), (5, "total", "Total")]:
        assert f'href="#swtrain-exercise-{exercise_id}"' in result.value and f">{number}. {title}</a>" in result.value
    assert "swtrain-exercise-pick-one" not in result.value
    session.set_language("zh")  # the summary is built again, in Chinese
    button, result = summary.children
    button.click()
    assert "还有 4 道练习未作答：" in result.value and ">2. 迹象</a>" in result.value
