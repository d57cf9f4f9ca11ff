"""Benchmark: the memory one trainee costs, in the app (`swtrain serve`) and in JupyterLab (a hub's server),
and so how many trainees one machine holds.

Run: .venv/bin/python benchmarks/trainee_memory.py [--pages 8] [--machine-gib 24] [--reserve-gib 2]

Memory is USS (what a process holds on its own, psutil; shared libraries are counted once, not per
process). Measured in the same run:
- baseline: a bare ipykernel (started by jupyter_client, one `pass` run), what any Python kernel costs;
- the app: `swtrain serve`'s server before any page and with `--pages` case pages open (each page's GET runs
  the whole notebook, as Run All does); per page, the kernel's USS and the server's growth; the same with a
  pool of preheated kernels serving the pages;
- JupyterLab: a Jupyter server (what `jupyterhub-singleuser` runs for each trainee of a hub) with the lab page
  loaded, the app extension on, and one kernel that has run the case notebook's cells.
Then trainees per machine: (machine - reserve - the app server's own) / (kernel + server growth) for the app,
and (machine - reserve - about 300 MiB for the hub and its proxy) / (server + kernel) for a hub.
Goal (issue 17): a trainee page's kernel at most 50 MiB USS after Run All.
"""

from __future__ import annotations

import argparse
import json
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import nbformat
import psutil
from jupyter_client import KernelManager
from tornado.ioloop import IOLoop
from tornado.websocket import websocket_connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from swtrain.app import voila_command, voila_environment  # noqa: E402
from swtrain.app_kernel import is_kernel  # noqa: E402

NOTEBOOK = "crisis_intervention.ipynb"
CASE = "child-in-crisis"
HUB_MIB = 300  # JupyterHub and configurable-http-proxy, once per machine (about 180 + 60 MiB RSS measured)


def uss(process: psutil.Process) -> float:
    return process.memory_full_info().uss / 2**20


def kernels(process: psutil.Process) -> list[psutil.Process]:
    return [child for child in process.children(recursive=True) if is_kernel(child.cmdline())]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def settle(process: psutil.Process) -> None:
    """Until the process and its children are idle (less than 0.1 CPU-second in a second)."""

    def cpu() -> float:
        total = 0.0
        for each in [process, *process.children(recursive=True)]:
            try:
                total += sum(each.cpu_times()[:2])
            except psutil.Error:
                pass
        return total

    before = cpu()
    for _ in range(60):
        time.sleep(1)
        now = cpu()
        if now - before < 0.1:
            return
        before = now


def bare_kernel() -> float:
    manager = KernelManager(transport="ipc")
    manager.start_kernel()
    try:
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(60)
        client.execute_interactive("pass", timeout=60)
        client.stop_channels()
        time.sleep(1)
        return uss(psutil.Process(manager.provisioner.process.pid))
    finally:
        manager.shutdown_kernel(now=True)


def app(pages: int, pool: int, work: Path) -> dict[str, float]:
    port = free_port()
    command = voila_command(ROOT / "notebooks", port, pool={NOTEBOOK: pool} if pool else None)
    with (work / f"voila-{pool}.log").open("wb") as log:
        server = subprocess.Popen(command, env=voila_environment("en", "t-memory"), stdout=log, stderr=log, cwd=work)
        try:
            process = psutil.Process(server.pid)
            wait_for(f"http://127.0.0.1:{port}/voila/api/contents")
            while len(kernels(process)) < pool:
                time.sleep(0.5)
            settle(process)
            server_before = uss(process)
            for n in range(pages):
                language = "zh" if n % 2 else "en"
                url = f"http://127.0.0.1:{port}/voila/render/{NOTEBOOK}?case_id={CASE}&language={language}"
                with urllib.request.urlopen(url, timeout=120) as response:
                    response.read()
            settle(process)
            # the pool's refills are not pages: count the kernels that serve a page (the newest `pages` when no
            # pool; with a pool, the ones started first)
            held = sorted(kernels(process), key=lambda k: k.create_time())[:pages]
            return {
                "server_before": server_before,
                "server_growth": (uss(process) - server_before) / pages,
                "kernel": statistics.mean(uss(k) for k in held),
                "kernel_max": max(uss(k) for k in held),
            }
        finally:
            server.terminate()
            server.wait(60)


async def run_cells(port: int, token: str, kernel_id: str, cells: list[str]) -> None:
    socket_ = await websocket_connect(
        f"ws://127.0.0.1:{port}/api/kernels/{kernel_id}/channels?session_id={uuid.uuid4().hex}&token={token}"
    )
    for code in cells:
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "username": "", "session": uuid.uuid4().hex, "msg_type": "execute_request",
                  "version": "5.3", "date": ""}  # fmt: skip
        content = {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False}
        socket_.write_message(json.dumps({"header": header, "parent_header": {}, "metadata": {}, "content": content,
                                          "channel": "shell"}))  # fmt: skip
        while True:
            reply = json.loads(await socket_.read_message())
            if reply.get("parent_header", {}).get("msg_id") == msg_id and reply["msg_type"] == "execute_reply":
                if reply["content"]["status"] != "ok":
                    raise RuntimeError(f"the notebook cell failed: {reply['content']}")
                break
    socket_.close()


def lab(work: Path) -> dict[str, float]:
    port, token = free_port(), secrets.token_hex(16)
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", f"--IdentityProvider.token={token}", "--KernelManager.transport=ipc",
               "--LabApp.extension_manager=readonly", f"--ServerApp.root_dir={ROOT / 'notebooks'}"]  # fmt: skip
    env = {**voila_environment("en", "t-memory"), "JUPYTER_CONFIG_DIR": str(work / "config"),
           "JUPYTER_DATA_DIR": str(work / "data"), "JUPYTER_RUNTIME_DIR": str(work / "runtime")}  # fmt: skip
    with (work / "lab.log").open("wb") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=log, cwd=work)
        try:
            process = psutil.Process(server.pid)
            wait_for(f"http://127.0.0.1:{port}/api/status?token={token}")
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab/tree/{NOTEBOOK}?token={token}") as page:
                page.read()
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/kernels?token={token}", data=b'{"name": "python3"}', method="POST"
            )
            with urllib.request.urlopen(request) as response:
                kernel_id = json.loads(response.read())["id"]
            notebook = nbformat.read(ROOT / "notebooks" / NOTEBOOK, as_version=4)
            code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
            injected = f'case_id = "{CASE}"\ntrainee_id = "t-memory"\nlanguage = "en"'
            IOLoop.current().run_sync(lambda: run_cells(port, token, kernel_id, [code[0], injected, *code[1:]]))
            settle(process)
            (kernel,) = kernels(process)
            return {"server": uss(process), "kernel": uss(kernel)}
        finally:
            server.terminate()
            server.wait(60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=8, help="case pages open at once in the app (at most 40)")
    parser.add_argument("--machine-gib", type=float, default=24.0)
    parser.add_argument("--reserve-gib", type=float, default=2.0, help="kept for the system and the page cache")
    args = parser.parse_args()
    if not 1 <= args.pages <= 40:
        raise SystemExit(f"--pages {args.pages}: from 1 to 40")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        bare = bare_kernel()
        plain, pooled, jupyterlab = app(args.pages, 0, work), app(args.pages, args.pages, work), lab(work)
    usable = (args.machine_gib - args.reserve_gib) * 1024
    print(f"USS in MiB; {args.pages} case pages ({CASE}) open in the app; {psutil.cpu_count()} cores")
    print(f"bare ipykernel (baseline):             {bare:7.1f}")
    for name, row in (("app", plain), ("app, pooled kernels", pooled)):
        print(f"{name + ', kernel after Run All:':<38} {row['kernel']:7.1f}  (largest {row['kernel_max']:.1f}; "
              f"{row['kernel'] / bare:.2f} x bare)")  # fmt: skip
        print(f"{name + ', server growth a page:':<38} {row['server_growth']:7.1f}  (server alone "
              f"{row['server_before']:.1f})")  # fmt: skip
    print(f"JupyterLab: server with the lab page:  {jupyterlab['server']:7.1f}")
    lab_kernel = jupyterlab["kernel"]
    print(f"JupyterLab: kernel after the notebook: {lab_kernel:7.1f}  ({lab_kernel / bare:.2f} x bare)")
    per_app = plain["kernel"] + plain["server_growth"]
    per_hub = jupyterlab["server"] + jupyterlab["kernel"]
    print(f"trainees per {args.machine_gib:g} GiB ({args.reserve_gib:g} GiB kept): "
          f"app {int((usable - plain['server_before']) // per_app)} ({per_app:.0f} MiB each); "
          f"hub with JupyterLab {int((usable - HUB_MIB) // per_hub)} ({per_hub:.0f} MiB each)")  # fmt: skip
    print("goal: a trainee page's kernel at most 50 MiB USS after Run All")


if __name__ == "__main__":
    main()
