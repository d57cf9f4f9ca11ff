"""What the browser test needs around the page: chromium, a JupyterLab server on loopback, a time budget.

Nothing here is collected as a test; `tests/test_browser.py` uses it.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# JupyterLab must not ask about news or look for updates: that is a toast over the page and a request outside.
LAB_OVERRIDES = {"@jupyterlab/apputils-extension:notification": {"checkForUpdates": False, "fetchNews": "false"}}


def running_in_ci() -> bool:
    """True when the CI variable is set (to anything but an empty string), as CI services do."""
    return bool(os.environ.get("CI"))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Budget:
    """One time limit for the whole test; every wait gets what is left of it (and at most its own cap)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return self.end - time.monotonic()

    def ms(self, cap_seconds: float = 60.0) -> float:
        """Milliseconds for the next Playwright wait; an exhausted budget leaves a token 1 ms so the wait fails."""
        return max(1.0, min(cap_seconds, self.left()) * 1000)

    def poll(self, check: Any, what: str, cap_seconds: float = 30.0, every: float = 0.1) -> Any:
        """Call `check()` until it returns something truthy; AssertionError naming `what` when time is up."""
        until = time.monotonic() + max(0.0, min(cap_seconds, self.left()))
        last: Any = None
        while True:
            last = check()
            if last:
                return last
            if time.monotonic() >= until:
                raise AssertionError(f"Timed out waiting for {what}")
            time.sleep(every)


@dataclass
class ServerProcess:
    """A server started for one test, its output in `log`; `stop()` ends it (and so its kernels)."""

    process: subprocess.Popen[bytes]
    port: int
    root: Path
    log: Path
    _log_file: Any = field(repr=False)

    name = "The server"

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def answers(self) -> bool:
        """True once the server answers its health check."""
        raise NotImplementedError

    def wait_until_ready(self, budget: Budget, cap_seconds: float = 60.0) -> None:
        def ready() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with code {self.process.returncode} before answering:\n{self.log_tail()}"
                )
            try:
                return self.answers()
            except (OSError, ValueError):  # not listening yet (URLError is an OSError)
                return False

        try:
            budget.poll(ready, f"{self.name} on port {self.port} to answer", cap_seconds, every=0.1)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n--- server log ---\n{self.log_tail()}") from None

    def stop(self) -> None:
        """Terminate the server (it shuts its kernels down), kill it if it will not go, close the log."""
        try:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(timeout=10)
        finally:
            self._log_file.close()


@dataclass
class LabServer(ServerProcess):
    """A JupyterLab server started for one test."""

    token: str = ""
    name = "JupyterLab"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """The address of `path` (such as "lab/tree/x.ipynb") carrying the token."""
        return f"{self.base_url}/{path}?token={self.token}"

    def api(self, path: str) -> Any:
        """GET a server API path and decode its JSON."""
        request = urllib.request.Request(f"{self.base_url}/{path}", headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())

    def answers(self) -> bool:
        return "started" in self.api("api/status")


@contextmanager
def stopping() -> Iterator[list[ServerProcess]]:
    """A list for the servers a test starts; each is stopped when the test ends, however it ends."""
    started: list[ServerProcess] = []
    try:
        yield started
    finally:
        for server in started:
            server.stop()


def exercise(page: Any, exercise_id: str) -> Any:
    """The widget box of one exercise on the page."""
    return page.locator(f".swtrain-exercise-{exercise_id}")


def copy_notebooks(source: Path, target: Path) -> Path:
    """A copy of the notebooks folder without anyone's saved answers, so the test's answers land in `target`."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("responses", ".ipynb_checkpoints"))
    return target


def start_lab(root: Path, work: Path, overrides: dict[str, Any] | None = None) -> LabServer:
    """Start JupyterLab serving `root` on 127.0.0.1 with a random token; its output goes to `work/jupyterlab.log`.

    `overrides` adds to JupyterLab's settings (plugin id -> settings), as an overrides.json does.
    """
    settings = work / "lab-settings"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "overrides.json").write_text(json.dumps({**LAB_OVERRIDES, **(overrides or {})}), encoding="utf-8")
    port = free_port()
    token = secrets.token_hex(24)
    log = work / "jupyterlab.log"
    log_file = log.open("wb")
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.app_settings_dir={settings}",
        f"--LabApp.user_settings_dir={work / 'lab-user-settings'}",
        f"--LabApp.workspaces_dir={work / 'lab-workspaces'}",
        "--LabApp.extension_manager=readonly",  # never asks PyPI about extensions
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    try:
        process = subprocess.Popen(
            command, cwd=work, env=env, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT
        )
    except BaseException:
        log_file.close()
        raise
    return LabServer(process=process, port=port, token=token, root=root, log=log, _log_file=log_file)


def require_chromium() -> None:
    """Skip when run by hand on a machine without chromium or Playwright; in CI fail instead."""
    import pytest

    problem = ""
    if not os.access(CHROMIUM, os.X_OK):
        problem = f"{CHROMIUM} is missing (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright Python package is missing (pip install -e '.[test]')"
    if problem:
        if running_in_ci():
            pytest.fail(f"The browser test must run in CI, but {problem}.", pytrace=False)
        pytest.skip(problem)


def block_outside_requests(page: Any) -> None:
    """Let the page load only from the test's server: Voilà's page asks a CDN for icon fonts."""
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1")) else route.abort()
        ),
    )


@dataclass
class AppServer(ServerProcess):
    """The trainee app (Voilà, as `swtrain serve` starts it) for one test."""

    name = "Voilà"

    def url(self, path: str) -> str:
        """The address of `path`, such as "voila/render/index.ipynb?language=en"."""
        return f"http://127.0.0.1:{self.port}/{path}"

    def answers(self) -> bool:
        with urllib.request.urlopen(self.url(""), timeout=5) as response:
            return bool(response.status == 200)


def start_app(
    root: Path,
    work: Path,
    trainee: str,
    language: str = "en",
    cull_after: int | None = None,
    pool: dict[str, int] | None = None,
    pool_refill: float | None = None,
) -> AppServer:
    """Start the trainee app over `root` with `swtrain serve`'s own command line (kernels with no page culled
    after `cull_after` idle seconds, default swtrain's; `pool`: preheated kernels per trainee notebook, refilled
    `pool_refill` seconds after the last page took one, default swtrain's);
    output to `work/voila.log`."""
    from swtrain.app import CULL_IDLE_SECONDS, voila_command, voila_environment
    from swtrain.app_pool import POOL_REFILL_SECONDS

    port = free_port()
    log = work / "voila.log"
    log_file = log.open("wb")
    env = {**voila_environment(language, trainee), "PYTHONUNBUFFERED": "1"}
    try:
        process = subprocess.Popen(
            voila_command(
                root,
                port,
                CULL_IDLE_SECONDS if cull_after is None else cull_after,
                pool=pool,
                pool_refill=POOL_REFILL_SECONDS if pool_refill is None else pool_refill,
            ),
            cwd=work,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=log_file,
        )
    except BaseException:
        log_file.close()
        raise
    return AppServer(process=process, port=port, root=root, log=log, _log_file=log_file)
