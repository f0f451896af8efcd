"""Benchmark: how long a computed view takes to update in the page, for every view of the site.

Every view that computes in the page (``lessons.explore.COMPUTED_VIEWS``) is loaded from the built
site (``_build/html``, served on 127.0.0.1) in Debian's headless Chromium, and each of its typed
fields is changed in turn, ``--rounds`` times (a number is multiplied by 1.5, then by 1/1.5 the
next round, so values stay in range; the price field that follows the accelerator is left
alone). Two times per change [ms]:

* **script**: from reading the form to the results and chart written into the page, as the view
  measures itself (``data-lx-ms``, ``performance.now()`` around the update);
* **with layout**: from the field's ``input`` event until the page's layout has been redone with
  the new results (read back synchronously), so the style and layout work of the update is
  included; painting is left out, and so is the wait for the screen's next refresh.

Each field is changed once before timing starts, so that the browser has compiled the code.

Prints median and 95th percentile of each, per view, and the goal: every view's script p95
under 16 ms, one frame at 60 Hz. Timings depend on the machine (the goal was set for 2 cores);
they are printed, never asserted.

    python bench/inpage.py [--rounds N]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import re
import statistics
import sys
import threading
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
CHROMIUM = "/usr/bin/chromium"
GOAL_MS = 16.0

#: In the page: change one field of one view, and time the update and the next frame.
_CHANGE_JS = """async ([view, name, factor]) => {
  const root = document.querySelector(`.lx-computed[data-lx-view="${view}"]`);
  const field = root.querySelector(`[name="${name}"]`);
  if (field.tagName === "SELECT") {
    const options = [...field.options].filter(o => !o.disabled);
    field.value = options[(options.findIndex(o => o.value === field.value) + 1) % options.length].value;
  } else if (field.type === "radio") {
    const radios = [...root.querySelectorAll(`input[name="${name}"]`)];
    const next = radios[(radios.findIndex(r => r.checked) + 1) % radios.length];
    next.checked = true;
  } else {
    field.value = String(Number(field.value.replace(/,/g, "")) * factor);
  }
  const t0 = performance.now();
  const target = field.type === "radio" ? root.querySelector(`input[name="${name}"]:checked`) : field;
  target.dispatchEvent(new Event(field.tagName === "INPUT" && field.type === "text" ? "input" : "change",
                                 {bubbles: true}));
  const script = Number(root.dataset.lxMs);
  root.getBoundingClientRect();  // forces style and layout of the new results now
  document.body.offsetHeight;
  return [script, performance.now() - t0, !root.querySelector(".lx-error").hidden];
}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _serve(site: Path):
    handler = functools.partial(_Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def _views(site: Path) -> dict[str, str]:
    """Each computed view's page: view name -> page path."""
    found = {}
    for page in sorted((site / "book").glob("*.html")):
        for view in re.findall(r'data-lx-view="([^"]+)"', page.read_text()):
            found.setdefault(view, page.relative_to(site).as_posix())
    return found


def measure(rounds: int) -> dict[str, dict[str, list[float]]]:
    from playwright.sync_api import sync_playwright

    httpd = _serve(SITE)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    results = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for view, path in _views(SITE).items():
            page.goto(f"{base}/{path}", wait_until="networkidle")
            names = page.evaluate("""(view) => JSON.parse(document.querySelector(
                `.lx-computed[data-lx-view="${view}"] script.lx-spec`).textContent)
                .fields.map(f => f.name)""", view)
            page.locator(f'.lx-computed[data-lx-view="{view}"]').scroll_into_view_if_needed()
            script, frame, refused = [], [], 0
            for name in names:  # warm-up: not timed
                if name != "price_per_hour":
                    page.evaluate(_CHANGE_JS, [view, name, 1.0])
            for r in range(rounds):
                for name in names:
                    if name == "price_per_hour" or (name == "target" and r % 2):
                        continue
                    s, f, error = page.evaluate(_CHANGE_JS, [view, name, 1.5 if r % 2 == 0
                                                             else 1 / 1.5])
                    script.append(s)
                    frame.append(f)
                    refused += error
            results[view] = {"script": script, "frame": frame, "refused": refused}
        browser.close()
    httpd.shutdown()
    return results


def report(results) -> int:
    print(f"\nIn-page update time [ms] (goal: script p95 < {GOAL_MS:g} ms, one frame)")
    print(f"{'view':30s} {'changes':>7s}   {'script med':>10s} {'p95':>6s}   "
          f"{'with layout med':>15s} {'p95':>6s}   goal")
    worst = 0.0
    for view, r in results.items():
        s95 = float(np.percentile(r["script"], 95))
        f95 = float(np.percentile(r["frame"], 95))
        worst = max(worst, s95)
        note = f" ({r['refused']} refused inputs)" if r["refused"] else ""
        print(f"{view:30s} {len(r['script']):7d}   {statistics.median(r['script']):10.1f} "
              f"{s95:6.1f}   {statistics.median(r['frame']):15.1f} {f95:6.1f}   "
              f"{'met' if s95 < GOAL_MS else 'MISSED'}{note}")
    print(f"worst script p95: {worst:.1f} ms (goal < {GOAL_MS:g} ms): "
          f"{'met' if worst < GOAL_MS else 'MISSED'}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=12,
                        help="times each field of each view is changed")
    args = parser.parse_args(argv)
    if not (SITE / "index.html").exists():
        print("no built site in _build/html: run the README's build first", file=sys.stderr)
        return 1
    if not Path(CHROMIUM).exists():
        print(f"no Chromium at {CHROMIUM}: apt-get install chromium", file=sys.stderr)
        return 1
    return report(measure(args.rounds))


if __name__ == "__main__":
    raise SystemExit(main())
