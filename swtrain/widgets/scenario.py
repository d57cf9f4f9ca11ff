"""Scenario: a branching interview played scene by scene, every choice saved as it is made.

The saved answer is the path (the choice ids in order), so a restart
replays it and resumes at the same scene. Choices are shown in an order
that depends on the trainee's variant; counters the case chooses to show
are shown above the scene. "Back" appears only where the scene of the last
decision allows it; in practice mode a finished scenario may be played again.
Choices are lettered cards, and no score or verdict is shown until the path
reaches an end; then the feedback sets the path beside the best one.

The choice buttons are made once and relabelled for each scene, and after a
decision the focus goes to the first choice of the next scene: a trainee on
the keyboard stays where the scenario goes on instead of at the top of the page.
"""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as w

from .. import render
from ..exercises.scenario import Scenario, longest_valid, replay
from ..i18n import plural
from ..models import ExerciseGrade
from ..variants import shuffled
from .base import ExerciseWidget
from .shared import hbox, html, make, vbox

#: A scene offers at most four choices (lettered A to D).
_MOST_CHOICES = 4


class ScenarioWidget(ExerciseWidget[Scenario]):
    def __init__(self, exercise: Scenario, value: Any = None, **kwargs: Any) -> None:
        super().__init__(exercise, **kwargs)
        self.scenario = exercise
        saved = [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
        self.path = longest_valid(exercise, saved)
        self.warning = ""
        if self.path != saved and saved:
            self.warning = self.msg(
                "Part of the saved path no longer fits this scenario; it resumes where it still fits."
            )
        self.counters = html()
        self.history = html()
        self.scene = html()
        self.choices = vbox()
        # the buttons a scene does not use wait here, hidden, so that closing the widget closes them too
        self.spare = vbox(layout=w.Layout(display="none"))
        self.choice_buttons: list[w.Button] = []
        self.shown_choices: list[str] = []
        for number in range(_MOST_CHOICES):
            button = make(w.Button, "swtrain-choice", layout={"width": "100%", "height": "auto", "margin": "3px 0"})
            button.on_click(lambda _b, n=number: self._choose(self.shown_choices[n]))
            self.choice_buttons.append(button)
        # Back and Play again are shown and hidden: each has a layout of its own
        self.back = make(w.Button, description=self.msg("Back"), icon="undo", layout=w.Layout(width="auto"))
        self.back.on_click(lambda _b: self._go_back())
        self.again = make(w.Button, description=self.msg("Play again"), icon="refresh", layout=w.Layout(width="auto"))
        self.again.on_click(lambda _b: self._restart())
        self._render()
        self._finish(
            vbox([self.counters, self.history, self.scene, self.choices, self.spare, hbox([self.back, self.again])])
        )

    @property
    def value(self) -> list[str] | None:
        return list(self.path) or None

    def _render(self) -> None:
        msg = self.msg
        lang = msg.language
        walk = replay(self.scenario, self.path)
        scene = self.scenario.scene(walk.here)
        shown = [c for c in self.scenario.counters if c.shown]
        now = walk.counters_now()
        spans = "".join(
            f'<span class="swtrain-counter" data-counter="{c.id}" style="{render.STYLE["neutral"]}">'
            f"{escape(c.label.get(lang))}: <b>{now[c.id]:g}</b> {escape(c.unit.get(lang) if c.unit else '')}</span>"
            for c in shown
        )
        style = "display:flex;gap:16px;flex-wrap:wrap;margin:4px 0"
        self.counters.value = f'<div class="swtrain-counters" style="{style}">{spans}</div>' if shown else ""
        labels = {c.id: c.label.get(lang) for s in self.scenario.scenes for c in s.choices}
        if self.path:
            steps = "".join(f"<li>{escape(labels[c])}</li>" for c in self.path)
            title = plural(
                "Your path so far ({count} decision)",
                "Your path so far ({count} decisions)",
                len(self.path),
                msg,
                count=len(self.path),
            )
            self.history.value = f"<details><summary>{escape(title)}</summary><ol>{steps}</ol></details>"
        else:
            self.history.value = ""
        speaker = ""
        if scene.speaker:
            person = self.case.person(scene.speaker) if self.case else None
            who = (
                person.name.get(lang)
                if person
                else msg("Social worker")
                if scene.speaker == "worker"
                else scene.speaker
            )
            speaker = f"<b>{escape(who)}:</b> "
        warning = f'<div style="{render.STYLE["partial"]}">{escape(self.warning)}</div>' if self.warning else ""
        the_end = msg("The end of this scenario.")
        end = f"<p><i>{escape(the_end)}</i></p>" if scene.is_end else ""
        self.scene.value = (
            f'<div class="swtrain-scene" data-scene="{scene.id}" data-step="{len(self.path)}" '
            f'style="{render.STYLE["box"]}">{warning}'
            f"{render.content_note(scene.content_note, msg)}{speaker}{render.markdown(scene.text.get(lang))}{end}</div>"
        )
        if scene.choices:
            ask = escape(msg("What do you do? Choose one."))
            self.scene.value += f'<p class="swtrain-choose" style="margin:8px 0 2px"><b>{ask}</b></p>'
        order = shuffled(scene.choices, self.variant, f"{self.scenario.id}/{scene.id}")[:_MOST_CHOICES]
        for old in self.shown_choices:
            for button in self.choice_buttons:
                button.remove_class(f"swtrain-choice-{old}")
        self.shown_choices = [c.id for c in order]
        for letter, choice, button in zip("ABCD", order, self.choice_buttons, strict=False):
            button.description = f"{letter}.  {choice.label.get(lang)}"
            button.tooltip = choice.label.get(lang)
            button.add_class(f"swtrain-choice-{choice.id}")
        self.choices.children = self.choice_buttons[: len(order)]
        self.spare.children = self.choice_buttons[len(order) :]
        previous = self.scenario.scene(walk.scenes[-2]) if len(walk.scenes) > 1 else None
        self.back.layout.display = "" if previous is not None and previous.allow_back else "none"
        self.again.layout.display = "" if scene.is_end and self.practice else "none"

    def show(self, result: ExerciseGrade | None) -> None:
        """A grade only once the path has reached an end: no score or verdict after each decision."""
        at_end = self.scenario.scene(replay(self.scenario, self.path).here).is_end
        super().show(result if at_end else None)

    def _choose(self, choice_id: str) -> None:
        self.warning = ""
        self.path.append(choice_id)
        self._render()
        self._focus_here()
        self._answer(list(self.path))

    def _focus_here(self) -> None:
        """The focus to the first choice of the scene now shown, or to "Play again" at an end."""
        if self.shown_choices:
            self.choice_buttons[0].focus()
        elif self.again.layout.display != "none":
            self.again.focus()

    def _go_back(self) -> None:
        if self.path:
            self.path.pop()
            self._render()
            self._focus_here()
            self._answer(list(self.path))

    def _restart(self) -> None:
        self.path = []
        self._render()
        self._focus_here()
        self._answer([])
