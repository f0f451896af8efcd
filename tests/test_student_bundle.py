"""The exercises on the site: one click from every chapter, and a bundle that works elsewhere.

Every chapter page links, at its top and in its graded-notebook box, to its exercise notebook
and its bundle, both hosted by the built site. The bundle taken from the site is installed by
its own README's command into a fresh virtual environment, in a folder outside the repository,
and its notebooks run there: the course's package comes from the bundle's wheel, the data
from the bundle. This needs the Python package index, as the README says.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(p.stem for p in (ROOT / "exercises").glob("*.ipynb"))

pytestmark = pytest.mark.slow


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


make_exercises = _load("make_exercises", ROOT / "tools" / "make_exercises.py")
site_ext = _load("lessons_exercises", ROOT / "book" / "_ext" / "lessons_exercises.py")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_links_to_its_hosted_notebook_and_bundle(site, chapter):
    html = (site / "book" / f"{chapter}.html").read_text()
    for target in (f"../exercises/{chapter}.ipynb", f"../exercises/{chapter}-exercises.zip"):
        assert html.count(f'href="{target}"') == 2, f"{chapter}: {target} not linked twice"
        assert (site / "exercises" / Path(target).name).is_file()
    title = html.index("<h1", html.index("<article"))
    assert title < html.index("lx-exercises") < html.index("<h2", title), "box not at the top"
    hosted = (site / "exercises" / f"{chapter}.ipynb").read_bytes()
    assert hosted == (ROOT / "exercises" / f"{chapter}.ipynb").read_bytes()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_bundle_contents(site, chapter, tmp_path):
    with zipfile.ZipFile(site / "exercises" / f"{chapter}-exercises.zip") as zf:
        names = set(zf.namelist())
        zf.extractall(tmp_path)
    folder = tmp_path / f"{chapter}-exercises"
    assert {f"{chapter}-exercises/{n}" for n in ("README.md", "constraints.txt",
                                                  f"{chapter}.ipynb")} <= names
    assert len(list(folder.glob("llm_planning_lessons-*.whl"))) == 1
    assert not make_exercises._leaks(folder / f"{chapter}.ipynb")
    with zipfile.ZipFile(next(folder.glob("*.whl"))) as wheel:
        inside = wheel.namelist()
    assert f"lessons/grading/public_checks/{chapter}.json" in inside
    assert not any("solutions" in n or n.startswith("tests/") for n in inside)
    readme = (folder / "README.md").read_text()
    assert "jupyter lab" in readme and "-e ." not in (folder / "constraints.txt").read_text()


def test_data_go_in_a_bundle_only_where_their_licence_allows(site):
    """Sardana et al. (Apache-2.0) ship with their licence; the Besiroglu digitisation, whose
    repository declares no licence, is downloaded on first use instead."""
    def names(chapter):
        with zipfile.ZipFile(site / "exercises" / f"{chapter}-exercises.zip") as zf:
            return zf.namelist(), zf.read(f"{chapter}-exercises/README.md").decode()

    files, readme = names("overtraining")
    assert "overtraining-exercises/data/sardana2024_trainingresults.csv" in files
    assert "overtraining-exercises/data/LICENSE-Apache-2.0.txt" in files
    assert "LESSONS_DATA_DIR" in readme
    files, readme = names("chinchilla")
    assert not any("besiroglu" in f for f in files)
    assert "downloads them" in readme and "raw.githubusercontent.com" in readme
    files, _ = names("flops")
    assert not any("/data/" in f for f in files)


@pytest.mark.parametrize("url", ["https://hub.example.org", "https://github.com/your-org/repo",
                                 "http://github.com/o/r", "https://localhost:8000"])
def test_placeholder_addresses_stop_the_build(url):
    with pytest.raises(Exception, match="placeholder"):
        site_ext.check_url("lessons_repository_url", url)


def test_launch_links_open_the_exercise_notebook_never_a_chapter():
    links = dict(site_ext.launch_links("kaplan", "https://github.com/o/course", "main",
                                       "https://hub.uni.edu"))
    assert set(links) == {"Binder", "Colab", "JupyterHub"}
    for url in links.values():
        assert "exercises" in url and "kaplan.ipynb" in url and ".md" not in url
    assert "urlpath=lab%2Ftree%2Fcourse%2Fexercises%2Fkaplan.ipynb" in links["JupyterHub"]
    assert site_ext.launch_links("kaplan", "", "main", "https://hub.uni.edu") == []


def _readme_command(folder: Path) -> str:
    readme = (folder / "README.md").read_text()
    return re.search(r"```bash\n(.+?)\n```", readme, re.S).group(1).strip()


def test_bundle_installs_and_runs_with_no_copy_of_the_course(site, tmp_path):
    """The README's one command, then the notebooks, in a folder outside the repository."""
    for chapter in ("overtraining", "flops"):
        with zipfile.ZipFile(site / "exercises" / f"{chapter}-exercises.zip") as zf:
            zf.extractall(tmp_path)
    folder = tmp_path / "overtraining-exercises"
    command = _readme_command(folder)
    setup, _, launch = command.rpartition(" && ")
    assert launch.endswith("jupyter lab overtraining.ipynb"), command
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "LANG": "C.UTF-8",
           "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    done = subprocess.run(["bash", "-c", setup], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=1800)
    assert done.returncode == 0, f"the README's set-up failed:\n{done.stdout[-3000:]}\n" \
                                 f"{done.stderr[-3000:]}"
    python = folder / ".venv" / "bin" / "python"
    where = subprocess.run([str(python), "-c", "import lessons; print(lessons.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert str(folder / ".venv") in where.stdout and str(ROOT) not in where.stdout
    # Run each notebook as the README's launch would, with the environment it sets.
    data_env = {"LESSONS_DATA_DIR": str(folder / "data")} if "LESSONS_DATA_DIR" in launch else {}
    for chapter, cwd, extra in (("overtraining", folder, data_env),
                                ("flops", tmp_path / "flops-exercises", {})):
        run = subprocess.run(
            [str(python), "-m", "nbconvert", "--to", "notebook", "--execute", "--output",
             "executed.ipynb", f"{chapter}.ipynb"], cwd=cwd, env={**env, **extra},
            capture_output=True, text=True, timeout=900)
        assert run.returncode == 0, f"{chapter}:\n{run.stderr[-3000:]}"
        nb = json.loads((cwd / "executed.ipynb").read_text())
        text = "".join("".join(o.get("text", "")) for c in nb["cells"]
                       for o in c.get("outputs", []))
        errors = [o for c in nb["cells"] for o in c.get("outputs", [])
                  if o.get("output_type") == "error"]
        assert not errors and "not answered yet" in text, (chapter, text[-2000:])
    assert shlex.split(launch)[-1] == "overtraining.ipynb"
