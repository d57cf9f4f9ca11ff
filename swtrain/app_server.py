"""The trainee app's server: Voilà, with the course's settings, giving back every kernel it no longer needs.

    python -m swtrain.app_server NOTEBOOKS [Voilà options]      what `swtrain serve` runs, in its own process

Two things Voilà 0.5 does not do by itself:

- A page asks for its kernel to be shut down when it is left or closed: it
  sends a beacon with the `_xsrf` cookie's value. No response of Voilà sets
  that cookie, so the request is refused (403 "'_xsrf' argument missing",
  voila-dashboards/voila#1458) and the kernel stays. Every page response here
  sets the cookie (tornado's `xsrf_token`), so the beacon passes the XSRF
  check as jupyter_server means it to; XSRF protection stays on.
- A kernel whose page went away without a word (a crashed tab, a laptop put to
  sleep, a lost network) is shut down once it has been idle with no page
  connected for `swtrain.app.CULL_IDLE_SECONDS` (jupyter_server's culler;
  `swtrain serve --cull-after`). A page that is open keeps its kernel however long the
  trainee reads: a connected kernel is never culled.

Pages' kernels are swtrain/app_kernel.py's (no debugger, no command history):
the app's own kernel spec, found before any other "python3".

And one thing its kernel pool (`swtrain serve --pool`) does not do well under
a class burst: Voilà hands out the pool's first entry as soon as its kernel
has started, even while it is still warming up (or when it failed to start),
so the trainee waits for it; it starts every missing kernel at once, so a
refill of 40 holds both cores for about 20 s; and it starts each refill a
fixed time after its page, so a class still arriving competes with it. Here
a pool entry is ready once its kernel waits for its request (it has connected
to Voilà's request socket: everything that can be done before the request is
done); a page takes a ready kernel, the oldest first, and while none is, it
gets a kernel of its own at once, as without a pool; a failed entry is dropped
(and refilled) instead of served; at most one kernel per core warms up at a
time, so pages arriving during a refill still get CPU and the pool has ready
kernels again within seconds; and refills start once no page has taken a
kernel for `fill_delay` seconds (swtrain.app_pool.POOL_REFILL_SECONDS).
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
import webbrowser
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jupyter_client.kernelspec import KernelSpecManager
from traitlets import Unicode
from voila.app import Voila
from voila.request_info_handler import RequestInfoSocketHandler
from voila.tornado.handler import TornadoVoilaHandler


class CookieSettingHandler(TornadoVoilaHandler):
    """Voilà's page handler, setting the `_xsrf` cookie the page's shutdown beacon sends back."""

    async def get(self, path: str | None = None) -> None:
        self.xsrf_token  # noqa: B018 - reading it sets the cookie (tornado.web.RequestHandler.xsrf_token)
        await super().get(path)


#: How long a pooled kernel may take to warm up before the next one starts anyway.
WARM_UP_LIMIT = 60.0

#: the kernel spec the app's pages run in
APP_KERNELS = Path(__file__).resolve().parent / "data" / "app_kernels"


class AppKernelSpecs(KernelSpecManager):
    """Kernel specs with the app's own "python3" first."""

    def _kernel_dirs_default(self) -> list[str]:
        return [str(APP_KERNELS), *super()._kernel_dirs_default()]


def ready_first(manager: Any) -> None:
    """Make Voilà's pooling kernel manager `manager` serve ready kernels only (see the module's docstring)."""
    base = type(manager)

    def ready(pool: list[asyncio.Task[Any]]) -> list[asyncio.Task[Any]]:
        for entry in [e for e in pool if e.done() and (e.cancelled() or e.exception() is not None)]:
            pool.remove(entry)
            manager.log.warning("A pooled kernel failed to start and is replaced: %s", entry.exception())
        return [entry for entry in pool if entry.done()]

    refills: dict[str | None, asyncio.TimerHandle] = {}
    warming = asyncio.Semaphore(len(os.sched_getaffinity(0)))  # one kernel warming up per core

    class ReadyFirst(base):  # type: ignore[misc,valid-type]
        async def _initialize(self, notebook_path: str, kernel_id: str | None = None, **kwargs: Any) -> Any:
            async with warming:
                content = await super()._initialize(notebook_path, kernel_id, **kwargs)
                await waiting_for_request(content["kernel_id"], content["task"])
            return content

        def fill_if_needed(self, delay: float | None = None, notebook_name: str | None = None, **kwargs: Any) -> None:
            if delay is not None:  # the first fill, at start
                return super().fill_if_needed(delay, notebook_name, **kwargs)
            # a page took a kernel: refill once no page has taken one for `fill_delay` seconds
            if notebook_name in refills:
                refills.pop(notebook_name).cancel()
            fill = super().fill_if_needed
            refills[notebook_name] = asyncio.get_running_loop().call_later(
                self.fill_delay, lambda: (refills.pop(notebook_name, None), fill(0, notebook_name, **kwargs))
            )
            return None

        async def shutdown_all(self, *args: Any, **kwargs: Any) -> None:
            for timer in refills.values():  # no refill may start kernels while the server stops
                timer.cancel()
            refills.clear()
            await super().shutdown_all(*args, **kwargs)

        def get_pool_size(self, notebook_name: str) -> int:
            return len(ready(self._pools.get(notebook_name, [])))

        async def get_rendered_notebook(self, notebook_name: str, *args: Any, **kwargs: Any) -> Any:
            pool = self._pools.get(notebook_name, [])
            first = ready(pool)[:1]
            if first:  # Voilà takes the pool's first entry: put the oldest ready one there
                pool.remove(first[0])
                pool.insert(0, first[0])
            return await super().get_rendered_notebook(notebook_name, *args, **kwargs)

    manager.__class__ = ReadyFirst


async def waiting_for_request(kernel_id: str, render: asyncio.Task[Any], limit: float = WARM_UP_LIMIT) -> None:
    """Return once the preheated kernel `kernel_id` waits for its request (it has connected to Voilà's request
    socket), its notebook's `render` has ended without waiting, or `limit` seconds have passed."""
    waiters = getattr(RequestInfoSocketHandler, "_waiters", None)
    if waiters is None:  # a Voilà that keeps them elsewhere: ready once started, as Voilà itself counts it
        return
    deadline = time.monotonic() + limit
    while kernel_id not in waiters and not render.done() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)


class CourseVoila(Voila):
    """Voilà serving the course: pages set the XSRF cookie; the browser opens at the course index."""

    open_url = Unicode("", config=True, help="Where the browser opens: the course index, in a language.")

    def init_handlers(self) -> list[Any]:
        handlers: list[Any] = super().init_handlers()
        return [
            (pattern, CookieSettingHandler, *rest) if handler is TornadoVoilaHandler else (pattern, handler, *rest)
            for pattern, handler, *rest in handlers
        ]

    def init_settings(self) -> dict[str, Any]:
        self.voila_configuration.kernel_spec_manager_class = AppKernelSpecs
        settings: dict[str, Any] = super().init_settings()
        if self.voila_configuration.preheat_kernel:
            ready_first(self.kernel_manager)
        return settings

    def launch_browser(self) -> None:
        if self.open_url:
            webbrowser.open(self.open_url)
        else:
            super().launch_browser()


def main(argv: Sequence[str] | None = None) -> None:
    """Run the course's Voilà with `argv` (Voilà's own command line) until it is stopped."""
    CourseVoila.launch_instance(argv=list(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    main()
