"""The build executes notebooks side by side into myst-nb's cache (book/_ext/lessons_execute.py).

A small Sphinx project of two MyST notebooks is built the way the book is (myst-nb, execution
mode "cache"): with two workers the extension must execute both ahead and myst-nb must then
take both from the cache, executing nothing itself; an entry myst-nb did not recognise would
show as its own "Executing notebook". With one worker, or a bad worker count, nothing runs
ahead, and the bad count says what to write instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = """---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  display_name: Python 3
  name: python3
---
# {title}

```{{code-cell}} ipython3
print({value} * 7)
```
"""


def _build(tmp_path: Path, jobs: str) -> subprocess.CompletedProcess:
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    (src / "conf.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT / 'book' / '_ext')!r})\n"
        "extensions = ['myst_nb', 'lessons_execute']\n"
        "root_doc = 'a'\n"
        "nb_execution_mode = 'cache'\n"
        f"nb_execution_cache_path = {str(tmp_path / 'cache')!r}\n")
    (src / "a.md").write_text(NOTEBOOK.format(title="A", value=6))
    (src / "b.md").write_text(NOTEBOOK.format(title="B", value=9))
    env = {**os.environ, "LESSONS_BUILD_JOBS": jobs}
    return subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-E", str(src),
                           str(tmp_path / "out")], capture_output=True, text=True, env=env,
                          timeout=300)


def test_two_workers_fill_the_cache_that_myst_nb_then_reads(tmp_path):
    run = _build(tmp_path, "2")
    log = run.stdout + run.stderr
    assert run.returncode == 0, log
    assert "executing 2 notebooks, 2 at a time" in log
    assert log.count("Using cached notebook") == 2, log
    assert "Executing notebook" not in log, "myst-nb executed a notebook the cache should hold"
    assert "42" in (tmp_path / "out" / "a.html").read_text()
    assert "63" in (tmp_path / "out" / "b.html").read_text()


def test_one_worker_leaves_execution_to_myst_nb(tmp_path):
    run = _build(tmp_path, "1")
    log = run.stdout + run.stderr
    assert run.returncode == 0, log
    assert "at a time" not in log
    assert log.count("Executing notebook") == 2


@pytest.mark.parametrize("jobs", ["two", "0"])
def test_a_bad_worker_count_says_what_to_write(tmp_path, jobs):
    run = _build(tmp_path, jobs)
    assert run.returncode != 0
    assert f"LESSONS_BUILD_JOBS={jobs!r}" in run.stdout + run.stderr
