"""Manual review: the widget walks the queue, saves after each answer, resumes; grade merges reviews."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from swtrain.cohort import grade_cohort
from swtrain.review_queue import review_panel, review_queue
from swtrain.reviews import Review, ReviewStore
from swtrain.store import FileStore
from swtrain.widgets.review import ReviewPanel

from .conftest import MINI_ROOT, answers


@pytest.fixture
def submissions(tmp_path: Path) -> Path:
    store = FileStore(tmp_path / "subs")
    store.save(answers("mini", {"pick-one": "risk", "plan": "Check safety <b>now</b>."}, trainee="t1"))
    store.save(answers("mini", {"plan": "先确认安全，再链接资源。"}, trainee="t2", language="zh"))
    store.save(answers("mini", {"pick-one": "risk"}, trainee="t3"))  # no free text: nothing to review
    return tmp_path / "subs"


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def score(panel, safety: float, resources: float, comment: str = "") -> None:  # type: ignore[no-untyped-def]
    panel.scores["safety"].value = safety
    panel.scores["resources"].value = resources
    panel.comments["safety"].value = comment
    panel.save_next.click()


def test_the_panel_walks_the_queue_saves_each_answer_and_resumes(submissions: Path, tmp_path: Path) -> None:
    panel = review_panel(submissions, tmp_path / "out", "anna", casedata=MINI_ROOT)
    assert [i.trainee_id for i in panel.queue] == ["t1", "t2"]
    assert "Answer 1 of 2" in panel.header.value and "Check safety &lt;b&gt;now&lt;/b&gt;." in panel.body.value
    assert "Names a safety step" in panel.criteria.children[0].children[0].value
    score(panel, 2, 1, "Good first step")
    saved = json.loads((tmp_path / "out" / "reviews" / "anna.json").read_text(encoding="utf-8"))
    assert saved["reviews"][0]["scores"] == {"safety": 2.0, "resources": 1.0}
    assert saved["reviews"][0]["comments"] == {"safety": "Good first step"}
    assert "Answer 2 of 2" in panel.header.value

    reopened = review_panel(submissions, tmp_path / "out", "anna", casedata=MINI_ROOT)
    assert reopened.position == 1 and reopened.item is not None and reopened.item.trainee_id == "t2"
    score(reopened, 2, 3)
    assert "Every answer has been reviewed." in reopened.header.value
    reopened.previous.click()
    assert reopened.scores["resources"].value == 3  # a saved review shows again


def test_the_panel_hands_each_review_to_its_callback_and_touches_no_file(submissions: Path, tmp_path: Path) -> None:
    queue = review_queue(submissions, MINI_ROOT)
    kept: list[Review] = []
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    panel = ReviewPanel(queue, [], kept.append, "anna", "zh")
    assert "第 1 条，共 2 条" in panel.header.value
    score(panel, 2, 1, "好的开始")
    assert [(r.trainee_id, r.total, dict(r.comments)) for r in kept] == [("t1", 3.0, {"safety": "好的开始"})]
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    resumed = ReviewPanel(queue, kept, kept.append, "anna", "zh")  # what was saved decides where it resumes
    assert resumed.position == 1 and resumed.item is not None and resumed.item.trainee_id == "t2"


def test_a_review_the_callback_cannot_keep_stays_in_the_form(submissions: Path) -> None:
    def refuse(review: Review) -> None:
        raise OSError("disk full")

    panel = ReviewPanel(review_queue(submissions, MINI_ROOT), [], refuse, "anna")
    score(panel, 2, 1)
    assert panel.position == 0 and panel.scores["resources"].value == 1
    assert "Your review was not saved." in panel.status.value and "disk full" in panel.status.value


def test_grade_merges_reviews_and_lists_disagreement(submissions: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    anna = review_panel(submissions, out, "anna", casedata=MINI_ROOT)
    score(anna, 2, 1, "ok")
    score(anna, 2, 3)
    ben = review_panel(submissions, out, "ben", casedata=MINI_ROOT)
    score(ben, 2, 2)  # t1: anna 3, ben 4 -> 3.5
    score(ben, 2, 3)  # t2: both 5
    grade_cohort(submissions, out, casedata=MINI_ROOT)
    rows = {r["trainee_id"]: r for r in rows_of(out / "gradebook.csv")}
    assert rows["t1"]["plan"] == "3.5" and rows["t1"]["needs_review"] == "0" and rows["t1"]["score"] == "5.5"
    assert rows["t2"]["plan"] == "5" and rows["t3"]["plan"] == "0"
    notes = list(rows_of(out / "review_notes.csv"))
    assert [(n["trainee_id"], n["note"]) for n in notes if n["trainee_id"]] == [
        ("t1", "plan: reviewers disagree: anna 3, ben 4")
    ]
    # and, for the cohort, how alike anna and ben applied each criterion (two answers: no ICC of the totals)
    agreement = sorted(n["note"] for n in notes if not n["trainee_id"])
    assert [note.split(":")[0] for note in agreement] == ["plan/resources", "plan/safety"]
    assert all("weighted kappa" in note and "over 2 answers" in note for note in agreement)
    page = (out / "feedback" / "t1" / "mini.html").read_text(encoding="utf-8")
    # the trainee sees each criterion's mean given points and the comment under the criterion it is about
    safety = page[page.index("Names a safety step (2 points)") : page.index("Links resources (3 points)")]
    assert "Comment: ok" in safety and "anna" not in page
    assert "Given: 2 of 2" in page and "Given: 1.5 of 3" in page
    assert "已由教师依据评分标准评分。" in (out / "feedback" / "t2" / "mini.html").read_text(encoding="utf-8")


def test_a_review_of_a_changed_answer_is_not_applied(submissions: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    score(review_panel(submissions, out, "anna", casedata=MINI_ROOT), 2, 3)
    FileStore(submissions).save(answers("mini", {"plan": "A rewritten plan."}, trainee="t1"))
    grade_cohort(submissions, out, casedata=MINI_ROOT)
    rows = {r["trainee_id"]: r for r in rows_of(out / "gradebook.csv")}
    assert rows["t1"]["plan"] == "review" and rows["t1"]["needs_review"] == "1"
    assert "a review of an earlier version of the answer was not applied" in (out / "review_notes.csv").read_text()
    assert len(ReviewStore(out / "reviews").all_reviews()) == 1


@pytest.mark.notebook
def test_the_review_notebook_shows_the_first_answer_in_chinese(tmp_path: Path) -> None:
    import papermill

    store = FileStore(tmp_path / "subs")
    store.save(answers("child-in-crisis", {"action-plan": "先确认安全。"}, trainee="t1", language="zh"))
    notebook = Path(__file__).resolve().parent.parent / "notebooks" / "instructor" / "review.ipynb"
    nb = papermill.execute_notebook(
        str(notebook),
        str(tmp_path / "out.ipynb"),
        kernel_name="python3",
        progress_bar=False,
        cwd=str(tmp_path),
        parameters={
            "submissions_dir": str(tmp_path / "subs"),
            "out_dir": str(tmp_path / "graded"),
            "reviewer": "anna",
            "language": "zh",
        },
    )
    state = json.dumps(nb.metadata.get("widgets", {}), ensure_ascii=False)
    assert "第 1 条，共 1 条" in state and "先确认安全。" in state and "保存并继续" in state
