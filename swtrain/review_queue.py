"""The answers that need a person (a rubric to score them by), for the review notebook.

    review_queue(SUBMISSIONS) -> [ReviewItem, ...]   in trainee, case and exercise order

Files are read and graded as `swtrain grade` does; a file it cannot grade is
left to its problems.csv.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .batch import CaseBook, ProblemRow, grade_submission
from .exercises import kind_of
from .fields import Criterion
from .i18n import known_or_english, messages
from .models import Case
from .render import answer_text
from .submissions import iter_submissions


@dataclass(frozen=True)
class ReviewItem:
    """One answer waiting for a person: the exercise, the answer in words and the rubric to score it by."""

    case: Case
    trainee_id: str
    exercise_id: str
    answer: str
    language: str
    criteria: tuple[Criterion, ...]
    value: Any = None  # the answer as saved, which a review's hash names

    @property
    def target(self) -> tuple[str, str, str]:
        return (self.trainee_id, self.case.id, self.exercise_id)


def review_queue(submissions: Path, casedata: Path | None = None) -> list[ReviewItem]:
    """Every answer in `submissions` that needs a person, in trainee, case and exercise order."""
    cases = CaseBook(casedata)
    queue = []
    for item in iter_submissions(submissions):
        outcome = grade_submission(item, cases)
        if isinstance(outcome, ProblemRow):
            continue  # not gradable: `swtrain grade` lists it in problems.csv
        responses, graded, _ = outcome
        case, key = cases.get(responses.case_id)
        msg = messages(known_or_english(responses.language))
        for result in graded.exercises:
            criteria = kind_of(result.type).rubric(key.exercises[result.exercise_id])
            if result.status == "needs_review" and criteria:
                value = responses.value(result.exercise_id)
                exercise = case.exercise(result.exercise_id)
                queue.append(
                    ReviewItem(
                        case,
                        responses.trainee_id,
                        result.exercise_id,
                        answer_text(exercise, value, msg),
                        responses.language,
                        criteria,
                        value,
                    )
                )
    return sorted(queue, key=lambda i: i.target)


def review_panel(
    submissions_dir: str | Path, out_dir: str | Path, reviewer: str, language: str = "en", casedata: Path | None = None
) -> Any:
    """The review widget over `submissions_dir`, each review saved at once to `out_dir/reviews/<reviewer>.json`."""
    from .reviews import ReviewStore
    from .widgets.review import ReviewPanel

    store = ReviewStore(Path(out_dir) / "reviews")
    queue = review_queue(Path(submissions_dir), casedata)
    return ReviewPanel(
        queue, store.load(reviewer).reviews, lambda review: store.record(reviewer, review), reviewer, language
    )
