"""The instructor's review widget: every answer that needs a person, one at a time.

It shows the exercise, the trainee's answer and the rubric, takes a score and
a comment per criterion, and saves the reviewer's file after each answer, so
reopening resumes at the first answer this reviewer has not scored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path

import ipywidgets as w

from .. import render
from ..cohort import _Cases, grade_submission
from ..i18n import messages
from ..models import Case, Criterion, FreeTextKey
from ..reviews import Review, ReviewStore, answer_hash
from ..submissions import iter_submissions


@dataclass(frozen=True)
class ReviewItem:
    """One answer waiting for a person."""

    case: Case
    trainee_id: str
    exercise_id: str
    answer: str
    language: str
    criteria: tuple[Criterion, ...]

    @property
    def target(self) -> tuple[str, str, str]:
        return (self.trainee_id, self.case.id, self.exercise_id)


def review_queue(submissions: Path, casedata: Path | None = None) -> list[ReviewItem]:
    """Every answer in `submissions` that needs a person, in trainee, case and exercise order."""
    cases = _Cases(casedata)
    queue = []
    for item in iter_submissions(submissions):
        outcome = grade_submission(item, cases)
        if not isinstance(outcome, tuple):
            continue  # not gradable: `swtrain grade` lists it in problems.csv
        responses, graded, _ = outcome
        case, key = cases.get(responses.case_id)
        for result in graded.exercises:
            entry = key.exercises[result.exercise_id]
            if result.status == "needs_review" and isinstance(entry, FreeTextKey):
                queue.append(
                    ReviewItem(
                        case,
                        responses.trainee_id,
                        result.exercise_id,
                        str(responses.value(result.exercise_id)),
                        responses.language,
                        entry.rubric,
                    )
                )
    return sorted(queue, key=lambda i: i.target)


class ReviewPanel:
    """Walks one reviewer through a queue; `.box` is what to display."""

    def __init__(self, queue: list[ReviewItem], store: ReviewStore, reviewer: str, language: str = "en") -> None:
        self.queue = queue
        self.store = store
        self.reviewer = reviewer
        self.msg = messages(language)
        done = {r.target for r in store.load(reviewer).reviews}
        self.position = next((n for n, item in enumerate(queue) if item.target not in done), len(queue))
        self.header = w.HTML()
        self.body = w.HTML()
        self.criteria = w.VBox()
        self.scores: dict[str, w.BoundedFloatText] = {}
        self.comments: dict[str, w.Text] = {}
        self.previous = w.Button(description=self.msg("Previous"), icon="arrow-left")
        self.save_next = w.Button(
            description=self.msg("Save and next"), icon="check", button_style="primary", layout=w.Layout(width="auto")
        )
        self.status = w.HTML()
        self.previous.on_click(lambda _b: self.go(self.position - 1))
        self.save_next.on_click(lambda _b: self.save())
        self.box = w.VBox([self.header, self.body, self.criteria, w.HBox([self.previous, self.save_next]), self.status])
        self.show()

    @property
    def item(self) -> ReviewItem | None:
        return self.queue[self.position] if self.position < len(self.queue) else None

    def go(self, position: int) -> None:
        self.position = max(0, min(position, len(self.queue)))
        self.show()

    def show(self) -> None:
        item = self.item
        self.previous.disabled = self.position == 0
        if item is None:
            finished = self.msg("Every answer has been reviewed.")
            self.header.value = f"<h3>{escape(finished)}</h3>"
            self.body.value, self.criteria.children = "", ()
            self.save_next.disabled = True
            return
        self.save_next.disabled = False
        lang = self.msg.language
        exercise = item.case.exercise(item.exercise_id)
        counter = self.msg("Answer {number} of {total}", number=self.position + 1, total=len(self.queue))
        self.header.value = (
            f"<h3>{escape(counter)} · {escape(item.trainee_id)} · {escape(item.case.title.get(lang))}</h3>"
        )
        self.body.value = (
            render.exercise_prompt(exercise, 0, self.msg)
            + f'<div style="{render.STYLE["box"]};white-space:pre-wrap">{escape(item.answer)}</div>'
        )
        saved = {r.target: r for r in self.store.load(self.reviewer).reviews}.get(item.target)
        rows = []
        self.scores, self.comments = {}, {}
        for criterion in item.criteria:
            score = w.BoundedFloatText(
                value=saved.scores.get(criterion.id, 0.0) if saved else 0.0,
                min=0,
                max=criterion.points,
                step=0.5,
                layout=w.Layout(width="90px"),
            )
            comment = w.Text(
                value=saved.comments.get(criterion.id, "") if saved else "",
                placeholder=self.msg("Comment for the trainee"),
                layout=w.Layout(width="50%"),
            )
            self.scores[criterion.id], self.comments[criterion.id] = score, comment
            label = f"<b>{escape(criterion.description.get(lang))}</b> ({criterion.points:g})"
            rows.append(w.VBox([w.HTML(label), w.HBox([score, comment])]))
        self.criteria.children = tuple(rows)

    def save(self) -> None:
        """Save this answer's review to the reviewer's file, then show the next answer."""
        item = self.item
        if item is None:
            return
        review = Review(
            trainee_id=item.trainee_id,
            case_id=item.case.id,
            exercise_id=item.exercise_id,
            answer_sha256=answer_hash(item.answer),
            scores={k: v.value for k, v in self.scores.items()},
            comments={k: v.value for k, v in self.comments.items() if v.value.strip()},
            reviewed_at=datetime.now(UTC),
        )
        self.store.record(self.reviewer, review)
        self.status.value = escape(self.msg("Saved at {time}", time=datetime.now().strftime("%H:%M:%S")))
        self.go(self.position + 1)


def review_panel(
    submissions_dir: str | Path, out_dir: str | Path, reviewer: str, language: str = "en", casedata: Path | None = None
) -> ReviewPanel:
    """The review widget over `submissions_dir`, saving to `out_dir/reviews/<reviewer>.json`."""
    return ReviewPanel(
        review_queue(Path(submissions_dir), casedata), ReviewStore(Path(out_dir) / "reviews"), reviewer, language
    )
