"""A real JupyterLab in a real browser, for tests/test_jupyterlab.py and bench/widgets.py.

* :func:`lab_server` starts ``jupyter lab`` on 127.0.0.1 (a free port, a random token) over a
  temporary folder holding copies of the files it is given, so the repository is never
  modified. The server has its own config, data, runtime, settings and workspace folders, so
  nothing of the user's Jupyter set-up leaks in, and it is always stopped.
* :func:`chromium` launches Debian's Chromium through playwright (never a downloaded browser).
* :class:`LabPage` drives JupyterLab as a learner does: it opens a file the way a double click
  does (its default viewer), runs cells, types into them, saves, and reads what cells print.
  It waits for conditions, never for fixed times, with generous limits: the machines that run
  it are small and shared.

The server is started with ``--expose-app-in-browser`` (as JupyterLab's own UI tests do), so
the page can run JupyterLab commands (``notebook:run-all-cells``) and read the kernel's
state instead of guessing from pixels.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
#: Headless Chromium on a machine without a GPU, a sandbox or a network beyond loopback.
CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run")
#: Limits [ms]: a cold kernel importing numpy, scipy and matplotlib on a busy 2-core machine.
START_TIMEOUT_MS = 120_000
RUN_TIMEOUT_MS = 180_000
#: Uncaught errors of JupyterLab itself that change nothing a learner sees: its cell toolbar
#: measures a markdown cell's stock rendering, which jupyterlab-myst replaces, and throws
#: (the toolbar still shows). Any other page error fails the tests.
KNOWN_PAGE_ERRORS = ("_markdownOverlapsToolbar",)
#: JupyterLab settings of the test server alone: no news or update requests (no network), no
#: toast over the page.
QUIET_SETTINGS = {"@jupyterlab/apputils-extension:notification": {
    "fetchNews": "false", "checkForUpdates": False, "doNotDisturbMode": True}}
#: The course's default viewer for ``.md`` files (README, "Work the exercises").
DEFAULT_VIEWER_COMMAND = ("set-default-viewer", "markdown")


def why_not_runnable() -> str | None:
    """Why the real-client tests cannot run here, or None when they can."""
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM}: apt-get install chromium"
    for module in ("playwright", "jupyterlab", "jupytext", "jupyterlab_myst", "ipywidgets"):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed: pip install -r requirements.lock"
    return None


@contextlib.contextmanager
def chromium():
    """Debian's Chromium, headless, driven by playwright's synchronous API."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        try:
            yield browser
        finally:
            browser.close()


@dataclass(frozen=True)
class LabServer:
    """A running JupyterLab: its address, token and the folder it serves."""

    url: str
    token: str
    root: Path
    log: Path

    def lab_url(self) -> str:
        """The address of JupyterLab, with the token."""
        return f"{self.url}/lab?token={self.token}"

    def log_tail(self, n_chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-n_chars:]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env(tmp: Path) -> dict[str, str]:
    """The learner's environment, minus the test suite's strict checks and the site build flag,
    with Jupyter's per-user folders inside ``tmp``."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("LESSONS_CHECKS", "LESSONS_SITE_BUILD", "JUPYTER_CONFIG_PATH")}
    for name, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                      ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython"),
                      ("JUPYTERLAB_SETTINGS_DIR", "user-settings"),
                      ("JUPYTERLAB_WORKSPACES_DIR", "workspaces")):
        (tmp / sub).mkdir(parents=True, exist_ok=True)
        env[name] = str(tmp / sub)
    return env


def _bin(name: str) -> str:
    """A console script of this environment (``jupyter-lab``), else the one on PATH."""
    local = Path(sys.executable).with_name(name)
    return str(local) if local.exists() else name


@contextlib.contextmanager
def lab_server(files: Mapping[str, Path]) -> Iterator[LabServer]:
    """Start JupyterLab over a temporary folder holding ``files`` (destination -> source).

    The course's default viewer (``.md`` opens as a notebook) is set in the server's own config
    folder with the command the README gives, so the test sees what a learner sees.
    """
    with tempfile.TemporaryDirectory(prefix="lessons-lab-") as tmp_name:
        tmp = Path(tmp_name)
        root = tmp / "root"
        for dest, source in files.items():
            (root / dest).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, root / dest)
        env = _server_env(tmp)
        settings = Path(env["JUPYTER_CONFIG_DIR"]) / "labconfig" / "default_setting_overrides.json"
        settings.parent.mkdir(parents=True)
        settings.write_text(json.dumps(QUIET_SETTINGS), encoding="utf-8")
        subprocess.run([_bin("jupytext-config"), "--settings-file", str(settings),
                        *DEFAULT_VIEWER_COMMAND], env=env, check=True, capture_output=True)
        port, token = _free_port(), secrets.token_hex(16)
        command = [_bin("jupyter-lab"), "--no-browser", "--ServerApp.ip=127.0.0.1",
                   f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
                   f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
                   "--expose-app-in-browser"]
        if os.geteuid() == 0:  # JupyterLab refuses to run as root without this flag
            command.append("--allow-root")
        log = tmp / "server.log"
        with log.open("w") as out:
            process = subprocess.Popen(command, cwd=root, env=env, stdout=out,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        server = LabServer(f"http://127.0.0.1:{port}", token, root, log)
        try:
            _wait_until_up(server, process)
            yield server
        finally:
            _stop(process)


def _wait_until_up(server: LabServer, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {process.returncode}:\n"
                               f"{server.log_tail()}")
        try:
            with urllib.request.urlopen(f"{server.url}/api/status?token={server.token}",
                                        timeout=5) as reply:
                if reply.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"jupyter lab did not answer within {START_TIMEOUT_MS} ms:\n"
                       f"{server.log_tail()}")


def _stop(process: subprocess.Popen) -> None:
    """Stop the server and its kernels (one process group, started for this server alone)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 15)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, 9)
            process.wait(timeout=20)


#: JavaScript helpers on the notebook in front: its cells, whether the kernel is idle with no
#: cell running, whether a cell's output is an error.
_NOTEBOOK_JS = """
  const panel = window.jupyterapp.shell.currentWidget;
  const cells = () => panel.content.widgets;
  const idle = () => {
    const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
    return !!kernel && kernel.status === 'idle' && !cells().some(
      c => c.model.type === 'code' && c.model.executionState === 'running');
  };
  const failed = (c) => c.model.outputs.toJSON().some(o => o.output_type === 'error');
"""


class LabPage:
    """One browser tab on a :class:`LabServer`, driving the notebook that is open in it."""

    def __init__(self, browser, server: LabServer, *, width: int = 1400, height: int = 1000):
        self.server = server
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", self._record_error)

    def close(self) -> None:
        self.context.close()

    def _record_error(self, error) -> None:
        if any(known in (error.stack or "") for known in KNOWN_PAGE_ERRORS):
            return
        self.errors.append(f"page error: {error}\n{error.stack}")

    # --- opening ---------------------------------------------------------------------------

    def start(self) -> None:
        """Load JupyterLab with an empty workspace (not the tabs an earlier page left open) and
        wait until its application has started."""
        self.page.goto(self.server.lab_url() + "&reset", timeout=START_TIMEOUT_MS)
        self.page.wait_for_function("() => window.jupyterapp && window.jupyterapp.started",
                                    timeout=START_TIMEOUT_MS)
        self.page.evaluate("() => window.jupyterapp.started")

    def open(self, path: str) -> str:
        """Open ``path`` with its default viewer, as a double click in the file browser does;
        wait for it (and, for a notebook, its kernel) to be ready; return the viewer's kind."""
        self.command("docmanager:open", {"path": path})
        return self._wait_open(path)

    def open_by_double_click(self, path: str) -> str:
        """Open ``path`` by double-clicking it in the file browser; return the viewer's kind."""
        folder, _, name = path.rpartition("/")
        self.command("filebrowser:go-to-path", {"path": folder or "/"})
        item = self.page.locator(".jp-DirListing-item").filter(
            has=self.page.get_by_text(name, exact=True))
        item.dblclick(timeout=RUN_TIMEOUT_MS)
        return self._wait_open(path)

    def _wait_open(self, path: str) -> str:
        self.page.wait_for_function(
            "(p) => { const w = window.jupyterapp.shell.currentWidget;"
            " return w && w.context && w.context.path === p && w.context.isReady; }",
            arg=path, timeout=START_TIMEOUT_MS)
        kind = self.current_widget_kind()
        if kind == "notebook":
            self.wait_idle()
        return kind

    def current_widget_kind(self) -> str:
        """``notebook`` for a notebook panel, else the widget's CSS classes (a file editor's
        include ``jp-FileEditor``)."""
        return self.page.evaluate(
            "() => { const w = window.jupyterapp.shell.currentWidget;"
            " return w ? (w.hasClass('jp-NotebookPanel') ? 'notebook' : w.node.className) : ''; }")

    # --- running ---------------------------------------------------------------------------

    def wait_idle(self, timeout: int = RUN_TIMEOUT_MS) -> None:
        """Wait until the notebook's kernel is idle and no cell is queued or running."""
        self.page.wait_for_function(
            f"() => {{ {_NOTEBOOK_JS} return idle(); }}", timeout=timeout, polling=200)

    def command(self, name: str, args: Mapping | None = None) -> None:
        """Run a JupyterLab command, as its menu entry or shortcut does."""
        self.page.evaluate("([n, a]) => { window.jupyterapp.commands.execute(n, a); }",
                           [name, dict(args or {})])

    def run_all(self) -> None:
        """Run all cells (Run > Run All Cells) and wait until every code cell has run, or one
        has failed (which stops the run)."""
        before = self._last_count()
        self.command("notebook:run-all-cells")
        self.page.wait_for_function(
            f"""(before) => {{ {_NOTEBOOK_JS}
              const code = cells().filter(c => c.model.type === 'code');
              return idle() && (code.every(c => c.model.executionCount > before)
                                || code.some(c => c.model.executionCount > before && failed(c)));
            }}""", arg=before, timeout=RUN_TIMEOUT_MS, polling=200)

    def run_cells(self, *indices: int) -> None:
        """Run the given cells, in order, as Shift+Enter on each does."""
        for index in indices:
            before = self._last_count()
            self.page.evaluate(
                "(i) => { const nb = window.jupyterapp.shell.currentWidget.content;"
                " nb.activeCellIndex = i; nb.deselectAll(); }", index)
            self.command("notebook:run-cell")
            self.page.wait_for_function(
                f"""([i, before]) => {{ {_NOTEBOOK_JS}
                  return idle() && cells()[i].model.executionCount > before; }}""",
                arg=[index, before], timeout=RUN_TIMEOUT_MS, polling=200)

    def _last_count(self) -> int:
        """The highest execution count in the notebook (0 before anything ran)."""
        return self.page.evaluate(
            f"() => {{ {_NOTEBOOK_JS} return Math.max(0, ...cells().map("
            "c => c.model.executionCount || 0)); }")

    def cell_sources(self) -> list[str]:
        return self.page.evaluate(
            "() => window.jupyterapp.shell.currentWidget.content.widgets"
            ".map(c => c.model.sharedModel.getSource())")

    def find_cell(self, predicate_source: str) -> int:
        """The index of the first cell whose source satisfies a JavaScript predicate on ``s``."""
        return self.page.evaluate(
            f"() => window.jupyterapp.shell.currentWidget.content.widgets"
            f".findIndex(c => (s => {predicate_source})(c.model.sharedModel.getSource()))")

    def cell(self, index: int):
        """Cell ``index`` of the notebook in front, scrolled into view, as a playwright locator
        (found again whenever JupyterLab re-renders the cell)."""
        panel = self.page.evaluate(
            "(i) => { const w = window.jupyterapp.shell.currentWidget;"
            " w.content.scrollToItem(i, 'center'); return w.id; }", index)
        return self.page.locator(f'[id="{panel}"] .jp-Cell[data-windowed-list-index="{index}"]')

    def type_into(self, index: int, text: str) -> None:
        """Replace a code cell's text by typing, as a learner does (select all, then type)."""
        self.cell(index).locator(".cm-content").click()
        self.page.keyboard.press("Control+a")
        self.page.keyboard.insert_text(text)
        self.page.wait_for_function(
            "([i, t]) => window.jupyterapp.shell.currentWidget.content.widgets[i]"
            ".model.sharedModel.getSource() === t", arg=[index, text])

    def output_text(self, index: int) -> str:
        """What a cell printed or returned: its streams, plain-text results and errors."""
        return self.page.evaluate(
            f"""(i) => {{ {_NOTEBOOK_JS}
              const outputs = cells()[i].model.outputs;
              return outputs ? outputs.toJSON().map(o => o.ename ? o.ename + ': ' + o.evalue
                : [].concat(o.text || (o.data && o.data['text/plain']) || '').join('')).join('\\n')
                : ''; }}""", index)

    def save(self) -> None:
        """Save as Ctrl+S does, and wait until the document is no longer dirty."""
        self.command("docmanager:save")
        self.page.wait_for_function(
            "() => { const w = window.jupyterapp.shell.currentWidget;"
            " return w && w.context && !w.context.model.dirty; }", timeout=RUN_TIMEOUT_MS)

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path))


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
