"""The live widget's fast path (Explorer.live_frame, lessons._livefigure) draws what the site does.

The live path updates one persistent figure instead of drawing each new one, so its risk is a
stale or misplaced artist: a title, a curve or a bar left from the previous setting, or drawn
in the other figure's coordinates. These tests draw the same settings both ways and compare
the pictures pixel by pixel, so any state that is not carried over shows as a difference.
"""

import asyncio
import io
import itertools

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from PIL import Image

from lessons import plots
from lessons._livefigure import LiveFigure
from lessons.explore import Control, Explorer
from lessons.explore.core import _flatten


def _drawing(png: bytes) -> np.ndarray:
    """The grey levels of a picture cropped to what is drawn (white margins removed)."""
    grey = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)
    rows = np.flatnonzero((grey < 250).any(axis=1))
    cols = np.flatnonzero((grey < 250).any(axis=0))
    return grey[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


def _tight_png(fig) -> bytes:
    """The figure as the site draws it, before its page-weight quantisation."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    return buf.getvalue()


def _figure_of(result):
    return next(part for part in _flatten(result) if hasattr(part, "savefig"))


def _histogram_explorer():
    """A stand-in for the plan-range explorer (bars and a marked value), without its data."""
    rng = np.random.default_rng(0)
    samples = {k: rng.lognormal(k, 0.5, 300) for k in (1, 2, 3)}
    return Explorer(lambda k: plots.histogram(samples[k], xlabel="v [-]", logx=True,
                                              marks={"median": float(np.median(samples[k]))},
                                              title=f"samples {k}"),
                    {"k": Control("k [-]", [1, 2, 3])})


def _lines_explorer():
    """Log-log lines whose ranges change with the setting, with a marked point and a table:
    what the chapters' remaining frame explorers draw (the μP sweeps), without the training."""
    x = np.logspace(0, 6, 30)

    def view(k, mfu):
        fig = plots.line(x, {f"k = {k}": x**-0.5 * k, "floor": np.full_like(x, 0.5 * k)},
                         xlabel="x [-]", ylabel="y [-]", logx=True, logy=True,
                         styles={"floor": "--"}, title=f"k = {k}, mfu = {mfu}")
        plots.mark(fig, 100.0, 0.1 * k, f"{k}")
        return fig, {"k": k, "mfu": mfu}

    return Explorer(view, {"k": Control("k [-]", [1.0, 1.5, 2.0, 2.5]),
                           "mfu": Control("MFU [fraction]", [0.3, 0.4, 0.5])})


def _table_explorer():
    return Explorer(lambda n, mfu: {"6N [FLOP/token]": 6 * n, "MFU [fraction]": mfu},
                    {"n": Control("N [parameters]", [1e9, 1e10]),
                     "mfu": Control("MFU [fraction]", [0.3, 0.4])})


EXPLORERS = {
    "lines": _lines_explorer,
    "histogram": _histogram_explorer,
}


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_live_figures_match_the_site_drawing(name):
    """Several settings in a row through one persistent figure, each compared with a fresh
    drawing of the same setting; with a stale artist about 5 % of the pixels differ."""
    ex = EXPLORERS[name]()
    live = LiveFigure(dpi=ex.dpi)
    combos = list(itertools.product(*(c.values for c in ex.controls.values())))[::2][:5]
    for combo in combos:
        values = dict(zip(ex.controls, combo, strict=True))
        expected = _drawing(_tight_png(_figure_of(ex.view(**values))))
        shown = _drawing(live.png(_figure_of(ex.view(**values))))
        assert shown.shape == expected.shape, (values, shown.shape, expected.shape)
        differing = np.mean(np.abs(shown - expected) > 64)
        assert differing < 0.001, f"{name} {values}: {differing:.1%} of the pixels differ"
    assert live.n_adopted == 1, "every setting should reuse the first figure"


def test_a_figure_with_other_artists_replaces_the_persistent_one():
    live = LiveFigure(dpi=50)
    live.png(plots.line([1, 2], {"a": [1, 2]}, xlabel="x [-]", ylabel="y [-]"))
    two_lines = plots.line([1, 2], {"a": [1, 2], "b": [2, 1]}, xlabel="x [-]", ylabel="y [-]")
    live.png(two_lines)
    assert live.n_adopted == 2 and live.figure is two_lines


def test_a_longer_title_widens_the_frame():
    """The layout is fixed when a figure is adopted; a text that outgrows it is not cut."""
    live = LiveFigure(dpi=50)
    short = live.png(plots.line([1, 2], {"a": [1, 2]}, xlabel="x [-]", ylabel="y [-]",
                                title="short"))
    long_title = "a title far longer than the axes are wide, which must not be cut " * 2
    wide = live.png(plots.line([1, 2], {"a": [1, 2]}, xlabel="x [-]", ylabel="y [-]",
                               title=long_title))
    assert Image.open(io.BytesIO(wide)).width > Image.open(io.BytesIO(short)).width
    assert live.n_adopted == 1


def test_a_title_keeps_its_own_font():
    live = LiveFigure(dpi=50)
    for text in ("first", "second"):
        fig = plots.line([1, 2], {"a": [1, 2]}, xlabel="x [-]", ylabel="y [-]")
        fig.axes[0].set_title(text, fontsize=7)
        live.png(fig)
    title = live.figure.axes[0].title
    assert (title.get_text(), title.get_fontsize()) == ("second", 7)


class TestLiveFrame:
    def test_tables_are_the_sites(self):
        ex = _table_explorer()
        assert ex.live_frame(mfu=0.3) == ex.frame(mfu=0.3)

    def test_a_setting_seen_before_is_not_recomputed(self):
        calls = []

        def view(a):
            calls.append(a)
            return {"a": a}

        ex = Explorer(view, {"a": Control("a [-]", [1, 2])})
        first = ex.live_frame(a=1)
        ex.live_frame(a=2)
        assert ex.live_frame(a=1) == first
        assert calls == [1, 2]

    def test_unknown_control(self):
        with pytest.raises(ValueError, match="unknown control"):
            _table_explorer().live_frame(z=1)

    def test_the_widget_uses_the_fast_path_unless_told_not_to(self):
        ex = _lines_explorer()
        fast = ex.widget()
        slow = ex.widget(fast=False)
        assert fast.children[-1].value == ex.live_frame()
        assert slow.children[-1].value == ex.frame()
        assert "lx-widget" in fast._dom_classes and "lx-view" in fast.children[-1]._dom_classes


class TestWarmUp:
    """In a kernel, an idle live widget draws the settings one step away ahead of the reader."""

    @staticmethod
    def _recording_explorer(calls):
        def view(a, b):
            calls.append((a, b))
            return {"a": a, "b": b}

        return Explorer(view, {"a": Control("a [-]", [1, 2, 3, 4, 5]),
                               "b": Control("b [-]", ["x", "y"])})  # defaults a=3, b="y"

    def test_neighbours_are_drawn_while_idle_and_then_looked_up(self):
        calls = []
        ex = self._recording_explorer(calls)

        async def session():
            box = ex.widget()
            await asyncio.sleep(0.3)  # the kernel is idle: the event loop runs the warm-up
            assert set(calls) == {(3, "y"), (4, "y"), (2, "y"), (3, "x")}
            box.children[0].value = 4  # slider a (no title): a step the warm-up drew
            assert calls[-1] != (4, "y") and len(calls) == 4, "a drawn setting was redrawn"
            await asyncio.sleep(0.3)
            assert calls[4] == (5, "y"), "the moved slider's next step comes first"

        asyncio.run(session())

    def test_without_an_event_loop_only_the_shown_setting_is_drawn(self):
        calls = []
        self._recording_explorer(calls).widget()
        assert calls == [(3, "y")]

    def test_the_site_path_draws_nothing_ahead(self):
        calls = []
        ex = self._recording_explorer(calls)

        async def session():
            ex.widget(fast=False)
            await asyncio.sleep(0.3)

        asyncio.run(session())
        assert calls == [(3, "y")]
