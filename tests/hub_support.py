"""What the JupyterHub test needs: a real hub on loopback, its REST API, a user's server API and kernel.

The hub loads `deploy/jupyterhub/jupyterhub_config.py` and replaces only what
a test must: loopback ports, a test authenticator (DummyAuthenticator with a
password), a local-process spawner with homes under the test's folder, and an
API token for the test itself. configurable-http-proxy comes from npm
(`scripts/test` installs it under .venv/node). Nothing here is collected as a test.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .browser_support import Budget, free_port
from .conftest import ROOT

PROXY = ROOT / ".venv" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
DEPLOY_CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
SINGLEUSER = Path(sys.executable).parent / "jupyterhub-singleuser"
SERVICE = "swtrain-test"


def missing_for_hub() -> str:
    """Why a real hub cannot start here, or '' when everything it needs is installed."""
    if not os.access(PROXY, os.X_OK):
        return f"{PROXY} is missing (npm install --prefix .venv/node configurable-http-proxy@4, as scripts/test does)"
    if shutil.which("node") is None:
        return "node is not on PATH (configurable-http-proxy runs on Node.js)"
    if not os.access(SINGLEUSER, os.X_OK):
        return f"{SINGLEUSER} is missing (pip install -e '.[test]' installs jupyterhub)"
    return ""


def hub_config(work: Path, homes: Path, ports: dict[str, int], password: str, api_token: str) -> str:
    """The test's jupyterhub_config.py: the deployment's file, then only what a loopback test must change."""
    singleuser_args = [
        "--ServerApp.allow_root=True",  # CI containers run as root
        "--LabApp.extension_manager=readonly",  # never asks PyPI about extensions
    ]
    scopes = ["admin:users", "admin:servers", "admin:server_state", "tokens", "list:users", "read:users"]
    return f"""\
load_subconfig({str(DEPLOY_CONFIG)!r})
c = get_config()
c.JupyterHub.bind_url = "http://127.0.0.1:{ports["public"]}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {ports["hub"]}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{ports["proxy_api"]}"
c.ConfigurableHTTPProxy.command = [{str(PROXY)!r}]
c.ConfigurableHTTPProxy.pid_file = {str(work / "proxy.pid")!r}
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.Authenticator.allowed_users = {{"trainee1", "trainee2"}}
c.Authenticator.admin_users = {{"instructor"}}
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(homes / "{username}")!r}
c.Spawner.cmd = [{str(SINGLEUSER)!r}]
c.Spawner.args = [*c.Spawner.args, *{singleuser_args!r}]
c.Spawner.start_timeout = 60
c.JupyterHub.services.extend([{{"name": {SERVICE!r}, "api_token": {api_token!r}}}])
c.JupyterHub.load_roles.extend([{{"name": {SERVICE!r}, "scopes": {scopes!r}, "services": [{SERVICE!r}]}}])
"""


def hub_environment(work: Path, cull: tuple[int, int]) -> dict[str, str]:
    """The hub's environment: the deployment config's settings pointed into `work`; `cull` is (server idle
    seconds, kernel idle seconds), 0 for never."""
    return {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "SWTRAIN_HUB_ROOT": str(work),
        "SWTRAIN_HUB_VENV": str(Path(sys.executable).parent.parent),
        "SWTRAIN_HUB_TRAINEES": str(work / "no-roster.txt"),
        "SWTRAIN_HUB_CULL_IDLE": str(cull[0]),
        "SWTRAIN_HUB_CULL_KERNELS": str(cull[1]),
    }


@dataclass
class Hub:
    """A JupyterHub started for one test; `stop()` ends it, its proxy and every server it spawned."""

    process: subprocess.Popen[bytes]
    port: int
    api_token: str
    work: Path
    log: Path
    _log_file: Any = field(repr=False)
    server_pids: set[int] = field(default_factory=set)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(
        self, method: str, path: str, body: Any = None, token: str | None = None, timeout: float = 10
    ) -> tuple[int, Any]:
        """(status, decoded JSON, text or None) of a request to `path` behind the proxy, with a token."""
        data = None if body is None else json.dumps(body).encode()
        headers = {"Authorization": f"token {token or self.api_token}", "Content-Type": "application/json"}
        request = urllib.request.Request(f"{self.url}/{path}", data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                raw, status = response.read(), response.status
        except urllib.error.HTTPError as exc:
            raw, status = exc.read(), exc.code
        try:
            return status, json.loads(raw) if raw.strip() else None
        except ValueError:  # the proxy's own "Not Found" before the hub's route is added, an HTML error page
            return status, raw.decode(errors="replace")

    def api(self, method: str, path: str, body: Any = None, token: str | None = None, expect: int = 200) -> Any:
        """The decoded answer of the hub or a user's server; AssertionError with the answer when the status differs."""
        status, answer = self.request(method, path, body, token)
        if status != expect:
            raise AssertionError(f"{method} /{path} answered {status}, expected {expect}: {answer}\n{self.log_tail()}")
        return answer

    def log_tail(self, lines: int = 60) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "--- hub log ---\n" + "\n".join(text.splitlines()[-lines:])

    def wait_until_ready(self, budget: Budget) -> None:
        def answers() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"JupyterHub exited with code {self.process.returncode}:\n{self.log_tail()}")
            try:
                return self.request("GET", "hub/api/", timeout=2)[0] == 200
            except OSError:  # the proxy is not listening yet
                return False

        try:
            budget.poll(answers, f"JupyterHub on port {self.port} to answer /hub/api/", cap_seconds=45, every=0.2)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.log_tail()}") from None

    def wait_for_server(self, user: str, budget: Budget) -> None:
        """Wait until `user`'s server is ready, and remember its process to stop it whatever happens."""

        def ready() -> bool:
            server = self.api("GET", f"hub/api/users/{user}")["servers"].get("", {})
            if server.get("state", {}).get("pid"):
                self.server_pids.add(int(server["state"]["pid"]))
            return bool(server.get("ready"))

        try:
            budget.poll(ready, f"the server of {user} to be ready", cap_seconds=60, every=0.3)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.log_tail()}") from None

    def stop(self) -> None:
        """Stop the hub (it stops the servers and the proxy it started); kill whatever of them is left."""
        try:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(timeout=10)
            proxy_pid = self.work / "proxy.pid"
            leftovers = set(self.server_pids)
            if proxy_pid.exists() and proxy_pid.read_text().strip().isdigit():
                leftovers.add(int(proxy_pid.read_text()))
            for pid in leftovers:
                _end_process(pid)
        finally:
            self._log_file.close()


def _end_process(pid: int) -> None:
    """Terminate process `pid` (one this test's hub started) if it still runs; kill it after 5 s."""
    for sig, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 2.0)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        end = time.monotonic() + wait
        while time.monotonic() < end:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)


def start_hub(work: Path, homes: Path, password: str, cull: tuple[int, int] = (0, 0)) -> Hub:
    """Start JupyterHub on 127.0.0.1 with the deployment config and the test's settings; log in `work`.
    `cull`: (server, kernel) idle seconds before the deployment's cullers stop them; 0 for never."""
    ports = {"public": free_port(), "hub": free_port(), "proxy_api": free_port()}
    api_token = secrets.token_hex(24)
    config = work / "jupyterhub_config.py"
    config.write_text(hub_config(work, homes, ports, password, api_token), encoding="utf-8")
    log = work / "jupyterhub.log"
    log_file = log.open("wb")
    command = [sys.executable, "-m", "jupyterhub", "-f", str(config)]
    try:
        process = subprocess.Popen(
            command,
            cwd=work,
            env=hub_environment(work, cull),
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    except BaseException:
        log_file.close()
        raise
    return Hub(process=process, port=ports["public"], api_token=api_token, work=work, log=log, _log_file=log_file)


class KernelChannel:
    """Execute code in a kernel of a user's server over its websocket (the Jupyter messaging protocol)."""

    def __init__(self, hub: Hub, user: str, kernel_id: str, token: str, budget: Budget) -> None:
        import websocket  # websocket-client, a dependency of jupyter_server

        self.timeout_error = websocket.WebSocketTimeoutException
        self.budget = budget
        self.session = uuid.uuid4().hex
        url = f"ws://127.0.0.1:{hub.port}/user/{user}/api/kernels/{kernel_id}/channels?session_id={self.session}"
        self.socket = websocket.create_connection(url, header=[f"Authorization: token {token}"], timeout=10)

    def execute(self, code: str, cap_seconds: float = 30) -> str:
        """Run `code`; its printed output, or AssertionError with the traceback when it raises."""
        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "msg_type": "execute_request",
            "session": self.session,
            "username": "test",
            "version": "5.3",
            "date": "",
        }
        content = {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False}
        message = {"header": header, "parent_header": {}, "metadata": {}, "content": content, "channel": "shell"}
        self.socket.send(json.dumps(message))
        printed: list[str] = []
        error = ""
        replied = idle = False
        end = time.monotonic() + max(0.0, min(cap_seconds, self.budget.left()))
        while not (replied and idle):
            self.socket.settimeout(max(0.1, end - time.monotonic()))
            try:
                reply = json.loads(self.socket.recv())
            except self.timeout_error:
                raise AssertionError(f"Timed out running in the kernel:\n{code}") from None
            if reply.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, body = reply["msg_type"], reply["content"]
            if kind == "stream":
                printed.append(body["text"])
            elif kind == "error":
                error = "\n".join(body.get("traceback", [])) or f"{body.get('ename')}: {body.get('evalue')}"
            elif kind == "status" and body.get("execution_state") == "idle":
                idle = True
            elif kind == "execute_reply":
                replied = True
                if body.get("status") != "ok" and not error:
                    error = f"{body.get('ename')}: {body.get('evalue')}"
        if error:
            raise AssertionError(f"The kernel raised running:\n{code}\n{error}")
        return "".join(printed)

    def close(self) -> None:
        self.socket.close()
