"""Benchmark: time from moving an explorer's control in Jupyter to its updated output.

Every explorer of stored frames in ``lessons.explore`` (those needing a fit or a simulation) is
timed on one sequence of slider moves (the
controls in turn, each stepped one position, turning back at its ends), side by side on two
widgets of the same explorer, moves interleaved so that a busy machine slows both alike:

* **fast**: ``widget()``, the live path (a persistent figure, a light PNG, settings kept);
* **site**: ``widget(fast=False)``, each setting drawn as the static site draws it.

Two measurements of the same moves:

1. **Python**: set the slider's value; the widget's observer redraws before the assignment
   returns, so the time is that of the update path alone.
2. **JupyterLab**: the real JupyterLab of the browser tests (``tests/jupyterlab_session.py``)
   runs a notebook holding both widgets of every explorer; Chromium presses an arrow key on a
   slider's handle, and the time runs from the key press to the output's DOM having changed
   and its pictures decoded, as measured in the page. A pause between moves stands for the
   reader looking at the result.

Prints, per explorer and path, median and 95th percentile [ms], the ratio site/fast, the 95th
percentile of the fast path over settings shown for the first time, and the goal.

3. **Computed views in Python**: every view of ``lessons.explore.COMPUTED_VIEWS`` (which compute
   in the page on the site, ``bench/inpage.py``) as its Jupyter widget: each typed field is set
   to 1.5× then back, and the time runs until the widget's output is rewritten (results and the
   chart through one persistent figure).

    python bench/widgets.py [--moves N] [--pause S] [--python-only]

Goal: 95th percentile ≤ 100 ms for every explorer in JupyterLab (fast path).
"""

from __future__ import annotations

import os

_SHARED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data")
if not os.environ.get("LESSONS_DATA_DIR") and os.path.isdir(_SHARED):
    os.environ["LESSONS_DATA_DIR"] = os.path.normpath(_SHARED)

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import inspect  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from lessons import explore  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
GOAL_P95_MS = 100.0
#: The explorers timed: every factory of lessons.explore, and a floor that does no work, so the
#: time JupyterLab, the kernel and the browser take by themselves shows beside the others.
FLOOR = "floor (no work)"
#: Explorers of stored frames; the computed views are timed on their own (time_computed).
_COMPUTED = {factory.__name__ for factory in explore.COMPUTED_VIEWS.values()}
FACTORIES = [name for name in explore.__all__
             if name.endswith("_explorer") and name not in _COMPUTED]
EXPLORERS = [*FACTORIES, FLOOR]
PATHS = ("site", "fast")
#: Longest wait for one update in the browser before the move counts as lost [ms].
BROWSER_TIMEOUT_MS = 30_000


@dataclass
class Times:
    """Update times [ms] of one explorer on one path, and which moves showed a new setting."""

    ms: list[float] = field(default_factory=list)
    first_visit: list[bool] = field(default_factory=list)

    def add(self, ms: float, first: bool) -> None:
        self.ms.append(ms)
        self.first_visit.append(first)

    def median(self) -> float:
        return statistics.median(self.ms) if self.ms else float("nan")

    def p95(self, first_only: bool = False) -> float:
        ms = [m for m, f in zip(self.ms, self.first_visit, strict=True) if f or not first_only]
        return float(np.percentile(ms, 95)) if ms else float("nan")


def move_plan(shape: tuple[int, ...], start: tuple[int, ...], n_moves: int):
    """Slider moves as (control, step, setting after the move, first time shown?)."""
    position, direction = list(start), [1] * len(shape)
    seen = {tuple(position)}
    movable = [k for k, n in enumerate(shape) if n > 1]
    plan = []
    for m in range(n_moves):
        k = movable[m % len(movable)]
        if not 0 <= position[k] + direction[k] < shape[k]:
            direction[k] = -direction[k]
        position[k] += direction[k]
        plan.append((k, direction[k], tuple(position), tuple(position) not in seen))
        seen.add(tuple(position))
    return plan


def build(name: str):
    if name == FLOOR:
        return floor_explorer()
    return getattr(explore, name)()


def floor_explorer():
    """One slider whose view only echoes its value: what an update costs without any work."""
    return explore.Explorer(lambda v: {"value": v},
                            {"v": explore.Control("v [-]", tuple(range(10)))})


# --- Python ------------------------------------------------------------------------------------

def time_python(name: str, n_moves: int) -> dict[str, Times]:
    ex = build(name)
    boxes = {path: ex.widget(fast=path == "fast") for path in PATHS}
    sliders = {path: [w for w in box.children if hasattr(w, "options")]
               for path, box in boxes.items()}
    start = tuple(c.default_index for c in ex.controls.values())
    times = {path: Times() for path in PATHS}
    controls = list(ex.controls.values())
    for k, _step, position, first in move_plan(ex.shape, start, n_moves):
        for path in PATHS:
            t0 = time.perf_counter()
            sliders[path][k].value = controls[k].values[position[k]]
            times[path].add((time.perf_counter() - t0) * 1e3, first)
    return times


def time_computed(rounds: int) -> dict[str, list[float]]:
    """Jupyter widget of every computed view: each typed field ×1.5 then back [ms per change]."""
    from lessons import data, fitting

    points = data.load_chinchilla_points()
    boot = fitting.bootstrap(points.n_params, points.n_tokens, points.loss, n_resamples=1000,
                             start="besiroglu2024")
    results = {}
    for name, factory in explore.COMPUTED_VIEWS.items():
        view = factory(boot) if name.startswith("budgets.") else factory()
        box = view.widget()
        texts = [w for w in _walk(box) if type(w).__name__ == "FloatText"]
        ms = []
        for r in range(rounds):
            for w in texts:
                t0 = time.perf_counter()
                w.value = w.value * (1.5 if r % 2 == 0 else 1 / 1.5)
                ms.append((time.perf_counter() - t0) * 1e3)
        results[name] = ms
    return results


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


# --- JupyterLab --------------------------------------------------------------------------------

def _session_module():
    spec = importlib.util.spec_from_file_location(
        "jupyterlab_session", ROOT / "tests" / "jupyterlab_session.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _widget_source(name: str, path: str) -> str:
    return f"explorers[{name!r}].widget(fast={path == 'fast'})"


def _notebook(path: Path) -> None:
    import nbformat

    floor = inspect.getsource(floor_explorer)
    cells = [nbformat.v4.new_code_cell(
        f"from lessons import explore\n\n{floor}\n"
        f"explorers = {{name: getattr(explore, name)() for name in {FACTORIES!r}}}\n"
        f"explorers[{FLOOR!r}] = floor_explorer()")]
    cells += [nbformat.v4.new_code_cell(_widget_source(name, p))
              for name in EXPLORERS for p in PATHS]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nbformat.write(nb, path)


#: In the page: arm a timer on a slider handle's next key press and on the output's next change.
_ARM_JS = """(cell, k) => {
  const widget = cell.querySelector('.lx-widget');
  const view = widget.querySelector('.lx-view');
  const handle = widget.querySelectorAll('.noUi-handle')[k];
  const before = view.innerHTML;
  const probe = window.__lxProbe = {t0: null, t1: null};
  handle.addEventListener('keydown', () => { probe.t0 = performance.now(); },
                          {capture: true, once: true});
  const observer = new MutationObserver(async () => {
    if (view.innerHTML === before || probe.t1 !== null) return;
    observer.disconnect();
    await Promise.all([...view.querySelectorAll('img')].map(i => i.decode().catch(() => null)));
    probe.t1 = performance.now();
  });
  observer.observe(view, {childList: true, subtree: true, characterData: true});
  handle.focus();
}"""


def time_jupyterlab(n_moves: int, pause_s: float) -> dict[str, dict[str, Times]]:
    session = _session_module()
    reason = session.why_not_runnable()
    if reason:
        print(f"JupyterLab part skipped: {reason}")
        return {}
    results: dict[str, dict[str, Times]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        notebook = Path(tmp) / "widgets.ipynb"
        _notebook(notebook)
        with session.lab_server({"widgets.ipynb": notebook}) as server, \
                session.chromium() as browser:
            lab = session.LabPage(browser, server)
            lab.start()
            lab.open("widgets.ipynb")
            lab.run_all()
            for name in EXPLORERS:
                results[name] = _time_explorer(lab, name, n_moves, pause_s)
                print(f"  {name}: done", flush=True)
            lab.close()
    return results


def _time_explorer(lab, name: str, n_moves: int, pause_s: float) -> dict[str, Times]:
    ex = build(name)
    cells = {p: lab.find_cell(f"s === {_widget_source(name, p)!r}") for p in PATHS}
    start = tuple(c.default_index for c in ex.controls.values())
    times = {p: Times() for p in PATHS}
    for k, step, _position, first in move_plan(ex.shape, start, n_moves):
        for p in PATHS:
            cell = lab.cell(cells[p])
            cell.locator(".lx-widget .noUi-handle").first.wait_for()
            cell.evaluate(_ARM_JS, k)
            lab.page.keyboard.press("ArrowRight" if step > 0 else "ArrowLeft")
            try:
                lab.page.wait_for_function("() => window.__lxProbe.t1 !== null",
                                           timeout=BROWSER_TIMEOUT_MS)
            except Exception:  # the output did not change (same frame) or never came
                print(f"    {name} {p}: no visible update for control {k}; move left out")
                continue
            t0, t1 = lab.page.evaluate("() => [window.__lxProbe.t0, window.__lxProbe.t1]")
            times[p].add(t1 - t0, first)
            time.sleep(pause_s)
    return times


# --- report ------------------------------------------------------------------------------------

def report(title: str, results: dict[str, dict[str, Times]], goal: bool) -> None:
    print(f"\n{title} [ms]")
    print(f"{'explorer':22s} {'moves':>5s}   {'site med':>8s} {'p95':>7s}   {'fast med':>8s} "
          f"{'p95':>7s} {'p95 new':>8s}   {'site/fast':>9s}" + ("   goal" if goal else ""))
    worst = 0.0
    for name, t in results.items():
        site, fast = t["site"], t["fast"]
        ratio = site.median() / fast.median() if fast.median() > 0 else float("inf")
        verdict = ""
        if goal and name == FLOOR:
            verdict = "   (reference: no work)"
        elif goal:
            ok = fast.p95() <= GOAL_P95_MS
            verdict = f"   {'met' if ok else 'MISSED'} (p95 ≤ {GOAL_P95_MS:g})"
            worst = max(worst, fast.p95())
        print(f"{name:22.22s} {len(fast.ms):5d}   {site.median():8.1f} {site.p95():7.1f}   "
              f"{fast.median():8.1f} {fast.p95():7.1f} {fast.p95(first_only=True):8.1f}   "
              f"{ratio:8.1f}x" + verdict)
    if goal and results:
        print(f"worst fast p95 of an explorer: {worst:.1f} ms (goal ≤ {GOAL_P95_MS:g} ms): "
              f"{'met' if worst <= GOAL_P95_MS else 'MISSED'}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=20, help="slider moves per explorer")
    parser.add_argument("--pause", type=float, default=0.3,
                        help="seconds between moves in the browser (the reader looks)")
    parser.add_argument("--python-only", action="store_true", help="skip JupyterLab")
    args = parser.parse_args(argv)

    print(f"{len(FACTORIES)} explorers and a floor, {args.moves} moves each, site and fast paths "
          "interleaved")
    report("Python: slider value set -> output updated",
           {name: time_python(name, args.moves) for name in EXPLORERS}, goal=False)
    computed = time_computed(rounds=max(2, args.moves // 5))
    print(f"\nComputed views in Python: typed field set -> output rewritten [ms] "
          f"(goal p95 ≤ {GOAL_P95_MS:g})")
    for name, ms in computed.items():
        p95 = float(np.percentile(ms, 95))
        print(f"{name:30s} {len(ms):5d} changes   median {statistics.median(ms):7.1f}   "
              f"p95 {p95:7.1f}   {'met' if p95 <= GOAL_P95_MS else 'MISSED'}")
    if not args.python_only:
        print("\nJupyterLab: starting the server and Chromium ...", flush=True)
        report("JupyterLab: key press on a slider -> output DOM changed, pictures decoded",
               time_jupyterlab(args.moves, args.pause), goal=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
