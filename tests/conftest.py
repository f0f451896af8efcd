"""Shared pytest configuration, and the built site (built once per session when missing)."""

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
BUILD_COMMAND = ["jupyter-book", "build", ".", "--all", "-W", "--keep-going"]


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes more than a few seconds")
    config.addinivalue_line("markers", "browser: needs Debian's chromium (apt-get install chromium)")
    # The published tables live beside the checkout; read them from there when present.
    shared = ROOT.parent / "shared" / "data"
    if "LESSONS_DATA_DIR" not in os.environ and shared.is_dir():
        os.environ["LESSONS_DATA_DIR"] = str(shared)
    # Graded notebooks run in strict mode under pytest: a failed check raises, so nbmake fails.
    os.environ.setdefault("LESSONS_CHECKS", "strict")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def build_site() -> None:
    """The README's build: clear the execution cache, then build everything, warnings as errors."""
    shutil.rmtree(ROOT / "_build" / ".jupyter_cache", ignore_errors=True)
    exe = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(exe) if exe.exists() else BUILD_COMMAND[0], *BUILD_COMMAND[1:]]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"book build failed ({' '.join(BUILD_COMMAND)}):\n{done.stdout[-6000:]}"
                    f"\n{done.stderr[-3000:]}")


@pytest.fixture(scope="session")
def site() -> Path:
    """The built site: ``_build/html``, built now if missing or if LESSONS_REBUILD_SITE is set."""
    if os.environ.get("LESSONS_REBUILD_SITE") or not (HTML / "index.html").exists():
        build_site()
    return HTML


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server(site):
    """The built site on a plain file server at 127.0.0.1 (the only host the browser reaches)."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by playwright (tests using it carry the ``browser`` marker).

    One per test module: playwright's synchronous API allows one session at a time in a
    process, and tests/test_jupyterlab.py starts its own.
    """
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="pip install playwright (and apt-get install chromium)")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()
