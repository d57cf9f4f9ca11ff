"""The instructor's review widget: every answer that needs a person, one at a time.

It shows the exercise, the trainee's answer and the rubric, takes a level (the
criterion's levels, each with its descriptor; a number where a criterion has
no levels) and a comment per criterion, and hands each review to `on_review` (which saves
it: swtrain.review_queue.review_panel wires it to the reviewer's file), so
reopening resumes at the first answer this reviewer has not scored. Like the
answer widgets, it touches no file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from html import escape
from typing import TYPE_CHECKING

import ipywidgets as w

from .. import render
from ..fields import Criterion
from ..i18n import figure, messages, plural
from ..reviews import Review, answer_hash
from .base import WIDGET_CSS
from .shared import AUTO, hbox, html, make, vbox

if TYPE_CHECKING:
    from ..review_queue import ReviewItem

#: Takes one reviewer's review of one answer and keeps it.
OnReview = Callable[[Review], object]


class ReviewPanel:
    """Walks one reviewer through a queue; `.box` is what to display."""

    def __init__(
        self,
        queue: list[ReviewItem],
        saved: Iterable[Review],
        on_review: OnReview,
        reviewer: str,
        language: str = "en",
    ) -> None:
        self.queue = queue
        self.saved = {r.target: r for r in saved}
        self.on_review = on_review
        self.reviewer = reviewer
        self.msg = messages(language)
        self.position = next((n for n, item in enumerate(queue) if item.target not in self.saved), len(queue))
        self.header = html()
        self.body = html()
        self.criteria = vbox()
        self.scores: dict[str, w.RadioButtons | w.BoundedFloatText] = {}
        self.comments: dict[str, w.Text] = {}
        self.previous = make(w.Button, description=self.msg("Previous"), icon="arrow-left")
        self.save_next = make(
            w.Button, description=self.msg("Save and next"), icon="check", button_style="primary", layout=AUTO
        )
        self.status = html()
        self.previous.on_click(lambda _b: self.go(self.position - 1))
        self.save_next.on_click(lambda _b: self.save())
        self.box = vbox([self.header, self.body, self.criteria, hbox([self.previous, self.save_next]), self.status])
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
            + WIDGET_CSS
        )
        saved = self.saved.get(item.target)
        rows = []
        self.scores, self.comments = {}, {}
        for criterion in item.criteria:
            given = saved.scores.get(criterion.id) if saved else None
            score = self._score_input(criterion, given)
            comment = make(
                w.Text,
                value=saved.comments.get(criterion.id, "") if saved else "",
                placeholder=self.msg("Comment for the trainee"),
                layout={"width": "60%"},
            )
            self.scores[criterion.id], self.comments[criterion.id] = score, comment
            points = plural(
                "{points} point", "{points} points", criterion.points, self.msg, points=figure(criterion.points)
            )
            label = f"<b>{escape(criterion.description.get(lang))}</b> ({escape(points)})"
            rows.append(vbox([html(label), score, comment], layout={"margin": "6px 0"}))
        self.criteria.children = tuple(rows)

    def _score_input(self, criterion: Criterion, given: float | None) -> w.RadioButtons | w.BoundedFloatText:
        """The criterion's levels to choose from (none chosen until the reviewer chooses), or a number box for a
        criterion without levels."""
        lang = self.msg.language
        if criterion.levels:
            options = [(f"{figure(lv.points)} · {lv.descriptor.get(lang)}", lv.points) for lv in criterion.levels]
            chosen = given if criterion.level(given if given is not None else -1) else None
            return make(w.RadioButtons, "swtrain-radio", "swtrain-levels", options=options, value=chosen, layout=AUTO)
        return make(
            w.BoundedFloatText, value=given or 0.0, min=0, max=criterion.points, step=0.5, layout={"width": "90px"}
        )

    def save(self) -> None:
        """Save this answer's review to the reviewer's file, then show the next answer."""
        item = self.item
        if item is None:
            return
        unchosen = [c for c in item.criteria if self.scores[c.id].value is None]
        if unchosen:
            lang = self.msg.language
            what = "\n".join(c.description.get(lang) for c in unchosen)  # one criterion per line
            self.status.value = render.error_box(self.msg("Choose a level for every criterion."), what)
            return
        review = Review(
            trainee_id=item.trainee_id,
            case_id=item.case.id,
            exercise_id=item.exercise_id,
            answer_sha256=answer_hash(item.value),
            scores={k: v.value for k, v in self.scores.items()},
            comments={k: v.value for k, v in self.comments.items() if v.value.strip()},
            reviewed_at=datetime.now(UTC),
        )
        try:
            self.on_review(review)
        except Exception as exc:  # shown in place: the reviewer's scores stay in the form to save again
            self.status.value = render.error_box(self.msg("Your review was not saved."), str(exc))
            return
        self.saved[item.target] = review
        self.status.value = escape(self.msg("Saved at {time}", time=datetime.now().strftime("%H:%M:%S")))
        self.go(self.position + 1)
