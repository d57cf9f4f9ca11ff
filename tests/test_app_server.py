"""The trainee app as served: trainee notebooks only; instructor notebooks, answers and server paths out of reach."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from swtrain.app import instructors_only, without_paths
from swtrain.errors import SwtrainError
from swtrain.store import FileStore

from .browser_support import Budget, copy_notebooks, start_app, stopping
from .conftest import ROOT, answers


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def test_paths_are_cut_to_their_last_part() -> None:
    assert without_paths("'x' is not a known case in /srv/course/casedata.") == "'x' is not a known case in casedata."
    assert without_paths("saved (/home/t1/responses/t1/mini.json)") == "saved (mini.json)"
    assert without_paths("see http://127.0.0.1:8866/voila and a/b") == "see http://127.0.0.1:8866/voila and a/b"


def test_an_instructor_notebook_refuses_to_run_in_the_app_only() -> None:
    instructors_only({})  # JupyterLab, papermill: runs
    with pytest.raises(SwtrainError, match="for instructors"):
        instructors_only({"VOILA_REQUEST_URL": "http://127.0.0.1/voila/render/instructor/review.ipynb"})


@pytest.mark.notebook
def test_the_app_serves_trainee_notebooks_and_nothing_of_instructors_or_other_trainees(tmp_path: Path) -> None:
    root = copy_notebooks(ROOT / "notebooks", tmp_path / "notebooks")
    FileStore(root / "responses").save(answers("child-in-crisis", {"action-plan": "SECRET-OF-T009"}, trainee="t009"))
    submissions = root / "instructor" / "submissions"
    FileStore(submissions).save(answers("child-in-crisis", {"action-plan": "SECRET-OF-T008"}, trainee="t008"))
    with stopping() as servers:
        app = start_app(root, tmp_path, "t001")
        servers.append(app)
        app.wait_until_ready(Budget(90))
        status, listing = fetch(app.url("voila/api/contents"))
        names = {entry["name"] for entry in json.loads(listing)["content"]}
        assert status == 200 and "crisis_intervention.ipynb" in names
        assert not names & {"instructor", "responses"}
        for notebook in ("review.ipynb", "grade_cohort.ipynb"):
            status, page = fetch(app.url(f"voila/render/instructor/{notebook}"))
            assert "This notebook is for instructors; the course app does not run it." in page
            assert "SECRET" not in page and "Answer 1 of" not in page
        assert not (root / "instructor" / "graded").exists()  # the cohort notebook graded nothing
        for path in (
            "voila/files/responses/t009/child-in-crisis.json",
            "voila/render/responses/t009/child-in-crisis.json",
        ):
            status, body = fetch(app.url(path))
            assert status in (403, 404) and "SECRET" not in body
        status, page = fetch(app.url("voila/render/crisis_intervention.ipynb?case_id=no-such-case"))
        assert "is not a known case in casedata." in page
        assert str(ROOT) not in page and str(tmp_path) not in page


def test_a_pooled_page_takes_a_ready_kernel_and_never_waits_for_a_refill_or_a_failed_one() -> None:
    """swtrain.app_server.ready_first over a stand-in for Voilà's pooling manager (it hands out the first entry)."""
    import asyncio
    import logging

    from swtrain.app_server import ready_first

    class Pooling:  # what Voilà's VoilaKernelManager does with its pool
        log = logging.getLogger("test-pool")

        fill_delay = 0.2

        def __init__(self) -> None:
            self._pools: dict[str, list[asyncio.Future[dict[str, str]]]] = {}
            self.fills: list[tuple[float | None, str]] = []
            self.stopped = False

        def get_pool_size(self, name: str) -> int:
            return len(self._pools.get(name, []))

        async def get_rendered_notebook(self, name: str) -> str:
            taken = await self._pools[name].pop(0)
            self.fill_if_needed(delay=None, notebook_name=name)  # Voilà: refill `fill_delay` after each page
            return taken["kernel_id"]

        def fill_if_needed(self, delay: float | None = None, notebook_name: str = "") -> None:
            self.fills.append((delay, notebook_name))

        async def shutdown_all(self) -> None:
            self.stopped = True

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        starting, failed, ready = loop.create_future(), loop.create_future(), loop.create_future()
        failed.set_exception(RuntimeError("Address already in use"))
        ready.set_result({"kernel_id": "k-ready"})
        manager = Pooling()
        manager._pools["case.ipynb"] = [starting, failed, ready]
        assert manager.get_pool_size("case.ipynb") == 3  # Voilà counts a refill still starting, and a failure
        ready_first(manager)
        assert manager.get_pool_size("case.ipynb") == 1
        assert manager._pools["case.ipynb"] == [starting, ready]  # the failed entry is dropped, to be refilled
        assert await asyncio.wait_for(manager.get_rendered_notebook("case.ipynb"), 1) == "k-ready"
        assert manager.get_pool_size("case.ipynb") == 0  # only the refill is left: the next page starts its own
        starting.set_result({"kernel_id": "k-later"})
        assert manager.get_pool_size("case.ipynb") == 1
        # refills wait until no page has taken a kernel for fill_delay seconds: one fill after a burst
        await asyncio.sleep(0.1)
        assert await manager.get_rendered_notebook("case.ipynb") == "k-later"
        await asyncio.sleep(0.1)
        assert manager.fills == []  # 0.1 s after the second page: the first page's refill was put off
        await asyncio.sleep(0.2)
        assert manager.fills == [(0, "case.ipynb")]
        # a refill still waiting when the server stops never starts
        manager._pools["case.ipynb"].append(ready)
        await manager.get_rendered_notebook("case.ipynb")
        await manager.shutdown_all()
        await asyncio.sleep(0.3)
        assert manager.fills == [(0, "case.ipynb")] and manager.stopped

    asyncio.run(scenario())


def test_pooled_kernels_warm_up_one_per_core_and_are_ready_once_they_wait_for_their_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A refill of many kernels never holds every core: one kernel per core warms up at a time, and an entry
    counts as ready only when its kernel has connected to Voilà's request socket (or its notebook ended)."""
    import asyncio
    import logging

    from voila.request_info_handler import RequestInfoSocketHandler

    from swtrain.app_server import ready_first

    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(RequestInfoSocketHandler, "_waiters", {})

    class Pooling:  # Voilà's _initialize: start the kernel, then run its notebook in a task of its own
        log = logging.getLogger("test-pool")

        def __init__(self) -> None:
            self.started: list[str] = []
            self.renders: dict[str, asyncio.Future[None]] = {}

        async def _initialize(self, notebook: str, kernel_id: str | None = None) -> dict[str, Any]:
            kernel = f"k{len(self.started)}"
            self.started.append(kernel)
            self.renders[kernel] = asyncio.get_running_loop().create_future()
            return {"kernel_id": kernel, "task": self.renders[kernel]}

    async def scenario() -> None:
        manager = Pooling()
        ready_first(manager)
        entries = [asyncio.ensure_future(manager._initialize("case.ipynb")) for _ in range(4)]
        await asyncio.sleep(0.2)
        assert manager.started == ["k0", "k1"]  # two cores: two warm up, two wait their turn
        assert not any(e.done() for e in entries)  # started, not yet waiting for a request: not ready
        RequestInfoSocketHandler._waiters["k1"] = object()  # k1 waits for its request
        await asyncio.sleep(0.2)
        assert entries[1].done() and not entries[0].done()
        assert manager.started == ["k0", "k1", "k2"]  # k1's place went to the next
        manager.renders["k0"].set_result(None)  # a notebook that ended without waiting is ready too
        await asyncio.sleep(0.2)
        assert entries[0].done() and manager.started == ["k0", "k1", "k2", "k3"]
        for entry in entries[2:]:
            entry.cancel()

    asyncio.run(scenario())


def test_without_voilas_request_sockets_a_pooled_kernel_is_ready_once_started(monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    from voila.request_info_handler import RequestInfoSocketHandler

    from swtrain.app_server import waiting_for_request

    monkeypatch.delattr(RequestInfoSocketHandler, "_waiters")

    async def scenario() -> None:
        never_ends = asyncio.get_running_loop().create_future()
        await asyncio.wait_for(waiting_for_request("k0", never_ends, limit=30), 1)

    asyncio.run(scenario())
