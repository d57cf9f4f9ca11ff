"""Case text in Markdown: what comrak renders, and each kind of Markdown that would show other than meant."""

from __future__ import annotations

import subprocess
import sys

import pytest

from swtrain.markdown_text import is_markdown_field, plain_text_problems, problems, to_html
from swtrain.render import markdown


def test_a_table_renders_as_a_table_with_its_header_and_rows() -> None:
    html = to_html(
        "活动安排：\n\n| 次数 | 第几天 | 主题 |\n|---|---|---|\n| 1 | 28 | 相互认识 |\n| 2 | 35 | 了解我的病 |\n"
    )
    assert "<p>活动安排：</p>" in html
    assert "<thead>\n<tr>\n<th>次数</th>\n<th>第几天</th>\n<th>主题</th>" in html
    assert "<td>2</td>\n<td>35</td>\n<td>了解我的病</td>" in html and "|" not in html


def test_lists_nested_lists_and_links_render() -> None:
    html = to_html("- **资源：**其他\n  - 子项 *斜*体\n\n1. first\n2. [second](https://example.org)")
    assert "<li><strong>资源：</strong>其他\n<ul>\n<li>子项 <em>斜</em>体</li>" in html
    assert '<ol>\n<li>first</li>\n<li><a href="https://example.org">second</a></li>\n</ol>' in html


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("**医院：**一座大城市。", "<p><strong>医院：</strong>一座大城市。</p>"),
        ("**这个星号（会被识别）**，这是因为", "<p><strong>这个星号（会被识别）</strong>，这是因为</p>"),
        ("陌生的**城市。**父亲**留在**老家", "<strong>城市。</strong>父亲<strong>留在</strong>老家"),
        ("a **bold** word and 2*3*4", "a <strong>bold</strong> word and 2<em>3</em>4"),
    ],
)
def test_emphasis_next_to_full_width_punctuation_is_emphasis(text: str, html: str) -> None:
    assert html in to_html(text)


def test_raw_html_is_shown_as_text_and_a_script_link_goes_nowhere() -> None:
    text = 'A <b>word</b>. <img src=x onerror="alert(1)">\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))'
    html = to_html(text)
    assert "<b>" not in html and "<img" not in html and "<script" not in html
    assert "&lt;b&gt;word&lt;/b&gt;" in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<a href="">x</a>' in html


def test_the_table_style_comes_with_a_table_only() -> None:
    assert markdown("| a | b |\n|---|---|\n| 1 | 2 |").startswith("<style>.swtrain-markdown table{")
    assert markdown("plain") == '<div class="swtrain-markdown"><p>plain</p>\n</div>'


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("一位**母亲 **和她的孩子。", 1, "** shows as typed near '一位**母亲 **和她的孩子。' instead of making bold"),
        (
            "First line.\n\nA **mother and her child.",
            3,
            "** shows as typed near 'A **mother and her…': it has no partner",
        ),
        ("A __mother __ here.", 1, "__ shows as typed near 'A __mother __ here.' instead of making bold text"),
        ("*open and never closed", 1, "* shows as typed near '*open and never …': it has no partner"),
        ("她来到陌生的城市**。父亲**留在老家。", 1, "'**。父亲**' is shown in bold, starting with '。'"),
        ("*，他说*", 1, "'*，他说*' is shown in italics, starting with '，'"),
        ("Intro.\n\n#Background", 3, "'#Background' shows the # as typed: a heading needs a space"),
        ("- one\n- #two", 2, "'#two' shows the # as typed"),
        ("| a | b | c |\n|---|---|\n| 1 | 2 | 3 |", 2, "(the header has 3 cells, the --- line under it 2)"),
        ("Rows:\n\n| a | b |\n| 1 | 2 |", 3, "these lines of | look like a table but show as typed"),
    ],
)
def test_each_kind_of_markdown_shown_as_typed_is_a_problem_at_its_line(text: str, line: int, message: str) -> None:
    found = problems(text)
    assert len(found) == 1, found
    assert found[0].line == line and message in found[0].message


@pytest.mark.parametrize(
    "text",
    [
        "**医院：**一座大城市。\n\n- **资源；**其他\n- *“我真的撑不下去了。”*",
        "| 次数 | 第几天 |\n|:---|---:|\n| 1 | 28 |",
        "## 背景\n\n正文",
        "Fill in: ____ and ______.",
        "5 * 3 = 15, and `**code**` stays code.\n\n```\n**a\n# not a heading\n```",
        "A <script>alert(1)</script> shown as text.",
        "M*A*S*H and snake_case_name",
    ],
)
def test_markdown_that_renders_as_meant_is_no_problem(text: str) -> None:
    assert problems(text) == []


def test_markdown_marks_in_a_plain_text_are_a_problem() -> None:
    assert plain_text_problems("A title\n**Risk** assessment")[0].line == 2
    assert "this text is plain text" in plain_text_problems("__Risk__")[0].message
    assert plain_text_problems("Risk * 2, fill in ____") == []


@pytest.mark.parametrize(
    ("file_name", "field", "markdown"),
    [
        ("case.yaml", "summary.en", True),
        ("case.yaml", "sections.3.body.zh", True),
        ("case.yaml", "exercises.0.prompt.en", True),
        ("case.yaml", "exercises.2.scenes.4.text.zh", True),
        ("key.yaml", "exercises.plan.model_answer.en", True),
        ("case.yaml", "title.en", False),
        ("case.yaml", "exercises.0.options.1.label.en", False),
        ("case.yaml", "sections.0.title.zh", False),
        ("key.yaml", "exercises.pick-one.explanation.en", False),
    ],
)
def test_markdown_is_rendered_in_the_long_texts_only(file_name: str, field: str, markdown: bool) -> None:
    assert is_markdown_field(file_name, field) is markdown


def test_importing_swtrain_or_render_loads_no_markdown_library() -> None:
    code = "import sys, swtrain, swtrain.render, swtrain.checks; print(' '.join(sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert not {"comrak", "mistune", "markdown_it"} & {name.split(".")[0] for name in loaded}
    code = "import sys, swtrain.render; swtrain.render.markdown('x'); print('comrak' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "True\n"
