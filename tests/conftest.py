"""Shared pytest configuration, and the built site (built once per session when missing)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
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
