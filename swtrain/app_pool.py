"""The app's pool of preheated kernels (`swtrain serve --pool`): which notebooks get one, and what a pooled
kernel does before and after its page is asked for.

A pooled kernel runs its notebook as far as `wait_for_page`: interpreter, imports and the module's cases
loaded (`warm_up_module`). There it waits for the request Voilà gives it to, takes the request's variables
(QUERY_STRING: case, language) into its environment, and only then opens the case: so it serves exactly the
page asked for. Voilà's refills are held back `POOL_REFILL_SECONDS` after the last page taken (see
swtrain.app_server.ready_first), so they do not compete with a class arriving.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from .errors import SwtrainError

# Voilà sets this in a kernel it preheats for its pool; such a kernel waits for its page (wait_for_page).
PREHEAT_VARIABLE = "VOILA_PREHEAT"
REQUEST_READ_VARIABLE = "SWTRAIN_REQUEST_READ"
#: Pool kernels are started again this many seconds after the last page took one: after a burst, not during it.
POOL_REFILL_SECONDS = 10
#: How long a pooled kernel tries to reach the server for its request.
REQUEST_CONNECT_SECONDS = 10


def wait_for_page(warm_up: Callable[[], object] | None = None) -> None:
    """In a preheated kernel (the app's pool): do `warm_up` now, then wait for the page request this kernel is
    given to, and take its query into the environment (Voilà's `wait_for_request`). Anywhere else, and once
    the request is in, nothing happens.

    Everything before this call runs before a trainee asks (interpreter, imports, `warm_up`); everything after
    it reads the request: so a pooled kernel serves exactly the page asked for.
    """
    if os.environ.get(PREHEAT_VARIABLE) != "True" or os.environ.get(REQUEST_READ_VARIABLE):
        return
    if warm_up is not None:
        warm_up()
    # A refilled kernel may carry the address of an earlier request (Voilà passes it to the refill): the query
    # that counts is the one the request brings.
    os.environ.pop("QUERY_STRING", None)
    os.environ.update(page_request())
    os.environ[REQUEST_READ_VARIABLE] = "1"


def page_request() -> dict[str, str]:
    """Wait for the request this preheated kernel is given to; its variables (QUERY_STRING, ...).

    Voilà's own `voila.utils.wait_for_request`, over the same websocket (`voila/query/<kernel id>`), without
    importing Voilà: that would load jupyter_server and jupyterlab_server into every pooled kernel (about 20
    MiB each). A kernel that cannot read its request raises rather than show a page nobody asked for.
    """
    import asyncio
    import threading

    from tornado.websocket import websocket_connect

    env = os.environ
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    host = f"{env.get('VOILA_APP_IP', '127.0.0.1')}:{env.get('VOILA_APP_PORT', '8866')}"
    url = f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{host}{base}voila/query/{env.get('VOILA_KERNEL_ID', '')}"
    got: list[str | bytes | None] = []
    failed: list[BaseException] = []

    async def receive() -> None:
        connection = await asyncio.wait_for(websocket_connect(url), REQUEST_CONNECT_SECONDS)
        got.append(await connection.read_message())
        connection.close()

    def listen() -> None:  # the kernel's own event loop runs in the main thread
        try:
            asyncio.run(receive())
        except Exception as exc:  # reported below, in the kernel's thread
            failed.append(exc)

    thread = threading.Thread(target=listen, name="swtrain-page-request")
    thread.start()
    thread.join()
    if failed or not got or got[0] is None:
        raise SwtrainError(
            f"This page's request did not reach its kernel ({url}: {failed[0] if failed else 'closed'}).",
            "Reload the page. 请刷新此页面。",
        )
    return {str(name): str(value) for name, value in json.loads(got[0]).items()}


def warm_up_module(case_id: str) -> None:
    """What a module notebook's page needs before it can show a case, done before the request: every case of
    the module loaded with its key (then cached) and the modules that draw a case imported."""
    from . import notebook, render  # noqa: F401 - imported now, so the request need not wait for them
    from .cases import case_ids, load_case, load_key
    from .exercises import kind_of

    module = load_case(case_id).module
    for other in case_ids():
        case = load_case(other)
        if case.module == module:
            load_key(case)
            for exercise in case.exercises:
                kind_of(exercise).widget_class()


def parse_pool(values: Sequence[str]) -> dict[str, int]:
    """`--pool` values ("4", "crisis_intervention.ipynb=40") as notebook -> kernels ("*": every trainee
    notebook not named)."""
    pool: dict[str, int] = {}
    for value in values:
        name, _, size = value.rpartition("=")
        if not size.isdigit():
            raise SwtrainError(
                f"--pool {value!r} is not a number of kernels",
                "Expected N (for every trainee notebook) or NOTEBOOK=N, such as crisis_intervention.ipynb=40.",
            )
        pool[name or "*"] = int(size)
    return pool


def pool_settings(notebooks: Path, pool: Mapping[str, int], refill_after: float = POOL_REFILL_SECONDS) -> list[str]:
    """Voilà options for a pool of preheated kernels: `pool` maps a trainee notebook (relative to `notebooks`,
    or "*" for every trainee notebook not named) to how many kernels wait for its pages. Instructor notebooks
    and JupyterLab's one-case notebooks never get one."""
    if not any(pool.values()):
        return []
    trainee = sorted(str(p.relative_to(notebooks)) for p in notebooks.glob("*.ipynb"))
    unknown = sorted(set(pool) - set(trainee) - {"*"})
    if unknown:
        raise SwtrainError(
            f"--pool names {', '.join(map(repr, unknown))}, which is not a trainee notebook of {notebooks}",
            f"Trainee notebooks: {', '.join(trainee)} (or * for all of them).",
        )
    sizes = {"default": {"pool_size": 0}}
    sizes |= {name: {"pool_size": pool.get(name, pool.get("*", 0))} for name in trainee}
    return [
        "--VoilaConfiguration.preheat_kernel=True",
        f"--VoilaKernelManager.kernel_pools_config={json.dumps(sizes)}",
        f"--VoilaKernelManager.fill_delay={refill_after:g}",
    ]
