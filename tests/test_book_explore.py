"""The explorer mechanism (lessons.explore) and the plotting helpers (lessons.plots).

An explorer must show the same thing in Jupyter and on the static site: both views call the
same ``view`` function, and the site's script only looks frames up. These tests pin the frame
order the script relies on (row-major, last control fastest), the JSON it reads, and the
errors a chapter author gets for a bad explorer.
"""

import itertools
import json
import re

import matplotlib

matplotlib.use("Agg")

import pytest

from lessons import plots
from lessons.explore import (
    MAX_FRAMES,
    SITE_BUILD_ENV,
    Control,
    Explorer,
    format_number,
)


def _data(html):
    match = re.search(r'<script type="application/json" class="lx-data">(.*?)</script>', html,
                      re.S)
    assert match, "the twin carries its frames as JSON"
    return json.loads(match.group(1).replace("<\\/", "</"))


def _product_explorer():
    return Explorer(lambda a, b, c: {"value": f"{a}-{b}-{c}"},
                    {"a": Control("a [-]", ["x", "y"]),
                     "b": Control("b [-]", ["p", "q", "r"]),
                     "c": Control("c [-]", ["1", "2"], default="2")})


class TestFrames:
    def test_row_major_order_matches_the_script(self):
        """explorer.js computes flat = ((i_a)*n_b + i_b)*n_c + i_c; frames must follow it."""
        ex = _product_explorer()
        frames, index = ex.frames()
        combos = list(itertools.product(["x", "y"], ["p", "q", "r"], ["1", "2"]))
        for flat, (a, b, c) in enumerate(combos):
            assert f"{a}-{b}-{c}" in frames[index[flat]]
        # a column-major store would put y-p-1 second; reject it
        assert "x-p-2" in frames[index[1]]

    def test_identical_frames_are_stored_once(self):
        ex = Explorer(lambda a, b: {"a": a}, {"a": Control("a", [1, 2]),
                                             "b": Control("b", [1, 2, 3, 4])})
        frames, index = ex.frames()
        assert len(frames) == 2 and len(index) == 8

    def test_twin_json_and_default_frame(self):
        ex = _product_explorer()
        html = ex.html()
        data = _data(html)
        assert data["shape"] == [2, 3, 2]
        assert len(data["index"]) == 12
        # the frame shown before any script runs is the default setting (a=y, b=q, c=2)
        assert "y-q-2" in html.split('class="lx-view"')[1].split("</div>")[0]
        assert html.count('type="range"') == 3

    def test_json_cannot_close_its_script_tag(self):
        ex = Explorer(lambda a: "<b>hi</b></script><i>x</i>", {"a": Control("a", [1])})
        html = ex.html()
        body = html.split('class="lx-data">')[1]
        assert body.count("</script>") == 1, "a frame's </script> would end the JSON early"
        assert _data(html)["frames"][0].endswith("</script><i>x</i>")

    def test_figures_become_images(self):
        ex = Explorer(lambda k: plots.line([1, 2], {"y": [1, k]}, xlabel="x [-]", ylabel="y [-]"),
                      {"k": Control("k [-]", [1.0, 2.0])})
        frames, _ = ex.frames()
        assert len(frames) == 2
        assert all(f.startswith('<img class="lx-figure"') for f in frames)
        assert frames[0] != frames[1]


class TestBundle:
    def test_site_build_carries_the_full_twin_and_no_widget(self, monkeypatch):
        monkeypatch.setenv(SITE_BUILD_ENV, "1")
        bundle = _product_explorer()._repr_mimebundle_()
        assert _data(bundle["text/html"])["shape"] == [2, 3, 2]
        assert "application/vnd.jupyter.widget-view+json" not in bundle

    def test_jupyter_gets_the_widget_and_a_light_static_view(self, monkeypatch):
        monkeypatch.delenv(SITE_BUILD_ENV, raising=False)
        bundle = _product_explorer()._repr_mimebundle_()
        assert "application/vnd.jupyter.widget-view+json" in bundle
        assert "lx-data" not in bundle["text/html"], "no frames computed in a live session"
        assert "y-q-2" in bundle["text/html"]

    def test_the_static_view_shows_settings_as_the_page_does(self):
        """A slider's option names are HTML (10<sup>24</sup>) and stay so; a typed default of a
        computed view is text and is escaped."""
        from lessons.explore import ComputedView, Field, Output

        ex = Explorer(lambda c: {"v": c}, {"c": Control("C [FLOP]", [1e23, 1e24])})
        assert "C [FLOP] = 10<sup>24</sup>" in ex.static_html()  # the default: the last
        view = ComputedView("t.view", lambda x: {"values": {"y": 1.0}, "chart": None,
                                                 "warning": ""},
                            [Field("x", "x <1>", "a<b", ("a<b", "c"))], [Output("y", "y")])
        assert "x &lt;1&gt; = a&lt;b" in view.static_html()

    def test_the_sphinx_extension_sets_the_flag(self, monkeypatch):
        import importlib.util
        from pathlib import Path

        monkeypatch.delenv(SITE_BUILD_ENV, raising=False)
        path = Path(__file__).resolve().parents[1] / "book" / "_ext" / "lessons_site.py"
        spec = importlib.util.spec_from_file_location("lessons_site", path)
        ext = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(ext)
        assert ext.SITE_BUILD_ENV == SITE_BUILD_ENV
        ext.setup(None)
        assert __import__("os").environ[SITE_BUILD_ENV] == "1"

    def test_widget_recomputes_live(self):
        ex = _product_explorer()
        box = ex.widget()
        sliders = [w for w in box.children if hasattr(w, "options")]
        out = box.children[-1]
        assert "y-q-2" in out.value
        sliders[0].value = "x"
        assert "x-q-2" in out.value
        assert out.value == ex.frame(a="x")


class TestErrors:
    def test_bad_default(self):
        with pytest.raises(ValueError, match="not one of"):
            Control("a", [1, 2], default=3)

    def test_empty_control(self):
        with pytest.raises(ValueError, match="at least one value"):
            Control("a", [])

    def test_not_a_control(self):
        with pytest.raises(ValueError, match="must be a Control"):
            Explorer(lambda a: {}, {"a": [1, 2]})

    def test_too_many_frames(self):
        big = list(range(MAX_FRAMES + 1))
        with pytest.raises(ValueError, match="at most"):
            Explorer(lambda a: {}, {"a": Control("a", big)})

    def test_unknown_control(self):
        with pytest.raises(ValueError, match="unknown control"):
            _product_explorer().frame(z=1)

    def test_bad_view_result(self):
        with pytest.raises(ValueError, match="expected a dict"):
            Explorer(lambda a: 3, {"a": Control("a", [1])}).frames()


class TestFormat:
    @pytest.mark.parametrize(("x", "text"), [
        (7.2345e23, "7.23×10<sup>23</sup>"),
        (9.9999e5, "10<sup>6</sup>"),
        (1e21, "10<sup>21</sup>"),
        (-3e7, "-3×10<sup>7</sup>"),
        (505357.0, "5.05×10<sup>5</sup>"),
        (12345.0, "12,300"),
        (0.4, "0.4"),
        (1.0, "1"),
    ])
    def test_format_number(self, x, text):
        assert format_number(x) == text

    def test_jupyter_labels_are_plain_text(self):
        from lessons.explore.core import _plain
        assert _plain(format_number(7.23e23)) == "7.23e23"
        assert _plain(format_number(1e9)) == "1e9"


class TestPlots:
    def test_line_checks_shapes(self):
        with pytest.raises(ValueError, match="shape"):
            plots.line([1, 2, 3], {"y": [1, 2]}, xlabel="x", ylabel="y")

    def test_bars_log_axis_and_gaps(self):
        fig = plots.bars(["a", "b"], {"s": [1e3, float("nan")]}, xlabel="v [FLOP]", log=True)
        ax = fig.axes[0]
        assert ax.get_xscale() == "log"
        assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]

    def test_scatter_and_mark(self):
        fig = plots.scatter([1, 10], [2, 20], ["p", "q"], xlabel="x [-]", ylabel="y [-]",
                            logx=True)
        plots.mark(fig, 5, 5, "note")
        assert [t.get_text() for t in fig.axes[0].texts] == ["p", "q", "note"]


class TestChapterExplorers:
    def test_compute_explorer_shows_the_dense_peak_numbers(self):
        """FACTS §10: GPU-hours on the dense 989.4 TFLOP/s peak, never the sparse 1,979."""
        from lessons import flops, hardware, mfu
        from lessons.explore import compute_explorer

        html = compute_explorer().html()
        c = flops.training_flops(1e10, 1e13)
        dense = flops.gpu_hours(c, gpu="H100-SXM", mfu=0.4)
        sparse = mfu.training_time(
            c, 1, hardware.get_accelerator("H100-SXM").sparse_2to4_peak_flops["bf16"], 0.4,
            unit="hours")
        assert f'data-value="{dense!r}"' in html and format_number(dense) in html
        assert format_number(sparse) not in html
        assert format_number(c) in html

    def test_the_frame_explorers_left_need_a_fit_or_a_simulation(self):
        """Closed forms compute in the page; only fits, optimisations, simulations and
        measurements stay frames."""
        from lessons import explore

        frames = {name for name in explore.__all__ if name.endswith("_explorer")
                  and name not in {v.__name__ for v in explore.COMPUTED_VIEWS.values()}}
        assert frames == {
            "mup_explorer",             # numpy training runs
            "plan_range_explorer",      # a thousand bootstrap refits
            "noise_scale_explorer",     # measured on the course's model
            "cooldown_explorer",        # measured on the course's model
            "emergence_explorer",       # the course's measured scaling study
            "reconciliation_explorer",  # a power-law fit over each compute window
            "data_limits_explorer",     # a numerical optimisation of the data-constrained law
            "forecast_explorer",        # runs on the oracle and a fit of L(C)
        }


class TestComputedView:
    """The form the site computes in the page (lessons.explore.computed)."""

    @staticmethod
    def _view():
        from lessons.explore import ComputedView, Field, Output

        def twice(n, unit, double):
            if n < 0:
                raise ValueError(f"n must be >= 0; got {n!r}.")
            return {"values": {"value": (2 if double else 1) * n, "unit": unit},
                    "chart": None, "warning": "big" if n > 100 else ""}

        return ComputedView("demo.twice", twice, [
            Field("n", "n [-]", 2.0, slider=(1, 1000)),
            Field("unit", "Unit", "A100", ("A100", "B200"), style="radio"),
            Field("double", "Double it", True, (False, True), ("no", "yes")),
        ], [Output("value", "Value in {unit} [-]"), Output("unit", "Unit", "text")])

    def test_form_names_values_and_results(self):
        html = self._view().html()
        assert 'name="n"' in html and 'value="2"' in html
        assert 'type="radio" name="unit" value="A100" checked' in html
        assert '<option value="True" selected>yes</option>' in html, "option value = Python str"
        assert 'data-field="value" data-format="number" data-value="4.0">4</td>' in html
        assert "Value in A100 [-]" in html and 'data-label="Value in {unit} [-]"' in html
        spec = json.loads(re.search(r'class="lx-spec">(.*?)</script>', html).group(1))
        assert spec["view"] == "demo.twice"
        assert spec["fields"][2] == {"name": "double", "kind": "choice",
                                     "options": ["False", "True"], "types": ["bool", "bool"]}

    def test_warning_shown_only_when_there_is_one(self):
        view = self._view()
        assert 'class="lx-warning" role="status" hidden' in view.html()
        view.fields[0] = type(view.fields[0])("n", "n [-]", 200.0)
        assert 'role="status">big</div>' in view.html()

    def test_the_widget_recomputes_and_shows_pythons_refusal(self):
        box = self._view().widget()
        out = box.children[-1]
        number = box.children[0].children[0]
        assert ">4</td>" in out.value
        number.value = 21.0
        assert ">42</td>" in out.value
        number.value = -1.0
        assert "n must be &gt;= 0; got -1.0." in out.value

    def test_a_link_resets_the_field_it_follows(self):
        """The planner's price follows the accelerator in Jupyter as on the site."""
        from lessons.explore import ComputedView, Field, Output

        view = ComputedView("demo.price", lambda gpu, price: {
            "values": {"price": price}, "chart": None, "warning": ""}, [
            Field("gpu", "Accelerator", "A", ("A", "B")), Field("price", "Price [USD]", 1.0)],
            [Output("price", "Price [USD]")],
            links={"price": {"from": "gpu", "values": {"A": 1.0, "B": 7.5}}})
        box = view.widget()
        box.children[0].value = "B"
        assert box.children[1].value == 7.5 and ">7.5</td>" in box.children[-1].value

    def test_a_link_must_name_fields_it_has(self):
        from lessons.explore import ComputedView, Field

        with pytest.raises(ValueError, match="link"):
            ComputedView("demo.bad", lambda a: {}, [Field("a", "a", 1.0)], [],
                         links={"price": {"from": "gpu", "values": {}}})

    @pytest.mark.parametrize("name", [
        "batch.hyperparameter_view", "overtraining.ratio_view",
        "budgets.planner_view", "chinchilla.isoflop_view", "chinchilla.missizing_view",
        "flops.compute_view", "flops.days_view", "kaplan.kaplan_view", "mfu.mfu_view",
        "overtraining.lifetime_view", "returns.returns_view"])
    def test_every_field_of_every_view_changes_what_it_shows(self, name, planner_boot):
        """A field the view ignores would be a control that does nothing."""
        from lessons import explore

        factory = explore.COMPUTED_VIEWS[name]
        view = factory(planner_boot) if name.startswith("budgets") else factory()
        base = view.result()
        unchanged = []
        for f in view.fields:
            others = ([o for o in f.options if o != f.default] if f.is_choice else
                      [f.default * 3 if f.name != "mfu" else 0.6])
            settings = {}
            if f.when:  # a field shown only with another setting is tested with that setting
                settings[f.when[0]] = f.when[1][0]
            base_then = view.result(**settings) if settings else base
            for other in others:  # the first other value that the view accepts
                try:
                    changed = view.result(**settings, **{f.name: other})
                except ValueError:  # e.g. an accelerator with no BF16 peak
                    continue
                if changed == base_then:
                    unchanged.append(f.name)
                break
            else:
                unchanged.append(f"{f.name} (no other value accepted)")
        assert not unchanged, f"{name}: fields with no effect: {unchanged}"


@pytest.fixture(scope="module")
def planner_boot():
    from lessons import data, fitting

    p = data.load_chinchilla_points()
    return fitting.bootstrap(p.n_params, p.n_tokens, p.loss, n_resamples=40,
                             start="besiroglu2024")
