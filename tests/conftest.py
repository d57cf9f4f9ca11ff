"""Shared fixtures: the mini test case, isolated Jupyter folders, answer helpers."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from swtrain.cases import load_case, load_key
from swtrain.models import Case, Key, Responses
from swtrain.variants import derive_variant

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
MINI_ROOT = TESTS / "data" / "casedata"


@pytest.fixture(scope="session", autouse=True)
def isolated_jupyter(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep kernels and servers started by tests away from the user's Jupyter and IPython folders."""
    home = tmp_path_factory.mktemp("jupyter-home")
    for name, sub in {
        "JUPYTER_CONFIG_DIR": "config",
        "JUPYTER_DATA_DIR": "data",
        "JUPYTER_RUNTIME_DIR": "runtime",
        "IPYTHONDIR": "ipython",
        "MPLCONFIGDIR": "mpl",
        "SWTRAIN_CACHE_DIR": "swtrain-charts",  # every test run draws its charts afresh
    }.items():
        (home / sub).mkdir()
        os.environ[name] = str(home / sub)
    os.environ["JUPYTER_PLATFORM_DIRS"] = "1"
    os.environ.pop("SWTRAIN_CASEDATA", None)


@pytest.fixture(autouse=True)
def shared_widget_models_unchanged() -> Iterator[None]:
    """After each test, every layout and style model widgets share still has the settings it was made with
    (swtrain.widgets.shared): a widget that changes its layout must have one of its own."""
    yield
    shared = sys.modules.get("swtrain.widgets.shared")
    if shared is None:
        return
    for (kind, settings), model in list(shared._SHARED.items()):
        fresh = kind(**dict(settings))
        now, made = ({name: getattr(m, name) for name in m.keys} for m in (model, fresh))
        fresh.close()
        if now != made:
            del shared._SHARED[(kind, settings)]  # only the test that changed it fails
        assert now == made, f"a shared {kind.__name__} was changed: give the widget a layout or style of its own"


@pytest.fixture(scope="session")
def mini_case() -> Case:
    return load_case("mini", MINI_ROOT)


@pytest.fixture(scope="session")
def mini_key(mini_case: Case) -> Key:
    return load_key(mini_case, MINI_ROOT)


@pytest.fixture(scope="session")
def data_case() -> Case:
    """The mini case with data, charts, an ecomap, a screening form and a scenario."""
    return load_case("mini-data", MINI_ROOT)


@pytest.fixture(scope="session")
def data_key(data_case: Case) -> Key:
    return load_key(data_case, MINI_ROOT)


NOW = datetime(2026, 1, 1, tzinfo=UTC)


def answers(
    case_id: str, values: dict[str, object], *, trainee: str = "t001", variant: int | None = None, language: str = "en"
) -> Responses:
    """Responses holding `values`, as a trainee's widgets would save them (variant: derived, as a course does)."""
    if variant is None:
        variant = derive_variant(trainee, case_id)
    responses = Responses(trainee_id=trainee, case_id=case_id, variant=variant, language=language)
    for exercise_id, value in values.items():
        responses = responses.with_answer(exercise_id, value, NOW)  # type: ignore[arg-type]
    return responses
