"""Benchmark: a class opens one case at once. N simulated trainees open the case page of `swtrain serve` on
loopback, without a pool and with one, in the same run.

Run: .venv/bin/python benchmarks/class_burst.py [--trainees 40] [--within 10] [--pool 40] [--steady 60]

A simulated trainee does what the page's browser does before its first widget can be used: GET the page
(Voilà runs the notebook and sends its output), open the page's kernel websocket, wait for the kernel's
reply to kernel_info_request, then ask for the widgets' state as ipywidgets' page manager does (a
"jupyter.widget.control" comm, "request_states") and wait for it. "Usable" is that moment; the browser's
own drawing is not counted. Trainees start spread evenly over `--within`
seconds (the burst), then `--steady` more arrive one at a time over that many seconds, each leaving its page
(the shutdown beacon, with the _xsrf cookie) before the next of its kind comes. Printed per mode: p50 and p95
seconds to usable, errors, server-side CPU-seconds per page (the server and its kernels, psutil) and memory
per open page (the kernels' USS, MiB). The ratios compare the pool with no pool.

Goals (issue 17, 2 cores): a burst of 40 within 10 s, p95 at most 2 s; a steady 40 over 60 s, p95 at most 1 s.
Bounded: at most 200 trainees and `--max-seconds` per mode.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import psutil
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from swtrain.app import voila_command, voila_environment  # noqa: E402
from swtrain.app_kernel import is_kernel  # noqa: E402
from swtrain.app_pool import POOL_REFILL_SECONDS  # noqa: E402

NOTEBOOK = "crisis_intervention.ipynb"
CASE = "child-in-crisis"


async def open_page(port: int, language: str, timeout: float) -> tuple[float, float, str, str]:
    """(seconds to the page, seconds to usable, kernel id, xsrf) for one simulated trainee."""
    url = f"http://127.0.0.1:{port}/voila/render/{NOTEBOOK}?case_id={CASE}&language={language}"
    start = time.perf_counter()
    response = await AsyncHTTPClient().fetch(HTTPRequest(url, request_timeout=timeout))
    got = time.perf_counter() - start
    html = response.body.decode("utf-8", "replace")
    kernel = re.search(r'"kernelId": "([0-9a-f-]+)"', html)
    if not kernel:
        raise RuntimeError("no kernel id in the page")
    cookie = SimpleCookie()
    for header in response.headers.get_list("Set-Cookie"):
        cookie.load(header)
    xsrf = cookie["_xsrf"].value if "_xsrf" in cookie else ""
    session = uuid.uuid4().hex
    socket = await websocket_connect(
        f"ws://127.0.0.1:{port}/api/kernels/{kernel.group(1)}/channels?session_id={session}"
    )
    msg_id = uuid.uuid4().hex
    header = {"msg_id": msg_id, "username": "", "session": session, "msg_type": "kernel_info_request",
              "version": "5.3", "date": ""}  # fmt: skip
    socket.write_message(
        json.dumps({"header": header, "parent_header": {}, "metadata": {}, "content": {}, "channel": "shell"})
    )
    await reply(socket, timeout, lambda data: data["parent_header"].get("msg_id") == msg_id
                and data["header"]["msg_type"] == "kernel_info_reply")  # fmt: skip
    # then the widgets' state, as the page's widget manager asks for it before it shows any widget
    comm_id = uuid.uuid4().hex
    for msg_type, content in (
        ("comm_open", {"comm_id": comm_id, "target_name": "jupyter.widget.control", "data": {}}),
        ("comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}}),
    ):
        header = {**header, "msg_id": uuid.uuid4().hex, "msg_type": msg_type}
        socket.write_message(json.dumps({"header": header, "parent_header": {}, "metadata": {"version": "1.0.0"},
                                         "content": content, "channel": "shell"}))  # fmt: skip
    states = await reply(socket, timeout, lambda data: data["header"]["msg_type"] == "comm_msg"
                         and data["content"].get("comm_id") == comm_id)  # fmt: skip
    if states["content"]["data"].get("method") != "update_states" or not states["content"]["data"].get("states"):
        raise RuntimeError("the kernel sent no widget state")
    usable = time.perf_counter() - start
    socket.close()
    return got, usable, kernel.group(1), xsrf


async def reply(socket: Any, timeout: float, wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """The first message on the kernel websocket that is `wanted`."""
    while True:
        message = await asyncio.wait_for(socket.read_message(), timeout)
        if message is None:
            raise RuntimeError("the kernel websocket closed")
        data = json.loads(message)
        data.setdefault("parent_header", {})
        if wanted(data):
            return data


async def leave(port: int, kernel_id: str, xsrf: str) -> None:
    """The page's shutdown beacon."""
    body = f"_xsrf={xsrf}"
    request = HTTPRequest(
        f"http://127.0.0.1:{port}/voila/api/shutdown/{kernel_id}",
        method="POST",
        body=body,
        headers={"Cookie": f"_xsrf={xsrf}", "Content-Type": "application/x-www-form-urlencoded"},
    )
    await AsyncHTTPClient().fetch(request, raise_error=False)


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), 1):
            return True
    except OSError:
        return False


def server_cpu(process: psutil.Process) -> float:
    """CPU-seconds of the server and every child it has now (kernels included)."""
    total = 0.0
    for each in [process, *process.children(recursive=True)]:
        try:
            times = each.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    return total


def kernels_uss(process: psutil.Process) -> list[float]:
    found = []
    for child in process.children(recursive=True):
        try:
            if is_kernel(child.cmdline()):
                found.append(child.memory_full_info().uss / 2**20)
        except psutil.Error:
            pass
    return found


async def burst(port: int, trainees: int, within: float, timeout: float) -> tuple[list[float], int, list]:
    async def one(n: int) -> tuple[float, float, str, str] | None:
        await asyncio.sleep(within * n / max(1, trainees))
        try:
            return await open_page(port, "zh" if n % 2 else "en", timeout)
        except Exception:
            return None

    results = await asyncio.gather(*(one(n) for n in range(trainees)))
    done = [r for r in results if r is not None]
    return [r[1] for r in done], trainees - len(done), done


async def steady(port: int, trainees: int, seconds: float, timeout: float) -> tuple[list[float], int]:
    usable, errors = [], 0
    for n in range(trainees):
        started = time.perf_counter()
        try:
            _got, ready, kernel, xsrf = await open_page(port, "zh" if n % 2 else "en", timeout)
            usable.append(ready)
            await leave(port, kernel, xsrf)
        except Exception:
            errors += 1
        await asyncio.sleep(max(0.0, seconds / trainees - (time.perf_counter() - started)))
    return usable, errors


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run_mode(pool: int, args: argparse.Namespace, work: Path) -> dict[str, float]:
    port = 8890 + pool % 7
    sizes = {NOTEBOOK: pool} if pool else None
    command = voila_command(ROOT / "notebooks", port, pool=sizes, pool_refill=args.refill)
    env = voila_environment("en", "t-burst")
    log = (work / f"voila-{pool}.log").open("wb")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=log, cwd=work)
    process = psutil.Process(server.pid)
    try:
        started = time.monotonic()
        deadline = started + 180
        log_path = work / f"voila-{pool}.log"
        while time.monotonic() < deadline and not (
            listening(port) and (not pool or "is filled with" in log_path.read_text(errors="replace"))
        ):
            time.sleep(0.5)  # until the server listens and the pool's kernels have started
        settled = server_cpu(process)
        while time.monotonic() < deadline:
            time.sleep(2)  # then until they have warmed up: the server and its kernels are idle
            now = server_cpu(process)
            if now - settled < 0.2:
                break
            settled = now
        ready_after = time.monotonic() - started - 2  # the last 2 s only showed that all was idle
        cpu_before = server_cpu(process)
        usable, errors, done = asyncio.run(
            asyncio.wait_for(burst(port, args.trainees, args.within, 60), args.max_seconds)
        )
        cpu = server_cpu(process) - cpu_before
        memory = kernels_uss(process)
        pooled_left = max(0, len(memory) - len(done))
        per_page = (sum(memory) / len(memory)) if memory else float("nan")

        async def leave_all() -> None:
            await asyncio.gather(*(leave(port, kernel, xsrf) for _, _, kernel, xsrf in done))

        asyncio.run(leave_all())
        time.sleep(3)
        steady_usable, steady_errors = asyncio.run(
            asyncio.wait_for(steady(port, args.trainees, args.steady, 60), args.max_seconds + args.steady)
        )
    finally:
        server.terminate()
        server.wait(30)
        log.close()
    return {
        "p50": percentile(usable, 0.5),
        "p95": percentile(usable, 0.95),
        "errors": errors,
        "cpu_per_page": cpu / max(1, len(done)),
        "mib_per_page": per_page,
        "kernels_after": len(memory),
        "pooled_left": pooled_left,
        "steady_p50": percentile(steady_usable, 0.5),
        "steady_p95": percentile(steady_usable, 0.95),
        "steady_errors": steady_errors,
        "mean": statistics.mean(usable) if usable else float("nan"),
        "ready_after": ready_after,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=40, help="trainees in the burst (at most 200)")
    parser.add_argument("--within", type=float, default=10.0, help="seconds over which the burst arrives")
    parser.add_argument("--pool", type=int, default=40, help="kernels ready for the case's notebook, pooled run")
    parser.add_argument("--steady", type=float, default=60.0, help="seconds over which the steady trainees come")
    parser.add_argument(
        "--refill", type=float, default=POOL_REFILL_SECONDS, help="refill once no page took a kernel for this long"
    )
    parser.add_argument("--max-seconds", type=float, default=300.0, help="at most this long per burst")
    args = parser.parse_args()
    if not 1 <= args.trainees <= 200:
        raise SystemExit(f"--trainees {args.trainees}: from 1 to 200")
    with tempfile.TemporaryDirectory() as folder:
        rows = {
            "no pool": run_mode(0, args, Path(folder)),
            f"pool {args.pool}": run_mode(args.pool, args, Path(folder)),
        }
    print(f"{args.trainees} trainees within {args.within:g} s, then {args.trainees} over {args.steady:g} s "
          f"(case {CASE}, {psutil.cpu_count()} cores)")  # fmt: skip
    print(f"{'mode':>10} {'p50 s':>7} {'p95 s':>7} {'errors':>7} {'CPU s/page':>11} {'MiB/kernel':>11} "
          f"{'steady p50':>11} {'steady p95':>11} {'errors':>7}")  # fmt: skip
    for mode, r in rows.items():
        print(f"{mode:>10} {r['p50']:>7.2f} {r['p95']:>7.2f} {r['errors']:>7.0f} {r['cpu_per_page']:>11.2f} "
              f"{r['mib_per_page']:>11.1f} {r['steady_p50']:>11.2f} {r['steady_p95']:>11.2f} "
              f"{r['steady_errors']:>7.0f}")  # fmt: skip
    base, pooled = rows["no pool"], rows[f"pool {args.pool}"]
    print(f"pool / no pool: p95 {pooled['p95'] / base['p95']:.2f}, steady p95 "
          f"{pooled['steady_p95'] / base['steady_p95']:.2f}")  # fmt: skip
    print(f"server ready (pool warmed) after: no pool {base['ready_after']:.1f} s, pool {pooled['ready_after']:.1f} s")
    print("goals: burst p95 <= 2 s; steady p95 <= 1 s; no errors")


if __name__ == "__main__":
    main()
