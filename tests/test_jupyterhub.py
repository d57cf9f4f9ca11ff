"""The course server: the deployment's JupyterHub config, and a real hub on loopback with two trainees.

The integration test starts JupyterHub with deploy/jupyterhub/jupyterhub_config.py
(only ports, authenticator, spawner and paths replaced), configurable-http-proxy
from npm and a local-process spawner; each trainee logs in with a password and
starts their server; the course is copied into each home as nbgitpuller would;
the module notebook runs cell by cell in a kernel of each trainee's server,
through the proxy, and answers as the widgets do; then `swtrain collect` reads
both homes and `swtrain grade` grades both trainees. Each trainee's landing
page is the course index in the app (Voilà in their server), with no code. A second
hub, with short cull times, shows the deployment's cullers giving back kernels
no page holds and stopping idle servers.

Run by hand without configurable-http-proxy or node the test is skipped; with CI set it fails.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import nbformat
import pytest
from click.testing import CliRunner
from traitlets.config.loader import PyFileConfigLoader

from swtrain.app import VOILA_SETTINGS, cull_settings
from swtrain.cli import main

from .browser_support import Budget, running_in_ci
from .conftest import ROOT
from .hub_support import DEPLOY_CONFIG, Hub, KernelChannel, missing_for_hub, start_hub

TRAINEES = {"trainee1": "lethality", "trainee2": "rapport"}  # each one's answer to the first exercise
CASE_ID = "child-in-crisis"
NOTEBOOK = "course/notebooks/crisis_intervention.ipynb"
PASSWORD = "course-test-password"
TOTAL_SECONDS = 150  # hub start to grades; a normal run takes about 25 s


def test_the_deployment_config_loads_and_opens_the_course_index(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWTRAIN_HUB_ROOT", "/srv/hub-test")
    monkeypatch.setenv("SWTRAIN_HUB_INSTRUCTORS", "lee, wang")
    config = PyFileConfigLoader(DEPLOY_CONFIG.name, path=str(DEPLOY_CONFIG.parent)).load_config()
    # Trainees land on the app (Voilà, set as `swtrain serve` sets it); instructors on JupyterLab.
    assert config.Spawner.default_url == "/voila/render/course/notebooks/index.ipynb"
    # Kernels no page holds are culled as `swtrain serve` culls them; idle servers by jupyterhub-idle-culler.
    assert tuple(config.Spawner.args) == (*VOILA_SETTINGS, *cull_settings(600))
    (culler,) = config.JupyterHub.services
    assert culler["command"][1:] == ["-m", "jupyterhub_idle_culler", "--timeout=3600", "--cull-every=300"]
    assert config.JupyterHub.load_roles[0]["services"] == ["idle-culler"]
    for admin, landing in ((False, config.Spawner.default_url), (True, "/lab/tree/course/notebooks/index.ipynb")):
        spawner = SimpleNamespace(user=SimpleNamespace(admin=admin), default_url="")
        config.Spawner.pre_spawn_hook(spawner)
        assert spawner.default_url == landing
    assert config.Authenticator.admin_users == {"lee", "wang"}
    assert config.JupyterHub.db_url == "sqlite:////srv/hub-test/jupyterhub.sqlite"
    assert config.JupyterHub.admin_access is False
    from jupyterhub.app import JupyterHub

    hub = JupyterHub(config=config)
    assert hub.authenticator_class.__name__ == "PAMAuthenticator"
    assert hub.spawner_class.__name__ == "LocalProcessSpawner"


def test_the_deployment_config_says_what_to_install_when_the_idle_culler_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "jupyterhub_idle_culler" else real(name, *a)
    )
    with pytest.raises(SystemExit, match=r"pip install jupyterhub-idle-culler \(or set SWTRAIN_HUB_CULL_IDLE=0"):
        PyFileConfigLoader(DEPLOY_CONFIG.name, path=str(DEPLOY_CONFIG.parent)).load_config()
    monkeypatch.setenv("SWTRAIN_HUB_CULL_IDLE", "0")  # culling switched off: no culler needed, no service
    config = PyFileConfigLoader(DEPLOY_CONFIG.name, path=str(DEPLOY_CONFIG.parent)).load_config()
    assert "services" not in config.JupyterHub


def running_hub(tmp_path: Path, cull: tuple[int, int] = (0, 0)) -> Iterator[tuple[Hub, Budget]]:
    """A real hub on loopback for one test (`cull`: server and kernel idle seconds, 0 for never)."""
    problem = missing_for_hub()
    if problem:
        if running_in_ci():
            pytest.fail(f"The JupyterHub test must run in CI, but {problem}.", pytrace=False)
        pytest.skip(problem)
    budget = Budget(TOTAL_SECONDS)
    (tmp_path / "homes").mkdir()
    started = start_hub(tmp_path, tmp_path / "homes", PASSWORD, cull)
    try:
        started.wait_until_ready(budget)
        yield started, budget
    finally:
        started.stop()


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[tuple[Hub, Budget]]:
    yield from running_hub(tmp_path)


def log_in(hub: Hub, user: str, password: str) -> Any:
    """A browser-like session logged in to the hub with the login form (or AssertionError)."""
    import requests

    session = requests.Session()
    session.get(f"{hub.url}/hub/login", timeout=10).raise_for_status()
    form = {"username": user, "password": password, "_xsrf": session.cookies.get("_xsrf", "")}
    answer = session.post(f"{hub.url}/hub/login", data=form, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, f"{user} could not log in: {answer.status_code}\n{hub.log_tail()}"
    return session


def copy_course(home: Path) -> None:
    """The course as nbgitpuller leaves it in a home: `course/` with notebooks/ and casedata/ (one case here)."""
    notebooks = home / "course" / "notebooks"
    notebooks.mkdir(parents=True)
    for name in ("index.ipynb", Path(NOTEBOOK).name):
        shutil.copy2(ROOT / "notebooks" / name, notebooks / name)
    (home / "course" / "casedata").mkdir()
    shutil.copy2(ROOT / "casedata" / "modules.yaml", home / "course" / "casedata" / "modules.yaml")
    shutil.copytree(ROOT / "casedata" / CASE_ID, home / "course" / "casedata" / CASE_ID)


def run_module_notebook(hub: Hub, user: str, token: str, budget: Budget) -> str:
    """Run the module notebook in a kernel of `user`'s server, then answer as the widgets do; what it printed."""
    notebook = hub.api("GET", f"user/{user}/api/contents/{NOTEBOOK}", token=token)["content"]
    cells = [nbformat.from_dict(cell) for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert "parameters" in cells[0].metadata.get("tags", []), "the module notebook's first code cell is not parameters"
    # papermill's way: the parameters cell runs first, and a cell after it sets this run's values.
    injected = f'case_id = "{CASE_ID}"\ntrainee_id = "{user}"\nmode = "practice"'
    code = [cells[0].source, injected, *(cell.source for cell in cells[1:])]
    code.append(
        f'session.answer("first-priority", {TRAINEES[user]!r})\n'
        'session.answer("crisis-signs", ["coping-fails", "sleep-food"])\n'
        "print(session.responses.trainee_id, sorted(session.responses.answers))"
    )
    kernel_session = hub.api(
        "POST",
        f"user/{user}/api/sessions",
        {"path": NOTEBOOK, "type": "notebook", "name": "", "kernel": {"name": "python3"}},
        token=token,
        expect=201,
    )
    channel = KernelChannel(hub, user, kernel_session["kernel"]["id"], token, budget)
    try:
        printed = "".join(channel.execute(source, cap_seconds=60) for source in code)
    finally:
        channel.close()
        hub.api("DELETE", f"user/{user}/api/sessions/{kernel_session['id']}", token=token, expect=204)
    return printed


def test_two_trainees_work_on_a_real_hub_and_the_instructor_collects_and_grades_both(
    hub: tuple[Hub, Budget], tmp_path: Path
) -> None:
    server, budget = hub
    started = time.monotonic()
    homes = tmp_path / "homes"
    # An outsider and a wrong password are refused; each trainee logs in and starts their own server.
    for user, password in (("mallory", PASSWORD), ("trainee1", "wrong")):
        with pytest.raises(AssertionError, match="could not log in"):
            log_in(server, user, password)
    for user in TRAINEES:
        browser = log_in(server, user, PASSWORD)
        assert browser.get(f"{server.url}/hub/api/user", timeout=10).json()["name"] == user
        xsrf = {"X-XSRFToken": browser.cookies.get("_xsrf", "")}
        spawn = browser.post(f"{server.url}/hub/api/users/{user}/server", headers=xsrf, timeout=30)
        assert spawn.status_code in (201, 202), f"{user}'s server did not start: {spawn.text}\n{server.log_tail()}"
    tokens = {}
    for user in TRAINEES:
        server.wait_for_server(user, budget)
        copy_course(homes / user)
        created = server.api("POST", f"hub/api/users/{user}/tokens", {"note": "test", "expires_in": 600}, expect=201)
        tokens[user] = created["token"]
    # A trainee's token does not open another trainee's server.
    status, _ = server.request("GET", "user/trainee2/api/contents/course", token=tokens["trainee1"])
    assert status == 403

    for user in TRAINEES:
        printed = run_module_notebook(server, user, tokens[user], budget)
        assert printed.strip().endswith(f"{user} ['crisis-signs', 'first-priority']")
        saved = homes / user / "course" / "notebooks" / "responses" / user / f"{CASE_ID}.json"
        answers = json.loads(saved.read_text(encoding="utf-8"))
        assert answers["trainee_id"] == user and answers["answers"]["first-priority"]["value"] == TRAINEES[user]
    # The trainee's landing page is the app: Voilà renders the course index (its language switch and list are
    # widgets), with no code.
    for user in TRAINEES:
        browser = log_in(server, user, PASSWORD)
        landing = browser.get(f"{server.url}/user/{user}/", timeout=60)
        assert landing.status_code == 200 and "/voila/render/course/notebooks/index.ipynb" in landing.url
        assert "swtrain-language" in landing.text and "celltag_lab-only" in landing.text, landing.text[-3000:]
        for code in ("show_course()", "import swtrain", "Traceback"):  # no code cell's source, no error
            assert code not in landing.text
        # Leaving the page gives its kernel back: the page's beacon, with the _xsrf cookie the server set, is taken.
        kernel = re.search(r'"kernelId": "([0-9a-f-]+)"', landing.text).group(1)  # type: ignore[union-attr]
        xsrf = next((c.value for c in browser.cookies if c.name == "_xsrf" and c.path.startswith(f"/user/{user}")), "")
        assert xsrf, f"no _xsrf cookie for {user}'s server: {[(c.name, c.path) for c in browser.cookies]}"
        left = browser.post(f"{server.url}/user/{user}/voila/api/shutdown/{kernel}", data={"_xsrf": xsrf}, timeout=30)
        assert left.status_code == 204, f"the page's shutdown beacon was refused: {left.status_code} {left.text}"
        assert kernel not in str(server.api("GET", f"user/{user}/api/kernels", token=tokens[user]))
    for user in TRAINEES:
        server.api("DELETE", f"hub/api/users/{user}/server", expect=204)

    runner = CliRunner()
    collected = runner.invoke(main, ["collect", str(homes), "--out", str(tmp_path / "subs")], catch_exceptions=False)
    assert collected.exit_code == 0, collected.output
    assert "Collected from 2 users (0 with nothing to collect): 2 files copied" in collected.output
    graded = runner.invoke(
        main, ["grade", str(tmp_path / "subs"), "--out", str(tmp_path / "graded")], catch_exceptions=False
    )
    assert graded.exit_code == 0 and "Graded 2 of 2 files" in graded.output, graded.output
    with (tmp_path / "graded" / "gradebook.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["trainee_id"]: row for row in csv.DictReader(handle)}
    assert sorted(rows) == sorted(TRAINEES)
    assert float(rows["trainee1"]["first-priority"]) > float(rows["trainee2"]["first-priority"])
    assert time.monotonic() - started < TOTAL_SECONDS


KERNEL_CULL = 4  # seconds a kernel with no page open is kept in the culling test
SERVER_CULL = 30  # seconds an idle server is kept in the culling test (the culler looks every 15 s)


@pytest.fixture
def culling_hub(tmp_path: Path) -> Iterator[tuple[Hub, Budget]]:
    yield from running_hub(tmp_path, cull=(SERVER_CULL, KERNEL_CULL))


def test_the_hub_shuts_down_kernels_no_page_holds_and_stops_idle_servers(culling_hub: tuple[Hub, Budget]) -> None:
    """The deployment's cullers, with short times: a kernel no page holds goes, one a page holds stays until the
    page goes; then jupyterhub-idle-culler stops the idle server."""
    server, budget = culling_hub
    user = "trainee1"
    browser = log_in(server, user, PASSWORD)
    spawn = browser.post(
        f"{server.url}/hub/api/users/{user}/server", headers={"X-XSRFToken": browser.cookies.get("_xsrf", "")}
    )
    assert spawn.status_code in (201, 202), spawn.text
    server.wait_for_server(user, budget)
    spawned = time.monotonic()
    token = server.api("POST", f"hub/api/users/{user}/tokens", {"note": "test", "expires_in": 600}, expect=201)["token"]
    server.api("POST", f"user/{user}/api/kernels", {"name": "python3"}, token=token, expect=201)  # no page
    held = server.api("POST", f"user/{user}/api/kernels", {"name": "python3"}, token=token, expect=201)["id"]
    page = KernelChannel(server, user, held, token, budget)  # an open page: its kernel's websocket
    try:
        assert page.execute("print(6 * 7)").strip() == "42"

        def kernels() -> set[str]:
            return {kernel["id"] for kernel in server.api("GET", f"user/{user}/api/kernels", token=token)}

        budget.poll(lambda: kernels() == {held}, f"the kernel no page holds to go after {KERNEL_CULL} s", 30, 0.5)
        time.sleep(KERNEL_CULL + 2)
        assert kernels() == {held}, "the kernel of the open page was shut down"
    finally:
        page.socket.close()
    budget.poll(lambda: not kernels(), f"the left page's kernel to go after {KERNEL_CULL} s", 30, 0.5)

    def stopped() -> bool:
        return not server.api("GET", f"hub/api/users/{user}")["servers"]

    budget.poll(stopped, f"jupyterhub-idle-culler to stop the server idle for {SERVER_CULL} s", 90, 1)
    assert time.monotonic() - spawned >= SERVER_CULL - 5, "the server was stopped before it had been idle"
    assert "idle-culler" in server.log.read_text(encoding="utf-8", errors="replace")
