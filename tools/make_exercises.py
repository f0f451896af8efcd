"""Generate exercises/ from solutions/, check they are in sync, or export a student bundle.

    python tools/make_exercises.py             # write exercises/<chapter>.ipynb
    python tools/make_exercises.py --check     # exit 1 if exercises/ or a solutions pair is stale
    python tools/make_exercises.py bundle OUT  # exercises + lessons, no solutions or hidden tests

A solution notebook marks what students write:

* a line ending in ``# SOLUTION``: ``name = expression  # SOLUTION`` becomes
  ``name = ...  # your answer``; any other such line is removed;
* a block between ``# BEGIN SOLUTION`` and ``# END SOLUTION``: inside a function it becomes
  ``raise NotImplementedError``; at the top level it becomes ``name = ...`` for each answer
  (``q<k>_...``) the block assigned;
* cells tagged ``hidden-tests`` or ``hidden-run`` are removed; the cell tagged ``checks`` runs
  here, with the setup cells above it, and its checks are stored as data in
  ``lessons/grading/public_checks/<chapter>.json``, which the exercise's checks cell loads;
* in Markdown, text between ``<!-- BEGIN SOLUTION -->`` and ``<!-- END SOLUTION -->`` is removed.

Outputs and execution counts are cleared; the output is deterministic, so a test can regenerate
and compare. Each ``solutions/<chapter>.ipynb`` is paired with ``solutions/<chapter>.md``
(jupytext, MyST), the form to review and edit; ``--check`` fails when the two differ.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECKS_TAG, HIDDEN_TAGS = "checks", ("hidden-tests", "hidden-run")
_ANSWER = re.compile(r"^(q\d+\w*)\s*=(?!=)")
_ASSIGN = re.compile(r"^(\s*)([A-Za-z_]\w*)\s*=(?!=)")
_MD_BLOCK = re.compile(r"<!-- BEGIN SOLUTION -->.*?<!-- END SOLUTION -->\n?", re.S)


class MarkerError(ValueError):
    """Unbalanced or misplaced solution markers."""


def strip_solutions(source: str) -> str:
    """Replace the solution parts of one code cell's source by stubs.

    >>> print(strip_solutions("x = 6 * n * d  # SOLUTION"))
    x = ...  # your answer
    >>> print(strip_solutions("def f(n):\\n    # BEGIN SOLUTION\\n    return 6 * n\\n    # END SOLUTION"))
    def f(n):
        raise NotImplementedError("write your code here")
    """
    out: list[str] = []
    block: list[str] | None = None
    indent = ""
    for line in source.split("\n"):
        marker = line.strip()
        if block is not None:
            if marker == "# END SOLUTION":
                out += _block_stub(block, indent)
                block = None
            elif marker == "# BEGIN SOLUTION":
                raise MarkerError("nested # BEGIN SOLUTION")
            else:
                block.append(line)
            continue
        if marker == "# BEGIN SOLUTION":
            block, indent = [], line[: len(line) - len(line.lstrip())]
        elif marker == "# END SOLUTION":
            raise MarkerError("# END SOLUTION without # BEGIN SOLUTION")
        elif line.rstrip().endswith("# SOLUTION"):
            m = _ASSIGN.match(line)
            if m:
                out.append(f"{m.group(1)}{m.group(2)} = ...  # your answer")
        else:
            out.append(line)
    if block is not None:
        raise MarkerError("# BEGIN SOLUTION without # END SOLUTION")
    return "\n".join(out)


def _block_stub(block: list[str], indent: str) -> list[str]:
    if indent:
        return [f'{indent}raise NotImplementedError("write your code here")']
    names = list(dict.fromkeys(m.group(1) for line in block if (m := _ANSWER.match(line))))
    return ["# Your code here."] + [f"{name} = ...  # your answer" for name in names]


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _tags(cell: dict) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


#: The exercise's checks cell: its data ship with the package (lessons/grading/public_checks/).
CHECKS_CELL = """\
# Public checks: after answering a question, run the check("q…") cell below it. A check says
# what is wrong and gives a hint, never the answer.
from lessons.grading import public_checks

check = public_checks("{name}")"""


def _public_checks(cells: list[dict], index: int, name: str):
    """Run the setup cells and the checks cell here; return the checks they define."""
    from lessons.grading import Checks

    namespace: dict = {"__name__": f"solutions.{name}"}
    for cell in cells[: index + 1]:
        if cell["cell_type"] == "code":
            exec(compile(_source(cell), f"solutions/{name}.ipynb", "exec"), namespace)
    check = namespace.get("check")
    if not isinstance(check, Checks):
        raise MarkerError(f"{name}: the cell tagged {CHECKS_TAG!r} must define `check = Checks(...)`")
    return check


def exercise_notebook(solution: dict, name: str) -> tuple[dict, dict]:
    """The student notebook derived from a solution notebook (a new dict), and its check data."""
    nb = copy.deepcopy(solution)
    cells, data = [], None
    for i, cell in enumerate(nb["cells"]):
        tags = _tags(cell)
        if any(t in HIDDEN_TAGS for t in tags):
            continue
        if cell["cell_type"] == "code":
            if CHECKS_TAG in tags:
                data = _public_checks(nb["cells"], i, name).to_data()
                source = CHECKS_CELL.format(name=name)
            else:
                source = strip_solutions(_source(cell))
            cell.update(source=source, outputs=[], execution_count=None)
        elif cell["cell_type"] == "markdown":
            cell["source"] = _MD_BLOCK.sub("", _source(cell))
        cells.append(cell)
    if data is None:
        raise MarkerError(f"{name}: no code cell is tagged {CHECKS_TAG!r}")
    nb["cells"] = cells
    meta = {k: v for k, v in nb.get("metadata", {}).items() if k in ("kernelspec", "language_info")}
    # The chapter is the file's stem (a chapter, its solution and its exercise share one stem), so
    # it survives a .ipynb recreated from the paired .md, which does not carry this metadata.
    meta["lessons"] = {"chapter": name, **solution.get("metadata", {}).get("lessons", {}),
                       "kind": "exercise"}
    nb["metadata"] = meta
    return nb, data


def dumps(nb: dict) -> str:
    """Notebook JSON as Jupyter writes it (indent 1, sorted keys), ending in a newline."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _cells_of_pair(md: Path) -> list[tuple]:
    import jupytext

    nb = jupytext.read(md)
    return [(c.cell_type, c.source, tuple(c.metadata.get("tags", []))) for c in nb.cells]


def pair_problems(solutions: Path) -> list[str]:
    """Solution notebooks whose paired Markdown differs (or is missing)."""
    problems = []
    for ipynb in sorted(solutions.glob("*.ipynb")):
        md = ipynb.with_suffix(".md")
        if not md.exists():
            problems.append(f"{md} is missing (pair it: jupytext --set-formats ipynb,md:myst)")
            continue
        nb = json.loads(ipynb.read_text(encoding="utf-8"))
        ours = [(c["cell_type"], _source(c), tuple(_tags(c))) for c in nb["cells"]]
        if ours != _cells_of_pair(md):
            problems.append(f"{ipynb.name} and {md.name} differ: run jupytext --sync {md}")
    return problems


def generate(root: Path = ROOT, check: bool = False) -> list[str]:
    """Write (or, with ``check``, compare) every exercise and its check data; return problems.

    Notebooks must match exactly; check data must match in structure and text, numbers within
    a relative 1e-9, since their last digits may come from another numpy or scipy release.
    """
    from lessons.grading.checks import dumps as dump_checks
    from lessons.grading.checks import same_data

    problems = []
    store = root / "lessons" / "grading" / "public_checks"
    for folder in (root / "exercises", store):
        folder.mkdir(parents=True, exist_ok=True)
    for sol in sorted((root / "solutions").glob("*.ipynb")):
        nb, data = exercise_notebook(json.loads(sol.read_text(encoding="utf-8")), sol.stem)
        text, target, stored = dumps(nb), root / "exercises" / sol.name, store / f"{sol.stem}.json"
        if not check:
            target.write_text(text, encoding="utf-8")
            stored.write_text(dump_checks(data), encoding="utf-8")
            continue
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            problems.append(f"{target} is stale: run python tools/make_exercises.py")
        if not stored.exists() or not same_data(json.loads(stored.read_text(encoding="utf-8")),
                                                data):
            problems.append(f"{stored} is stale: run python tools/make_exercises.py")
    return problems


def bundle(out: Path, root: Path = ROOT) -> Path:
    """Copy exercises/ and lessons/ (no solutions, no hidden tests) to ``out`` for students."""
    if out.exists():
        raise SystemExit(f"{out} exists; choose a new folder")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    shutil.copytree(root / "lessons", out / "lessons", ignore=ignore)
    shutil.copytree(root / "exercises", out / "exercises", ignore=ignore)
    for name in ("pyproject.toml", "requirements.txt", "README.md"):
        if (root / name).exists():
            shutil.copy2(root / name, out / name)
    leaks = [str(p) for p in out.rglob("*") if p.is_file() and _leaks(p)]
    if leaks:
        shutil.rmtree(out)
        raise SystemExit(f"refusing to export: solution material in {leaks}")
    return out


def _leaks(path: Path) -> bool:
    if path.suffix != ".ipynb":
        return False
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        src = _source(cell)
        if any(t in HIDDEN_TAGS for t in _tags(cell)) or re.search(
                r"# (BEGIN |END )?SOLUTION\s*$", src, re.M):
            return True
    return False


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="compare instead of writing")
    sub = ap.add_subparsers(dest="command")
    b = sub.add_parser("bundle", help="export exercises + lessons for students")
    b.add_argument("out", type=Path)
    args = ap.parse_args(argv)
    if args.command == "bundle":
        print(bundle(args.out))
        return 0
    problems = generate(check=args.check) + (pair_problems(ROOT / "solutions") if args.check else [])
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
