"""The trainee app: what a page's query may choose, the server's command line, the course index widget."""

from __future__ import annotations

import gc
import json
import os
import sys
import warnings
from pathlib import Path
from typing import Any, NamedTuple

import papermill
import pytest
from click.testing import CliRunner

from swtrain import app
from swtrain.app import AppParameters, app_parameters, page_setup_html, serve_command, voila_command
from swtrain.cases import load_case, load_modules
from swtrain.errors import CaseNotFound, InvalidTraineeId, SwtrainError, UnknownLanguage

from .browser_support import free_port
from .conftest import ROOT

PAGE = "http://127.0.0.1:8866/voila/render/crisis_intervention.ipynb"


def in_app(query: str, **variables: str) -> dict[str, str]:
    """The environment Voilà gives a page's kernel: its address, its query and the server's variables."""
    return {"VOILA_REQUEST_URL": f"{PAGE}?{query}", "QUERY_STRING": query, **variables}


# --- the query --------------------------------------------------------------------------------


def test_outside_the_app_the_parameters_are_unchanged() -> None:
    environ = {"QUERY_STRING": "case_id=child-far-from-home-cbt&language=zh", "SWTRAIN_TRAINEE": "t007"}
    assert app_parameters("child-in-crisis", "t001", "en", environ) == ("child-in-crisis", "t001", "en")


def test_the_query_picks_case_and_language_and_the_server_the_trainee() -> None:
    environ = in_app("case_id=child-far-from-home-cbt&language=zh", SWTRAIN_TRAINEE="t007")
    assert app_parameters("child-in-crisis", "demo", "en", environ) == AppParameters(
        "child-far-from-home-cbt", "t007", "zh"
    )


def test_mode_trainee_and_folder_in_the_query_are_ignored() -> None:
    query = "mode=practice&trainee_id=someone-else&variant=3&responses_dir=%2Ftmp&language=zh"
    chosen = app_parameters("child-in-crisis", "demo", "en", in_app(query, SWTRAIN_TRAINEE="t007"))
    assert chosen == ("child-in-crisis", "t007", "zh")
    assert set(chosen._fields) == {"case_id", "trainee_id", "language"}  # nothing else can come from a page


def test_the_trainee_is_the_hub_user_else_the_server_trainee_else_the_notebook_parameter() -> None:
    hub = in_app("trainee_id=x", JUPYTERHUB_USER="hub-user", SWTRAIN_TRAINEE="t007")
    assert app_parameters("child-in-crisis", "demo", "en", hub).trainee_id == "hub-user"
    assert app_parameters("child-in-crisis", "demo", "en", in_app("trainee_id=x")).trainee_id == "demo"


def test_the_server_language_is_the_default_and_the_query_wins() -> None:
    assert app_parameters("child-in-crisis", "demo", "", in_app("", SWTRAIN_LANGUAGE="zh")).language == "zh"
    both = in_app("language=en", SWTRAIN_LANGUAGE="zh")
    assert app_parameters("child-in-crisis", "demo", "zh", both).language == "en"


def test_the_trainee_last_choice_comes_after_the_address_and_before_the_defaults(tmp_path: Path) -> None:
    from swtrain.progress import remember_language

    remember_language(tmp_path, "t007", "zh")

    def language(parameter: str, environ: dict[str, str]) -> str:
        return app_parameters("child-in-crisis", "demo", parameter, environ, responses_dir=tmp_path).language

    assert language("", in_app("", SWTRAIN_TRAINEE="t007", SWTRAIN_LANGUAGE="en")) == "zh"
    assert language("", in_app("language=en", SWTRAIN_TRAINEE="t007")) == "en"  # a link or a reload says en
    assert language("", in_app("", SWTRAIN_TRAINEE="t008")) == "en"  # another trainee chose nothing
    # JupyterLab and papermill: the notebook's language wins; "" (the notebooks' default) is the last choice
    assert language("", {"JUPYTERHUB_USER": "t007"}) == "zh"
    assert language("en", {"JUPYTERHUB_USER": "t007"}) == "en"
    assert app_parameters("child-in-crisis", "t007", "", {}, responses_dir=tmp_path).language == "zh"
    assert app_parameters("child-in-crisis", "t009", "", {}, responses_dir=tmp_path).language == "en"


def test_an_app_page_follows_the_language_in_its_address() -> None:
    setup = page_setup_html("zh")
    assert ".celltag_lab-only { display: none; }" in setup  # JupyterLab's "Run All" text is not the app's
    assert "html:lang(zh) .celltag_lang-en" in setup and '})("zh");' in setup  # one language on a page
    assert "history.replaceState" in setup and "[data-swtrain-language]" in setup and "MutationObserver" in setup


def test_a_case_id_that_is_not_a_case() -> None:
    with pytest.raises(CaseNotFound, match=r"'child-crisis' is not a known case in .*Did you mean 'child-in-crisis'\?"):
        app_parameters("child-in-crisis", "demo", "en", in_app("case_id=child-crisis"))


def test_a_case_id_that_looks_like_a_path() -> None:
    with pytest.raises(CaseNotFound, match=r"'\.\./keys' is not a known case"):
        app_parameters("child-in-crisis", "demo", "en", in_app("case_id=..%2Fkeys"))


def test_a_case_of_another_module() -> None:
    other = load_case("leukaemia-boy")
    notebook = {m.id: m.notebook for m in load_modules()}[other.module]
    message = rf"Case 'leukaemia-boy' belongs to module '{other.module}', not to this notebook's module "
    with pytest.raises(SwtrainError, match=message + rf"'crisis-intervention'\. Open it with {notebook}"):
        app_parameters("child-in-crisis", "demo", "en", in_app("case_id=leukaemia-boy"))


def test_an_unknown_language() -> None:
    with pytest.raises(UnknownLanguage, match=r"'fr' is not a language swtrain has text for\. Known languages: en, zh"):
        app_parameters("child-in-crisis", "demo", "en", in_app("language=fr"))


def test_an_unsafe_trainee_id_from_the_server() -> None:
    with pytest.raises(InvalidTraineeId, match=r"'\.\./t1'"):
        app_parameters("child-in-crisis", "demo", "en", in_app("", SWTRAIN_TRAINEE="../t1"))


# --- the course index -------------------------------------------------------------------------


def widget_state_text(nb: Any) -> str:
    return json.dumps(nb.metadata.get("widgets", {}), ensure_ascii=False)


@pytest.mark.notebook
def test_the_index_notebook_shows_the_widget_only_in_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def run() -> Any:
        return papermill.execute_notebook(
            str(ROOT / "notebooks" / "index.ipynb"),
            str(tmp_path / "out.ipynb"),
            kernel_name="python3",
            progress_bar=False,
            cwd=str(tmp_path),
        )

    in_lab = run()
    shown = json.dumps([cell.get("outputs") for cell in in_lab.cells], ensure_ascii=False)
    assert "Your progress" in shown and 'href=\\"cases/kidney-ward-group.ipynb\\"' in shown  # JupyterLab's part
    assert "application/vnd.jupyter.widget-view+json" not in shown  # no widget
    for name, value in in_app("language=zh").items():
        monkeypatch.setenv(name, value)  # the kernel papermill starts inherits them, as under Voilà
    state = widget_state_text(run())
    assert "模块与案例" in state and "crisis_intervention.ipynb?case_id=child-in-crisis&amp;language=zh" in state
    assert "尚未开始" in state  # the trainee's progress, here nothing yet


@pytest.mark.notebook
def test_the_module_notebook_in_the_app_opens_the_query_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    query = "case_id=child-far-from-home-cbt&language=zh&mode=assessed&trainee_id=intruder"
    for name, value in in_app(query, SWTRAIN_TRAINEE="t009").items():
        monkeypatch.setenv(name, value)
    nb = papermill.execute_notebook(
        str(ROOT / "notebooks" / "crisis_intervention.ipynb"),
        str(tmp_path / "out.ipynb"),
        kernel_name="python3",
        progress_bar=False,
        cwd=str(tmp_path),
    )
    text = widget_state_text(nb) + json.dumps([c.get("outputs") for c in nb.cells], ensure_ascii=False)
    assert load_case("child-far-from-home-cbt").title.zh in text
    assert "练习模式" in text  # the notebook's mode, not the query's
    assert "index.ipynb?language=zh" in text and "全部案例" in text
    assert "Traceback" not in text and "intruder" not in text


# --- the server -------------------------------------------------------------------------------


class Exec(NamedTuple):
    """What `swtrain serve` would have become: the program, its command line and environment."""

    path: str
    args: list[str]
    env: dict[str, str]


@pytest.fixture
def fake_exec(monkeypatch: pytest.MonkeyPatch) -> list[Exec]:
    """Stands in for os.execve: records the server `swtrain serve` would turn into, and returns."""
    started: list[Exec] = []
    monkeypatch.setattr(os, "execve", lambda path, args, env: started.append(Exec(path, list(args), dict(env))))
    monkeypatch.delenv("SWTRAIN_TRAINEE", raising=False)
    monkeypatch.delenv("SWTRAIN_LANGUAGE", raising=False)
    return started


def serve(*args: str) -> Any:
    return CliRunner().invoke(serve_command, list(args), catch_exceptions=False)


def test_voila_command_serves_the_notebooks_on_loopback_without_tracebacks_and_culls_idle_kernels() -> None:
    command = voila_command(Path("/course/notebooks"), 8870)
    assert command[:4] == [sys.executable, "-m", "swtrain.app_server", "/course/notebooks"]
    for option in (
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        "--Voila.port=8870",
        "--KernelManager.transport=ipc",  # no TCP port to race for when a pool starts many kernels
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.strip_sources=True",
        f"--MappingKernelManager.cull_idle_timeout={app.CULL_IDLE_SECONDS}",
        "--MappingKernelManager.cull_interval=60",
        "--MappingKernelManager.cull_connected=False",  # an open page keeps its kernel
    ):
        assert option in command
    quick = voila_command(Path("/c"), 8870, cull_after=12, open_url="http://127.0.0.1:8870/voila/render/index.ipynb")
    assert "--MappingKernelManager.cull_idle_timeout=12" in quick and "--MappingKernelManager.cull_interval=3" in quick
    assert "--Voila.open_browser=True" in quick and "--no-browser" not in quick
    assert "--CourseVoila.open_url=http://127.0.0.1:8870/voila/render/index.ipynb" in quick
    assert "--MappingKernelManager.cull_idle_timeout=0" in voila_command(Path("/c"), 8870, cull_after=0)


def test_serve_becomes_the_server_for_the_trainee_and_prints_the_url(fake_exec: list[Exec]) -> None:
    result = serve("--port", "8870", "--language", "zh", "--trainee", "t003", "--no-browser", "--cull-after", "90")
    assert result.exit_code == 0
    assert "http://127.0.0.1:8870/voila/render/index.ipynb?language=zh" in result.output
    [server] = fake_exec  # this process turns into the server: no process stays beside it
    assert server.path == sys.executable and server.args == voila_command(app.NOTEBOOKS, 8870, cull_after=90)
    assert server.env["SWTRAIN_TRAINEE"] == "t003" and server.env["SWTRAIN_LANGUAGE"] == "zh"


def test_serve_opens_the_browser_at_the_index_through_the_server(fake_exec: list[Exec]) -> None:
    serve("--port", "8870", "--language", "en")
    url = "http://127.0.0.1:8870/voila/render/index.ipynb?language=en"
    assert fake_exec[0].args == voila_command(app.NOTEBOOKS, 8870, open_url=url)


def test_serve_without_a_trainee_leaves_it_to_the_hub_or_the_notebook(fake_exec: list[Exec]) -> None:
    result = serve("--no-browser")
    assert result.exit_code == 0
    # without --language the app opens in the trainee's last choice: the address names none
    assert "http://127.0.0.1:8866/voila/render/index.ipynb  " in result.output
    assert "SWTRAIN_TRAINEE" not in fake_exec[0].env and "SWTRAIN_LANGUAGE" not in fake_exec[0].env
    assert fake_exec[0].args == voila_command(app.NOTEBOOKS, 8866)


def test_serve_refuses_an_unsafe_trainee_id(fake_exec: list[Exec]) -> None:
    result = serve("--trainee", "../t1", "--no-browser")
    assert result.exit_code == 1 and "Trainee id '../t1'" in result.output
    assert fake_exec == []


def test_serve_refuses_an_unknown_language_and_a_negative_cull_time(fake_exec: list[Exec]) -> None:
    result = serve("--language", "fr", "--no-browser")
    assert result.exit_code == 2 and "Invalid value for '--language'" in result.output
    result = serve("--cull-after", "-5", "--no-browser")
    assert result.exit_code == 2 and "--cull-after" in result.output
    assert fake_exec == []


def test_the_pool_is_for_trainee_notebooks_only_and_sized_per_notebook(fake_exec: list[Exec]) -> None:
    serve("--no-browser", "--pool", "2", "--pool", "crisis_intervention.ipynb=40")
    options = fake_exec[0].args
    assert "--VoilaConfiguration.preheat_kernel=True" in options
    [pools] = [o.split("=", 1)[1] for o in options if o.startswith("--VoilaKernelManager.kernel_pools_config=")]
    sizes = {name: entry["pool_size"] for name, entry in json.loads(pools).items()}
    trainee = sorted(p.name for p in app.NOTEBOOKS.glob("*.ipynb"))
    assert sizes == {"default": 0, **dict.fromkeys(trainee, 2), "crisis_intervention.ipynb": 40}
    assert not any("instructor" in name or "cases/" in name for name in sizes)  # never preheated
    assert not any("preheat" in o for o in voila_command(app.NOTEBOOKS, 8866))  # no pool unless asked for


def test_serve_refuses_a_pool_it_cannot_make(fake_exec: list[Exec]) -> None:
    result = serve("--no-browser", "--pool", "instructor/review.ipynb=3")
    assert result.exit_code == 1 and "not a trainee notebook" in result.output
    result = serve("--no-browser", "--pool", "many")
    assert result.exit_code == 1 and "--pool 'many' is not a number of kernels" in result.output
    assert fake_exec == []


def test_a_kernel_waits_for_its_page_only_when_preheated(monkeypatch: pytest.MonkeyPatch) -> None:
    from swtrain import app_pool

    asked: list[str] = []
    warmed: list[str] = []

    def request_arrives() -> dict[str, str]:
        asked.append("waited")
        return {"QUERY_STRING": "case_id=child-in-crisis&language=zh"}

    monkeypatch.setattr(app_pool, "page_request", request_arrives)
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.setenv("SWTRAIN_REQUEST_READ", "")  # undone after the test, whatever wait_for_page sets
    app.wait_for_page(lambda: warmed.append("warm"))
    assert asked == warmed == []  # JupyterLab, papermill, a kernel Voilà started for a page: nothing to wait for
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("QUERY_STRING", "case_id=leukaemia-boy&language=en")  # an earlier request's, left over
    app.wait_for_page(lambda: warmed.append("warm"))
    app.wait_for_page(lambda: warmed.append("warm"))  # the request is in: no second wait
    assert asked == ["waited"] and warmed == ["warm"]
    assert app.query_values(os.environ) == {"case_id": "child-in-crisis", "language": "zh"} and app.in_app()


def test_a_pooled_kernel_reads_its_request_as_voila_sends_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """app_pool.page_request against a server speaking as Voilà's RequestInfoSocketHandler: the request's
    variables, sent on `voila/query/<kernel id>`; no server, a readable error instead of some other page."""
    import asyncio
    import threading

    import tornado.web
    import tornado.websocket

    from swtrain.app_pool import page_request

    payload = {"QUERY_STRING": "case_id=child-in-crisis&language=zh", "SCRIPT_NAME": "/"}
    opened: list[str] = []

    class RequestInfo(tornado.websocket.WebSocketHandler):
        def open(self, kernel_id: str) -> None:  # type: ignore[override]
            opened.append(kernel_id)
            self.write_message(json.dumps(payload))

    ready, stop = threading.Event(), threading.Event()
    port = free_port()

    def serve() -> None:
        async def main() -> None:
            listening = tornado.web.Application([(r"/voila/query/(.*)", RequestInfo)]).listen(port, "127.0.0.1")
            ready.set()
            while not stop.is_set():
                await asyncio.sleep(0.05)
            listening.stop()
            await listening.close_all_connections()

        asyncio.run(main())

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    ready.wait(10)
    monkeypatch.setenv("VOILA_APP_PORT", str(port))
    monkeypatch.setenv("VOILA_SERVER_URL", "/")
    monkeypatch.setenv("VOILA_KERNEL_ID", "k-123")
    try:
        assert page_request() == payload and opened == ["k-123"]
    finally:
        stop.set()
        server.join(10)
    monkeypatch.setenv("VOILA_APP_PORT", str(free_port()))  # nothing listens there
    with warnings.catch_warnings():  # tornado leaves the refused socket to the garbage collector
        warnings.simplefilter("ignore", ResourceWarning)
        with pytest.raises(SwtrainError, match="This page's request did not reach its kernel") as caught:
            page_request()
        gc.collect()
    assert caught.value.hint == "Reload the page. 请刷新此页面。"


def test_serve_has_help_text() -> None:
    assert serve_command.help and len(serve_command.help) > 20
    assert "--trainee" in serve("--help").output and "--cull-after" in serve("--help").output


def test_the_server_opens_the_browser_at_the_course_index(monkeypatch: pytest.MonkeyPatch) -> None:
    from swtrain.app_server import CourseVoila

    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    server = CourseVoila()
    server.open_url = "http://127.0.0.1:8870/voila/render/index.ipynb?language=zh"
    server.launch_browser()
    assert opened == ["http://127.0.0.1:8870/voila/render/index.ipynb?language=zh"]


def test_on_a_hub_the_placeholder_trainee_becomes_the_hub_user_in_jupyterlab_too() -> None:
    from swtrain.app import app_parameters

    hub = {"JUPYTERHUB_USER": "trainee1"}
    assert app_parameters("child-in-crisis", "demo", "en", hub).trainee_id == "trainee1"
    # an instructor who names a trainee (papermill, feedback mode) keeps that trainee
    assert app_parameters("child-in-crisis", "t017", "en", hub).trainee_id == "t017"
    assert app_parameters("child-in-crisis", "demo", "en", {}).trainee_id == "demo"
