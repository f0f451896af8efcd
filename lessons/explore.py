"""Explorers: one display object that is a live widget in Jupyter and still reacts on the static site.

An :class:`Explorer` holds no math. It is a *view* over a function of the course (``view``) and
a few :class:`Control` s, each with a short list of values:

* in Jupyter, ``display(explorer)`` shows ipywidgets sliders; moving one calls ``view`` live
  (figures are drawn through one persistent figure, settings already shown are kept, and the
  settings one step away are drawn while the kernel is idle: see :meth:`Explorer.live_frame`);
* on the static site there is no kernel, so the same object also carries an HTML twin: every
  combination of control values is computed **in Python** when the page is built, and a small
  script (``book/_static/explorer.js``) only switches between those stored frames. No formula is
  ever written in JavaScript, so nothing has to be kept in sync by hand.

Both views travel in one ``_repr_mimebundle_``; the book's ``nb_mime_priority_overrides`` tells
myst-nb to render the HTML twin for the site, while Jupyter renders the widget. Precomputing
every frame takes seconds, so it happens only where it is needed: when the site is built
(the book's Sphinx extension sets ``LESSONS_SITE_BUILD=1`` for the kernels it starts), the
bundle carries the full twin and no widget; in a Jupyter session it carries the live widget
and, for viewers without a kernel (nbviewer, GitHub), the default frame as static HTML.

``view(**values)`` returns what to show for one setting of the controls:

* a ``dict`` of label -> value, shown as a table (floats are formatted, strings escaped);
* a matplotlib ``Figure``, shown as an image;
* a ``str`` of HTML;
* or a tuple of these, shown one after the other.

Examples
--------
>>> ex = Explorer(lambda n: {"twice n": 2 * n}, {"n": Control("n", [1.0, 2.0, 3.0])})
>>> ex.n_frames
3
>>> "6" in ex.frame(n=3.0)
True
"""

from __future__ import annotations

import asyncio
import base64
import html
import io
import itertools
import json
import math
import os
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["MAX_FRAMES", "Control", "Explorer", "compute_explorer", "days_explorer",
           "format_number"]

#: Upper bound on stored frames per explorer: keeps each page well under its weight budget.
MAX_FRAMES = 1000

#: Settings a live widget keeps drawn (a figure frame is ~50 kB of HTML).
LIVE_CACHE_SIZE = 256
#: Pause before a live widget draws the next neighbouring setting [s]: lets waiting
#: messages (a slider move) go first.
WARM_PAUSE_S = 0.01

#: The CSS class the site's script looks for.
CSS_CLASS = "lessons-explorer"

#: Set (to "1") by book/_ext/lessons_site.py in the kernels that build the static site.
SITE_BUILD_ENV = "LESSONS_SITE_BUILD"


def format_number(x, digits: int = 3) -> str:
    """Format a number for a reader: plain below 10^5, scientific (HTML superscript) above.

    Parameters
    ----------
    x : float
        The value [any unit].
    digits : int
        Significant digits.

    Returns
    -------
    str
        HTML text, e.g. ``'7.23×10<sup>23</sup>'`` or ``'12,300'``.

    Examples
    --------
    >>> format_number(7.2345e23)
    '7.23×10<sup>23</sup>'
    >>> format_number(1e21)
    '10<sup>21</sup>'
    >>> format_number(12345.0)
    '12,300'
    >>> format_number(0.4)
    '0.4'
    """
    x = float(x)
    if x == 0 or not math.isfinite(x):
        return html.escape(str(x))
    exponent = math.floor(math.log10(abs(x)))
    if -3 <= exponent < 5:
        rounded = float(f"{x:.{digits}g}")
        if rounded == int(rounded) and abs(rounded) >= 1:
            return f"{int(rounded):,}"
        return f"{rounded:g}"
    mantissa = f"{x / 10**exponent:.{digits}g}"
    if mantissa.lstrip("-").startswith("10"):  # rounding carried over, e.g. 9.999e5 -> 10
        exponent += 1
        mantissa = f"{x / 10**exponent:.{digits}g}"
    if mantissa in ("1", "-1"):
        return f"{mantissa.replace('1', '')}10<sup>{exponent}</sup>"
    return f"{mantissa}×10<sup>{exponent}</sup>"


@dataclass(frozen=True)
class Control:
    """One slider: a label and the values it steps through.

    Attributes
    ----------
    label : str
        What the reader sees, with the unit in brackets, e.g. ``"MFU [fraction]"``.
    values : sequence
        The values, in slider order (numbers or strings).
    default : object
        The starting value (must be one of ``values``); the middle value if omitted.
    names : sequence of str
        How each value is shown next to the slider; formatted numbers if omitted.
    """

    label: str
    values: Sequence
    default: object = None
    names: Sequence[str] = field(default=())

    def __post_init__(self) -> None:
        values = tuple(self.values)
        if not values:
            raise ValueError(f"Control {self.label!r} needs at least one value.")
        object.__setattr__(self, "values", values)
        if self.default is None:
            object.__setattr__(self, "default", values[len(values) // 2])
        elif self.default not in values:
            raise ValueError(f"Control {self.label!r}: default {self.default!r} is not one of "
                             f"its values {values!r}.")
        names = tuple(self.names) or tuple(
            v if isinstance(v, str) else format_number(v) for v in values)
        if len(names) != len(values):
            raise ValueError(f"Control {self.label!r}: {len(names)} names for "
                             f"{len(values)} values.")
        object.__setattr__(self, "names", names)

    @property
    def default_index(self) -> int:
        return self.values.index(self.default)


def _figure_html(fig, dpi: int) -> str:
    """The site's image of a figure: tight, and quantised for the page's weight."""
    import matplotlib.pyplot as plt
    from PIL import Image

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    # A 64-colour palette keeps line plots sharp at a fifth of the bytes (page weight budget).
    small = io.BytesIO()
    Image.open(io.BytesIO(buf.getvalue())).convert("RGB").quantize(colors=64).save(
        small, format="PNG", optimize=True)
    return _img_html(small.getvalue())


def _img_html(png: bytes) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img class="lx-figure" alt="figure" src="data:image/png;base64,{data}">'


def _neighbours(controls: Mapping[str, Control], settings: Mapping, moved: str | None,
                step: int) -> Iterator[dict]:
    """Settings one slider step away from ``settings``: the ``moved`` control's ``step``
    first, then its other side, then every other control's two sides."""
    order = sorted(controls, key=lambda name: name != moved)
    for name in order:
        values = controls[name].values
        here = values.index(settings[name])
        for delta in ((step, -step) if name == moved else (1, -1)):
            if 0 <= here + delta < len(values):
                yield {**settings, name: values[here + delta]}


def _flatten(result) -> Iterator:
    """The parts of a ``view`` result in order (tuples may nest)."""
    if isinstance(result, tuple):
        for part in result:
            yield from _flatten(part)
    else:
        yield result


def _table_html(rows: Mapping) -> str:
    body = []
    for key, value in rows.items():
        if isinstance(value, str):
            shown = html.escape(value)
        else:
            shown = format_number(value)
        body.append(f"<tr><th scope=\"row\">{html.escape(str(key))}</th><td>{shown}</td></tr>")
    return '<table class="lx-table">' + "".join(body) + "</table>"


class Explorer:
    """A widget in Jupyter and a kernel-free, precomputed twin on the static site.

    Parameters
    ----------
    view : callable
        ``view(**values)`` -> dict, matplotlib Figure, HTML str, or a tuple of these.
        It should only call :mod:`lessons` functions: the explorer adds no math.
    controls : mapping
        Keyword name of ``view`` -> :class:`Control`.
    title : str
        A caption shown above the controls.
    dpi : int
        Resolution of figures in the site's frames [dots per inch].

    Examples
    --------
    >>> ex = Explorer(lambda a, b: {"a·b": a * b},
    ...               {"a": Control("a", [1, 2]), "b": Control("b", [10, 20, 30])})
    >>> ex.shape, ex.n_frames
    ((2, 3), 6)
    >>> bundle = ex._repr_mimebundle_()
    >>> "text/html" in bundle and "text/plain" in bundle
    True
    >>> "lessons-explorer" in ex.html() and "lx-data" in ex.html()
    True
    """

    def __init__(self, view: Callable, controls: Mapping[str, Control], *, title: str = "",
                 dpi: int = 100) -> None:
        if not controls:
            raise ValueError("Explorer needs at least one Control.")
        for name, control in controls.items():
            if not isinstance(control, Control):
                raise ValueError(f"controls[{name!r}] must be a Control; got {control!r}.")
        self.view = view
        self.controls = dict(controls)
        self.title = title
        self.dpi = dpi
        if self.n_frames > MAX_FRAMES:
            raise ValueError(f"{self.n_frames} combinations of control values; at most "
                             f"{MAX_FRAMES} are stored. Use fewer values per control.")
        self._frames: tuple[list[str], list[int]] | None = None
        self._live_figures: list = []  # a LiveFigure per figure position of view's result
        self._live_cache: OrderedDict[tuple, str] = OrderedDict()
        self._warm_generation = 0

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(c.values) for c in self.controls.values())

    @property
    def n_frames(self) -> int:
        return math.prod(self.shape)

    def render(self, result) -> str:
        """HTML for one result of ``view``, figures as the site shows them."""
        return self._render(result, lambda fig, _position: _figure_html(fig, self.dpi))

    def _render(self, result, figure_html: Callable) -> str:
        """HTML for ``result``; ``figure_html(figure, position)`` renders the position-th figure."""
        parts = list(_flatten(result))
        html_parts, n_figures = [], 0
        for part in parts:
            if isinstance(part, Mapping):
                html_parts.append(_table_html(part))
            elif isinstance(part, str):
                html_parts.append(part)
            elif hasattr(part, "savefig"):
                html_parts.append(figure_html(part, n_figures))
                n_figures += 1
            else:
                raise ValueError(f"view returned {type(part).__name__}; expected a dict, a "
                                 "matplotlib Figure, an HTML string or a tuple of these.")
        return "".join(html_parts)

    def frame(self, **values) -> str:
        """HTML shown for one setting of the controls (missing ones take their default)."""
        return self.render(self.view(**self._settings(values)))

    def live_frame(self, **values) -> str:
        """What :meth:`frame` shows, drawn for a live widget: figures through persistent
        figures (:class:`lessons._livefigure.LiveFigure`), and every setting already shown
        kept, so returning to it costs a look-up.

        The tables are the same as :meth:`frame`'s; a figure is the same drawing as a lightly
        compressed, unquantised PNG with a stable size.
        """
        settings = self._settings(values)
        key = tuple(settings.values())
        if key in self._live_cache:
            self._live_cache.move_to_end(key)
            return self._live_cache[key]
        text = self._render(self.view(**settings), self._live_figure_html)
        self._live_cache[key] = text
        if len(self._live_cache) > LIVE_CACHE_SIZE:
            self._live_cache.popitem(last=False)
        return text

    def _warm_neighbours(self, settings: Mapping, moved: str | None = None,
                         step: int = 1) -> None:
        """Draw the settings one slider step away from ``settings`` while the kernel is idle,
        the moved slider's next step first, so that the reader's next move is usually a
        look-up. One setting per turn of the kernel's event loop, so a slider message waits
        for one drawing at most; a newer call drops what an older one had left. Without a
        running event loop (plain Python, no kernel) it does nothing."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._warm_generation += 1
        generation = self._warm_generation
        todo = deque(_neighbours(self.controls, settings, moved, step))

        def draw_next():
            if generation != self._warm_generation:
                return  # the reader has moved on
            while todo:
                candidate = todo.popleft()
                if tuple(candidate.values()) not in self._live_cache:
                    try:
                        self.live_frame(**candidate)
                    except Exception:  # the reader sees the error if they go there
                        return
                    break
            if todo:
                loop.call_later(WARM_PAUSE_S, draw_next)

        loop.call_later(WARM_PAUSE_S, draw_next)

    def _live_figure_html(self, fig, position: int) -> str:
        from ._livefigure import LiveFigure  # matplotlib only once a figure is drawn

        while len(self._live_figures) <= position:
            self._live_figures.append(LiveFigure(self.dpi))
        return _img_html(self._live_figures[position].png(fig))

    def _settings(self, values: Mapping) -> dict:
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(f"unknown control(s) {sorted(unknown)}; "
                             f"expected {list(self.controls)}.")
        return {name: values.get(name, c.default) for name, c in self.controls.items()}

    def frames(self) -> tuple[list[str], list[int]]:
        """All frames, deduplicated: (unique HTML frames, frame number of each combination).

        Combinations are in row-major order of the controls (the last control varies fastest),
        the order ``explorer.js`` uses to look a frame up.
        """
        if self._frames is None:
            unique: dict[str, int] = {}
            index = []
            names = list(self.controls)
            for combo in itertools.product(*(c.values for c in self.controls.values())):
                text = self.frame(**dict(zip(names, combo, strict=True)))
                index.append(unique.setdefault(text, len(unique)))
            self._frames = (list(unique), index)
        return self._frames

    def html(self) -> str:
        """The kernel-free twin: sliders, the default frame, and every frame as JSON."""
        frames, index = self.frames()
        uid = "lx-" + uuid.uuid4().hex[:10]
        rows = []
        for k, (name, c) in enumerate(self.controls.items()):
            rows.append(
                f'<label class="lx-control"><span class="lx-label">{html.escape(c.label)}</span>'
                f'<input type="range" min="0" max="{len(c.values) - 1}" step="1" '
                f'value="{c.default_index}" data-control="{k}" aria-label="{html.escape(c.label)}" '
                f'name="{html.escape(name)}">'
                f'<output class="lx-value">{c.names[c.default_index]}</output></label>')
        default = frames[index[self._flat([c.default_index for c in self.controls.values()])]]
        data = json.dumps({"shape": list(self.shape), "index": index, "frames": frames,
                           "names": [list(c.names) for c in self.controls.values()]},
                          separators=(",", ":"))
        data = data.replace("</", "<\\/")  # keep the JSON from closing its script tag
        title = f'<div class="lx-title">{html.escape(self.title)}</div>' if self.title else ""
        return (f'<div class="{CSS_CLASS}" id="{uid}">{title}'
                f'<div class="lx-controls">{"".join(rows)}</div>'
                f'<div class="lx-view" aria-live="polite">{default}</div>'
                f'<script type="application/json" class="lx-data">{data}</script></div>')

    def _flat(self, indices: Sequence[int]) -> int:
        flat = 0
        for i, n in zip(indices, self.shape, strict=True):
            flat = flat * n + i
        return flat

    def widget(self, *, fast: bool = True):
        """The Jupyter view: one ipywidgets slider per control, recomputed live.

        Parameters
        ----------
        fast : bool
            Draw each setting with :meth:`live_frame` and, while the kernel is idle, the
            settings one slider step away (the default); ``False`` draws each setting as the
            static site does, with :meth:`frame`, to measure the difference
            (``bench/widgets.py``).

        The box carries the CSS class ``lx-widget`` and its output ``lx-view``.
        """
        import ipywidgets as widgets

        draw = self.live_frame if fast else self.frame

        sliders = {
            name: widgets.SelectionSlider(
                options=[(_plain(n), v) for n, v in zip(c.names, c.values, strict=True)],
                value=c.default, description=c.label, continuous_update=False,
                style={"description_width": "initial"}, layout={"width": "95%"})
            for name, c in self.controls.items()
        }
        out = widgets.HTML(value=draw()).add_class("lx-view")
        names = {id(s): name for name, s in sliders.items()}

        def update(change):
            settings = {n: s.value for n, s in sliders.items()}
            out.value = draw(**settings)
            if fast:
                moved = names[id(change["owner"])]
                values = self.controls[moved].values
                step = values.index(change["new"]) - values.index(change["old"])
                self._warm_neighbours(settings, moved, 1 if step > 0 else -1)

        for s in sliders.values():
            s.observe(update, names="value")
        if fast:
            self._warm_neighbours(self._settings({}))
        parts = [widgets.HTML(f"<b>{html.escape(self.title)}</b>")] if self.title else []
        return widgets.VBox([*parts, *sliders.values(), out]).add_class("lx-widget")

    def static_html(self) -> str:
        """The default frame alone, for notebook viewers without a kernel or a script."""
        title = f'<div class="lx-title">{html.escape(self.title)}</div>' if self.title else ""
        settings = ", ".join(f"{html.escape(c.label)} = {c.names[c.default_index]}"
                             for c in self.controls.values())
        return (f'<div class="{CSS_CLASS} lx-static">{title}<div class="lx-settings">'
                f'{settings}</div><div class="lx-view">{self.frame()}</div></div>')

    def _repr_mimebundle_(self, include=None, exclude=None):
        plain = f"<Explorer {self.title or ''}: {', '.join(self.controls)}>"
        if os.environ.get(SITE_BUILD_ENV):
            return {"text/plain": plain, "text/html": self.html()}
        bundle = {"text/plain": plain, "text/html": self.static_html()}
        try:
            view = self.widget()._repr_mimebundle_()
        except Exception:  # no ipywidgets or no kernel: the static view still shows
            view = None
        for mime, value in (view or {}).items():
            if mime != "text/plain":
                bundle[mime] = value
        return bundle


def _plain(name: str) -> str:
    """Slider labels in Jupyter are plain text: ``7×10<sup>23</sup>`` -> ``7e23``, ``10<sup>9</sup>``
    -> ``1e9``."""
    if name.lstrip("-").startswith("10<sup>"):
        name = name.replace("10<sup>", "1×10<sup>", 1)
    return name.replace("×10<sup>", "e").replace("</sup>", "")


# --- The explorers of the chapters ------------------------------------------------------------
# Each factory only wires controls to functions of the course; the numbers come from those
# functions, so the explorer shows exactly what the tests check.

#: Slider grids (1-3-10 steps) and the cluster sizes the FLOPs explorer reports [count].
_PARAM_GRID = (1e9, 3e9, 1e10, 3e10, 1e11, 3e11, 1e12)
_TOKEN_GRID = (1e11, 3e11, 1e12, 3e12, 1e13, 3e13)
_MFU_GRID = (0.2, 0.3, 0.4, 0.5, 0.6)
_CLUSTERS = (1024, 16384)


def compute_explorer(gpu: str = "H100-SXM") -> Explorer:
    """Model size × training tokens × MFU -> compute, PF-days, GPU-hours and days.

    Taught in the chapter *FLOPs, GPU-hours and PF-days*. Every number comes from
    :mod:`lessons.flops` (6ND, PF-days, device-hours and wall-clock days on the **dense** peak
    of ``gpu``).

    Parameters
    ----------
    gpu : str
        A key of :data:`lessons.hardware.ACCELERATORS` [name].

    Returns
    -------
    Explorer
        Three sliders: parameters [parameters], tokens [tokens], MFU [fraction].

    Examples
    --------
    >>> ex = compute_explorer()
    >>> ex.shape
    (7, 6, 5)
    >>> "H100-SXM-hours" in ex.frame()
    True
    """
    from . import flops, hardware, overtraining

    hardware.get_accelerator(gpu)  # refuse an unknown name now, not inside the first frame

    def view(n_params, n_tokens, mfu):
        c = flops.training_flops(n_params, n_tokens)
        rows = {
            "Training compute C = 6ND [FLOP]": c,
            "Compute [PF-days]": flops.to_pf_days(c),
            "Tokens per parameter D/N": overtraining.tokens_per_param(n_params, n_tokens),
            f"{gpu}-hours at this MFU [device-hours]": flops.gpu_hours(c, gpu=gpu, mfu=mfu),
        }
        for n in _CLUSTERS:
            rows[f"Days on {n:,} × {gpu} [days]"] = flops.wall_clock_days(c, n, gpu=gpu, mfu=mfu)
        return rows

    return Explorer(view, {
        "n_params": Control("Parameters N [parameters]", _PARAM_GRID, default=1e10),
        "n_tokens": Control("Training tokens D [tokens]", _TOKEN_GRID, default=1e13),
        "mfu": Control("MFU [fraction]", _MFU_GRID, default=0.4),
    }, title=f"Training cost on {gpu} (dense BF16 peak)")


#: Published runs drawn in the days-versus-devices explorer (keys of lessons.models.MODELS).
_DAYS_RUNS = ("Llama 3 8B", "Chinchilla", "Llama 3 70B", "Llama 3.1 405B")
_DAYS_MFU_GRID = (0.3, 0.4, 0.5)  # each frame is a figure: few frames keep the build fast
_DEVICE_GRID = (64, 256, 1024, 4096, 16384, 65536)
_GPUS = ("A100", "H100-SXM", "B200")


def days_explorer(runs=_DAYS_RUNS) -> Explorer:
    """Wall-clock days versus cluster size for published runs, by accelerator and MFU.

    Taught in the chapter *FLOPs, GPU-hours and PF-days*. Compute is 6ND of each run
    (:func:`lessons.flops.training_flops`), time is :func:`lessons.flops.wall_clock_days`.

    Parameters
    ----------
    runs : sequence of str
        Keys of :data:`lessons.models.MODELS` with a published token count [names].

    Returns
    -------
    Explorer
        Two sliders, accelerator [name] and MFU [fraction]; each frame is a figure.

    Examples
    --------
    >>> days_explorer().shape
    (3, 3)
    """
    import numpy as np

    from . import flops, models, plots

    chosen = [models.get_run(r) for r in runs]
    for run in chosen:
        if run.n_tokens is None:
            raise ValueError(f"{run.name} has no published token count; choose another run.")
    devices = np.asarray(_DEVICE_GRID, dtype=float)

    def view(gpu, mfu):
        series = {run.name: flops.wall_clock_days(flops.training_flops(run.n_params, run.n_tokens),
                                                  devices, gpu=gpu, mfu=mfu) for run in chosen}
        return plots.line(devices, series, xlabel=f"Number of {gpu} [devices]",
                          ylabel="Wall-clock time [days]", logx=True, logy=True,
                          title=f"6ND on {gpu} at MFU {mfu:g}")

    return Explorer(view, {
        "gpu": Control("Accelerator", _GPUS, default="H100-SXM"),
        "mfu": Control("MFU [fraction]", _DAYS_MFU_GRID, default=0.4),
    }, title="How long a published run takes on a cluster of a given size")


# --- Model FLOP utilisation (chapter *Model FLOP utilisation*) ---------------------------------

#: Throughput per device a training log might show [tokens/s per device] (1-2-5 steps).
_THROUGHPUT_GRID = (100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000)
#: Model sizes of the MFU explorer [parameters].
_MFU_PARAM_GRID = (1e9, 3e9, 1e10, 3e10, 1e11)
#: Tokens the MFU explorer's time estimate trains on [tokens] (its label says 10¹²).
_MFU_TOKENS = 1e12


def mfu_explorer() -> Explorer:
    """Throughput per device, model size and accelerator -> MFU, and what it means in days.

    Taught in the chapter *Model FLOP utilisation*. MFU is :func:`lessons.mfu.mfu` with 6N
    model FLOP per token (attention left out) on the **dense** BF16 peak; the same throughput
    divided by the vendor's 2:4-sparse figure is shown as the error it is. A throughput that
    would need more than the peak is reported as impossible (the function refuses it).

    Parameters
    ----------
    None.

    Returns
    -------
    Explorer
        Three sliders: accelerator [name], parameters N [parameters], throughput per device
        [tokens/s]; each frame is a table.

    Examples
    --------
    >>> ex = mfu_explorer()
    >>> ex.shape
    (3, 5, 9)
    >>> "impossible" in ex.frame(gpu="A100", n_params=1e11, tokens_per_device=50000)
    True
    """
    from . import flops, hardware, mfu

    def view(gpu, n_params, tokens_per_device):
        peak = hardware.peak_flops(gpu)
        rows = {
            "Model FLOP per token, 6N [FLOP/token]": mfu.model_flops_per_token(n_params),
            f"Dense BF16 peak of one {gpu} [FLOP/s]": peak,
        }
        try:
            m = mfu.mfu(tokens_per_device, n_params, 1, peak)
        except ValueError:
            rows["MFU [fraction]"] = "impossible: this needs more than the dense peak"
            return rows
        sparse = hardware.get_accelerator(gpu).sparse_2to4_peak_flops["bf16"]
        rows["MFU [fraction]"] = m
        rows["Same throughput over the 2:4-sparse figure (wrong) [fraction]"] = mfu.mfu(
            tokens_per_device, n_params, 1, sparse)
        c = flops.training_flops(n_params, _MFU_TOKENS)
        for n in _CLUSTERS:
            rows[f"Days for 10¹² tokens on {n:,} devices [days]"] = (
                mfu.training_time(c, n, peak, m, unit="days"))
        return rows

    return Explorer(view, {
        "gpu": Control("Accelerator", _GPUS, default="H100-SXM"),
        "n_params": Control("Parameters N [parameters]", _MFU_PARAM_GRID, default=1e10),
        "tokens_per_device": Control("Throughput per device [tokens/s]", _THROUGHPUT_GRID,
                                     default=5000),
    }, title="MFU from the throughput in a training log (6N per token, dense peak)")


__all__ += ["mfu_explorer"]


# --- Overtraining and inference-aware sizing ----------------------------------------------------

#: Sizes of the compute-optimal model that sets the target loss [parameters], lifetime
#: inference demands [tokens] and the Chinchilla fits the inference-demand explorer compares.
_TARGET_SIZE_GRID = (1e9, 3e9, 1e10, 3e10, 1e11)
_INFERENCE_GRID = (0.0, 1e11, 1e12, 1e13, 1e14)
_LIFETIME_FITS = ("besiroglu2024", "hoffmann2022_tex", "hoffmann2022")


def inference_explorer() -> Explorer:
    """Lifetime inference demand -> the lifetime-optimal model size, tokens and savings.

    Taught in the chapter *Overtraining and inference-aware sizing*. The target loss is that
    of a compute-optimal model of the chosen size; every number comes from
    :func:`lessons.overtraining.lifetime_savings` (Sardana et al. 2024: minimise
    6·N·D + 2·N·D_inf at that loss) and :func:`lessons.overtraining.tokens_per_param`.

    Returns
    -------
    Explorer
        Three sliders: compute-optimal size [parameters], lifetime inference demand [tokens]
        and Chinchilla fit [name].

    Examples
    --------
    >>> ex = inference_explorer()
    >>> ex.shape
    (5, 5, 3)
    >>> "Lifetime-optimal N*" in ex.frame()
    True
    """
    from . import overtraining

    def view(n_params, inference_tokens, fit):
        s = overtraining.lifetime_savings(n_params, inference_tokens, fit)
        return {
            "Target loss: that of the compute-optimal model [nats/token]": s.target_loss,
            "Compute-optimal N [parameters]": s.n_params,
            "Compute-optimal D [tokens]": s.n_tokens,
            "Compute-optimal D/N [tokens/parameter]":
                overtraining.tokens_per_param(s.n_params, s.n_tokens),
            "Lifetime-optimal N* [parameters]": s.optimal_n_params,
            "Lifetime-optimal D* [tokens]": s.optimal_n_tokens,
            "Lifetime-optimal D*/N* [tokens/parameter]":
                overtraining.tokens_per_param(s.optimal_n_params, s.optimal_n_tokens),
            "Training FLOPs of N* (6 N* D*) [FLOP]":
                overtraining.lifetime_flops(s.optimal_n_params, s.optimal_n_tokens),
            "Lifetime FLOPs, compute-optimal model [FLOP]": s.flops,
            "Lifetime FLOPs, lifetime-optimal model [FLOP]": s.optimal_flops,
            # round(..) + 0.0 turns the optimiser's -0.0 at zero demand into 0.0
            "Lifetime compute saved": f"{round(100 * s.saved_fraction, 1) + 0.0:.1f} %",
        }

    return Explorer(view, {
        "n_params": Control("Compute-optimal model that sets the target loss [parameters]",
                            _TARGET_SIZE_GRID, default=1e10),
        "inference_tokens": Control("Lifetime inference demand D_inf [tokens]",
                                    _INFERENCE_GRID, default=1e12),
        "fit": Control("Chinchilla fit", _LIFETIME_FITS, default="besiroglu2024"),
    }, title="Same loss, least training + inference compute (Sardana et al.)")


# --- Compute and cost budgets ---------------------------------------------------------------

#: Targets of the planner explorer: a dollar budget, or a cluster for a number of days.
_PLAN_TARGETS = {
    "$100K": {"budget_usd": 1e5},
    "$1M": {"budget_usd": 1e6},
    "$10M": {"budget_usd": 1e7},
    "$100M": {"budget_usd": 1e8},
    "1,024 devices × 30 days": {"n_devices": 1024, "days": 30.0},
}
_PLAN_GPUS = ("A100", "H100-SXM", "B200")
_PLAN_MFU = (0.3, 0.4, 0.5)
_PLAN_STRATEGIES = ("chinchilla", "parametric", "kaplan")
#: Cluster size for the wall-clock line of a dollar-budget plan [devices].
_PLAN_DEVICES = 1024


def plan_explorer() -> Explorer:
    """A budget (dollars, or devices × days) -> the whole training-plan worksheet.

    Taught in the chapter *Compute and cost budgets*. Each frame is the HTML worksheet of
    :func:`lessons.budget.plan` (with :meth:`lessons.budget.Plan.days_on` for the wall-clock
    time of a dollar budget); prices step through
    :data:`lessons.budget.PRICE_RANGE_PER_HOUR`.

    Returns
    -------
    Explorer
        Five sliders: target, accelerator [name], MFU [fraction], price [USD/device-hour]
        and sizing strategy [name].

    Examples
    --------
    >>> ex = plan_explorer()
    >>> ex.shape
    (5, 3, 3, 2, 3)
    >>> "Training plan" in ex.frame()
    True
    """
    from . import budget

    def view(target, gpu, mfu, price, strategy):
        p = budget.plan(**_PLAN_TARGETS[target], gpu=gpu, mfu=mfu, price_per_hour=price,
                        strategy=strategy)
        days = p.days if p.days is not None else p.days_on(_PLAN_DEVICES)
        where = "" if p.days is not None else f" on {_PLAN_DEVICES:,} devices"
        return p._repr_html_(), {f"Wall-clock time{where} [days]": days}

    prices = budget.PRICE_RANGE_PER_HOUR
    return Explorer(view, {
        "target": Control("Target", tuple(_PLAN_TARGETS), default="$1M"),
        "gpu": Control("Accelerator", _PLAN_GPUS, default="H100-SXM"),
        "mfu": Control("MFU [fraction]", _PLAN_MFU, default=0.4),
        "price": Control("Price [USD/device-hour]", prices, default=prices[0],
                         names=[f"${p:g}" for p in prices]),
        "strategy": Control("Sizing strategy", _PLAN_STRATEGIES, default="chinchilla"),
    }, title="From a budget to a training plan")


__all__ += ["inference_explorer", "plan_explorer"]


# --- Kaplan et al. 2020 (chapter *Kaplan 2020 power laws*) -------------------------------------

#: Exponents k of the budgets 10^k FLOP offered by the Kaplan and returns explorers.
_DECADES = tuple(range(18, 27))
#: Kaplan's two ways of reading a budget: all of it is C_min, or training runs at B_crit.
_KAPLAN_ACCOUNTING_NAMES = ("C_min = C", "at B_crit: C_min = C/2")


def kaplan_explorer() -> Explorer:
    """Compute budget -> Kaplan's N, D, B and S, next to a Chinchilla-style allocation.

    Taught in the chapter *Kaplan 2020 power laws*. Kaplan's numbers come from
    :func:`lessons.kaplan.optimal_params`, :func:`~lessons.kaplan.optimal_tokens`,
    :func:`~lessons.kaplan.optimal_batch` and :func:`~lessons.kaplan.optimal_steps` (Table 6,
    C_min in PF-days, N non-embedding); the comparison is
    :func:`lessons.chinchilla.compute_optimal` for the chosen published fit (N with embeddings).

    Parameters
    ----------
    None.

    Returns
    -------
    Explorer
        Three sliders: budget [FLOP], Kaplan's accounting [C_min = C or C/2], Chinchilla fit
        [name]; each frame is a table.

    Examples
    --------
    >>> ex = kaplan_explorer()
    >>> ex.shape
    (9, 2, 3)
    >>> "7.77×10<sup>9</sup>" in ex.frame(flops_budget=1e21, at_critical_batch=False)
    True
    """
    from . import chinchilla, flops, kaplan, overtraining

    def view(flops_budget, at_critical_batch, fit):
        n = kaplan.optimal_params(flops_budget, at_critical_batch)
        d = kaplan.optimal_tokens(flops_budget, at_critical_batch)
        n_fit, d_fit = chinchilla.compute_optimal(flops_budget, fit)
        return {
            "Budget [PF-days]": flops.to_pf_days(flops_budget),
            "Kaplan N_opt [non-embedding parameters]": n,
            "Kaplan D_opt [tokens]": d,
            "Kaplan batch B [tokens/step]": kaplan.optimal_batch(flops_budget, at_critical_batch),
            "Kaplan steps S [steps]": kaplan.optimal_steps(flops_budget, at_critical_batch),
            "Kaplan D/N [tokens/parameter]": overtraining.tokens_per_param(n, d),
            "Kaplan 6ND / budget [ratio]": flops.training_flops(n, d) / flops_budget,
            f"{fit}: N_opt [parameters, embeddings included]": n_fit,
            f"{fit}: D_opt [tokens]": d_fit,
            f"{fit}: D/N [tokens/parameter]": overtraining.tokens_per_param(n_fit, d_fit),
        }

    return Explorer(view, {
        "flops_budget": Control("Training budget C [FLOP]",
                                tuple(10.0**k for k in _DECADES), default=1e21),
        "at_critical_batch": Control("Kaplan's accounting", (False, True), default=True,
                                     names=_KAPLAN_ACCOUNTING_NAMES),
        "fit": Control("Chinchilla-style fit", tuple(chinchilla.FITS), default="besiroglu2024"),
    }, title="Kaplan's compute-optimal allocation (Table 6) next to a Chinchilla fit")


# --- Diminishing returns (chapter *Diminishing returns*) ---------------------------------------


def returns_explorer() -> Explorer:
    """Fit and compute budget -> predicted loss, gain from 10× more compute, and the gap to E.

    Taught in the chapter *Diminishing returns*. Every number comes from :mod:`lessons.returns`
    (:func:`~lessons.returns.loss_at_compute`, :func:`~lessons.returns.gain_per_decade`,
    :func:`~lessons.returns.gap_to_irreducible`) and :func:`lessons.chinchilla.compute_optimal`.

    Parameters
    ----------
    None.

    Returns
    -------
    Explorer
        Two sliders, fit [name] and budget [FLOP]; each frame is a table and a figure of the
        compute-optimal loss against compute with the irreducible loss E.

    Examples
    --------
    >>> ex = returns_explorer()
    >>> ex.shape
    (3, 9)
    >>> "Gap to E" in ex.frame()
    True
    """
    import numpy as np

    from . import chinchilla, overtraining, plots, returns

    curve = np.logspace(_DECADES[0], _DECADES[-1] + 1, 61)

    def view(fit, flops_budget):
        f = chinchilla.get_fit(fit)
        loss = returns.loss_at_compute(flops_budget, f)
        gain = returns.gain_per_decade(flops_budget, f)
        gap = returns.gap_to_irreducible(flops_budget, f)
        n, d = chinchilla.compute_optimal(flops_budget, f)
        rows = {
            "Compute-optimal loss L*(C) [nats/token]": loss,
            "Gain from 10× the compute, L*(C) − L*(10C) [nats/token]": gain,
            "Irreducible loss E of this fit [nats/token]": f.E,
            "Gap to E, L*(C) − E [nats/token]": gap,
            "Share of the gap that 10× removes [fraction]": gain / gap,
            "Compute-optimal N [parameters]": n,
            "Compute-optimal D [tokens]": d,
            "D/N [tokens/parameter]": overtraining.tokens_per_param(n, d),
        }
        fig = plots.line(curve, {f"L*(C), {fit}": returns.loss_at_compute(curve, f),
                                 "irreducible loss E": np.full_like(curve, f.E)},
                         xlabel="Training compute C [FLOP]", ylabel="Loss [nats/token]",
                         logx=True, styles={"irreducible loss E": "--"},
                         title="Compute-optimal loss and its floor")
        plots.mark(fig, flops_budget, loss, f"{loss:.3f}")
        return rows, fig

    return Explorer(view, {
        "fit": Control("Fit", tuple(chinchilla.FITS), default="besiroglu2024"),
        "flops_budget": Control("Training budget C [FLOP]",
                                tuple(10.0**k for k in _DECADES), default=1e24),
    }, title="What the next 10× of compute buys")


__all__ += ["kaplan_explorer", "returns_explorer"]


# --- Chinchilla and compute-optimal scaling (chapter *Chinchilla and compute-optimal scaling*) --

#: Budgets of the IsoFLOP explorer: 10^18 to 10^26 FLOP in half-decade steps [FLOP].
_ISOFLOP_BUDGETS = tuple(10.0 ** (k / 2) for k in range(36, 53))
#: How the published fits are named on the Chinchilla chapter's explorers.
_FIT_LABELS = {"hoffmann2022": "Hoffmann, rounded", "hoffmann2022_tex": "Hoffmann, TeX",
               "besiroglu2024": "Besiroglu refit"}
#: Model size as a multiple of the compute-optimal one, for the mis-sizing explorer [ratio].
_SIZE_MULTIPLES = tuple(2.0**k for k in range(-4, 5))
_SIZE_MULTIPLE_NAMES = tuple(f"{m:g}×" if m >= 1 else f"1/{1 / m:g}×" for m in _SIZE_MULTIPLES)


def isoflop_explorer() -> Explorer:
    """Compute budget -> the IsoFLOP profile of each published fit, its minimum and the 20 rule.

    Taught in the chapter *Chinchilla and compute-optimal scaling*. Profiles are
    :func:`lessons.chinchilla.isoflop_curve`, minima :func:`~lessons.chinchilla.compute_optimal`
    (the closed form, Approach 3) with :func:`~lessons.chinchilla.loss`, and the rule of thumb
    :func:`~lessons.chinchilla.twenty_tokens_per_param`.

    Returns
    -------
    Explorer
        One slider, the training budget [FLOP]; each frame is a figure of the three fits'
        profiles with their minima and a table of N_opt [parameters], D_opt [tokens], D/N
        [tokens/parameter] and the predicted loss [nats/token].

    Examples
    --------
    >>> ex = isoflop_explorer()
    >>> ex.shape
    (17,)
    >>> "9.59×10<sup>10</sup>" in ex.frame(flops_budget=1e24)   # the refit's N_opt, FACTS §10
    True
    """
    import numpy as np

    from . import chinchilla, overtraining, plots

    def view(flops_budget):
        optima = {name: chinchilla.compute_optimal(flops_budget, name) for name in _FIT_LABELS}
        low = min(n for n, _ in optima.values()) / 10
        high = max(n for n, _ in optima.values()) * 10
        sizes = np.logspace(np.log10(low), np.log10(high), 81)
        profiles, minima, rows = {}, {}, {}
        for name, (n, d) in optima.items():
            label = _FIT_LABELS[name]
            best = chinchilla.loss(n, d, name)
            profiles[label] = (sizes, chinchilla.isoflop_curve(flops_budget, sizes, name))
            minima[label] = (n, best)
            rows[f"{label}: N_opt [parameters]"] = n
            rows[f"{label}: D_opt [tokens]"] = d
            rows[f"{label}: D/N [tokens/parameter]"] = overtraining.tokens_per_param(n, d)
            rows[f"{label}: predicted loss [nats/token]"] = f"{best:.4f}"  # 3 digits hide it
        n20, d20 = chinchilla.twenty_tokens_per_param(flops_budget)
        rows["20 tokens/param rule: N [parameters]"] = n20
        rows["20 tokens/param rule: D [tokens]"] = d20
        fig = plots.isoflop_profiles(profiles, minima=minima,
                                     title=f"IsoFLOP profiles at C = {flops_budget:.3g} FLOP")
        refit = "besiroglu2024"
        plots.mark(fig, n20, chinchilla.isoflop_curve(flops_budget, n20, refit), "20 tokens/param")
        return fig, rows

    return Explorer(view, {
        "flops_budget": Control("Training budget C [FLOP]", _ISOFLOP_BUDGETS, default=1e24),
    }, title="Loss along an IsoFLOP profile: where each fit puts the minimum")


def missizing_explorer() -> Explorer:
    """Budget, model size relative to the optimum and fit -> loss and the compute it wastes.

    Taught in the chapter *Chinchilla and compute-optimal scaling*. The run trains
    N = multiple × N_opt on D = C/(6N) tokens; its loss is
    :func:`lessons.chinchilla.isoflop_curve`, and :func:`lessons.returns.compute_for_loss`
    gives the budget a compute-optimal model needs to reach the same loss.

    Returns
    -------
    Explorer
        Three sliders: budget [FLOP], size as a multiple of N_opt [ratio] and fit [name];
        each frame is a table.

    Examples
    --------
    >>> ex = missizing_explorer()
    >>> ex.shape
    (9, 9, 3)
    >>> "Compute-optimal budget for the same loss" in ex.frame()
    True
    """
    from . import chinchilla, flops, overtraining, returns

    def view(flops_budget, multiple, fit):
        n_opt, d_opt = chinchilla.compute_optimal(flops_budget, fit)
        n = n_opt * multiple
        d = flops.tokens_for_flops(flops_budget, n)  # the constraint C = 6ND
        ell = chinchilla.isoflop_curve(flops_budget, n, fit)
        best = chinchilla.loss(n_opt, d_opt, fit)
        return {
            "Model size N [parameters]": n,
            "Training tokens D = C/(6N) [tokens]": d,
            "D/N [tokens/parameter]": overtraining.tokens_per_param(n, d),
            # losses differ in the third decimal: show four, not format_number's three digits
            "Predicted loss [nats/token]": f"{ell:.4f}",
            "Compute-optimal loss at this budget [nats/token]": f"{best:.4f}",
            "Excess loss [nats/token]": f"{ell - best:.4f}",
            "Compute-optimal budget for the same loss, as a fraction of C":
                returns.compute_for_loss(ell, fit) / flops_budget,
        }

    return Explorer(view, {
        "flops_budget": Control("Training budget C [FLOP]",
                                tuple(10.0**k for k in _DECADES), default=1e24),
        "multiple": Control("Model size as a multiple of N_opt", _SIZE_MULTIPLES, default=1.0,
                            names=_SIZE_MULTIPLE_NAMES),
        "fit": Control("Fit", tuple(_FIT_LABELS), default="besiroglu2024",
                       names=tuple(_FIT_LABELS.values())),
    }, title="The price of the wrong model size at a fixed budget")


__all__ += ["isoflop_explorer", "missizing_explorer"]


# --- μP (chapter *μP: hyperparameters that transfer*) ------------------------------------------


def mup_explorer(sp_sweep=None, mup_sweep=None) -> Explorer:
    """Width slider over the μP demo's learning-rate sweeps: does the proxy's tuned rate transfer?

    Taught in the chapter *μP: hyperparameters that transfer*. The two sweeps come from
    :func:`lessons.mup.lr_sweep` (pass the ones the chapter already computed, so the page
    trains each network once); each frame shows, for one width, loss against the base Adam
    learning rate under SP and μP next to the narrowest (proxy) width, and what training at the
    proxy's best rate costs compared with the width's own best (:func:`lessons.mup.best_lr`).

    Parameters
    ----------
    sp_sweep, mup_sweep : lessons.mup.LRSweep, optional
        Sweeps over the same widths and learning rates under ``"sp"`` and ``"mup"``; computed
        with the module's defaults when omitted [losses in squared target units].

    Returns
    -------
    Explorer
        One slider, width [units]; each frame is a figure and a table.

    Examples
    --------
    >>> import numpy as np
    >>> from lessons import mup
    >>> lrs = np.array([1e-3, 1e-2, 1e-1])
    >>> sp = mup.LRSweep(np.array([16, 64]), lrs, "sp", np.array([[.5, .2, .9], [.3, .4, 2.]]))
    >>> mu = mup.LRSweep(np.array([16, 64]), lrs, "mup", np.array([[.5, .2, .9], [.4, .1, .8]]))
    >>> ex = mup_explorer(sp, mu)
    >>> ex.shape
    (2,)
    >>> "0.01" in ex.frame(width=64)
    True
    """
    import numpy as np

    from . import mup, plots

    sp_sweep = mup.lr_sweep(parameterization="sp") if sp_sweep is None else sp_sweep
    mup_sweep = mup.lr_sweep(parameterization="mup") if mup_sweep is None else mup_sweep
    if (not np.array_equal(sp_sweep.widths, mup_sweep.widths)
            or not np.array_equal(sp_sweep.learning_rates, mup_sweep.learning_rates)):
        raise ValueError("sp_sweep and mup_sweep must cover the same widths and learning rates.")
    widths = [int(w) for w in sp_sweep.widths]
    lrs = sp_sweep.learning_rates
    proxy = widths[0]
    best_sp, best_mup = sp_sweep.best_lr(), mup_sweep.best_lr()
    proxy_lr = best_mup[0]  # SP and μP coincide at the base width

    def shown(loss):  # diverged runs are gaps in the plot
        return np.where(np.isfinite(loss), loss, np.nan)

    def view(width):
        i = widths.index(width)
        proxy_label = f"proxy, width {proxy} (SP = μP there)"
        fig = plots.line(lrs, {proxy_label: shown(mup_sweep.loss[0]),
                               f"SP, width {width}": shown(sp_sweep.loss[i]),
                               f"μP, width {width}": shown(mup_sweep.loss[i])},
                         xlabel="Base Adam learning rate [per step]",
                         ylabel="Final training loss [squared target units]",
                         logx=True, logy=True, styles={proxy_label: "--"},
                         title=f"Learning-rate sweep at width {width}")
        at_proxy_lr = lrs == proxy_lr
        rows = {
            f"Best rate at the proxy width {proxy} [per step]": proxy_lr,
            f"Best rate at width {width}, SP [per step]": best_sp[i],
            f"Best rate at width {width}, μP [per step]": best_mup[i],
            "SP: loss at the proxy's rate ÷ best loss [ratio]":
                float(sp_sweep.loss[i][at_proxy_lr][0] / np.min(sp_sweep.loss[i])),
            "μP: loss at the proxy's rate ÷ best loss [ratio]":
                float(mup_sweep.loss[i][at_proxy_lr][0] / np.min(mup_sweep.loss[i])),
        }
        return fig, rows

    return Explorer(view, {"width": Control("Width n [units]", widths, default=widths[-1])},
                    title="Tune at the narrowest width, train wider: SP against μP")


__all__ += ["mup_explorer"]


# --- Fitting scaling laws to real data (chapter *Fitting scaling laws to real data*) ---------

#: Target losses of the plan-range explorer [nats/token]: from easy to near the refit's E.
_RANGE_TARGETS = (2.3, 2.0, 1.9, 1.85)


def plan_range_explorer(boot=None, fit=None) -> Explorer:
    """Target loss and price -> the cost of a compute-optimal run, as a range over refits.

    Taught in the chapter *Fitting scaling laws to real data*. Every number comes from
    :func:`lessons.uncertainty.plan_range` over bootstrap refits of the Chinchilla points.

    Parameters
    ----------
    boot : BootstrapResult, optional
        Refits from :func:`lessons.fitting.bootstrap`; by default 1,000 refits of the 240
        Chinchilla points, started at the 2024 refit.
    fit : Fit or str, optional
        The full-data fit for the point values; default ``"besiroglu2024"``.

    Returns
    -------
    Explorer
        Two sliders, target loss [nats/token] and price [USD/device-hour]; each frame is a
        table of the cost interval and a histogram of the cost over the refits.

    Examples
    --------
    >>> from lessons import data, fitting
    >>> p = data.load_chinchilla_points()
    >>> boot = fitting.bootstrap(p.n_params, p.n_tokens, p.loss, n_resamples=50,
    ...                          start="besiroglu2024")
    >>> ex = plan_range_explorer(boot)
    >>> ex.shape
    (4, 2)
    """
    from . import data, fitting, plots, uncertainty
    from .budget import PRICE_RANGE_PER_HOUR  # the ends of the course's price range

    if boot is None:
        p = data.load_chinchilla_points()
        boot = fitting.bootstrap(p.n_params, p.n_tokens, p.loss, n_resamples=1000,
                                 start="besiroglu2024")
    fit = "besiroglu2024" if fit is None else fit

    def view(target_loss, price):
        r = uncertainty.plan_range(boot, fit, target_loss=target_loss, price_per_hour=price)
        low, high = r.interval("cost")
        rows = {
            "Cost with the full-data fit [USD]": r.point["cost"],
            "Median over the refits [USD]": r.median("cost"),
            f"{r.level:.0%} interval, low [USD]": low,
            f"{r.level:.0%} interval, high [USD]": "unreachable" if high == float("inf")
            else high,
            "high / low [ratio]": "unbounded" if high == float("inf") else high / low,
            "Refits that put E at or above the target [fraction]": r.unreachable,
            "Compute with the full-data fit [FLOP]": r.point["FLOPs"],
        }
        fig = plots.histogram(r.samples["cost"], logx=True, xlabel="Cost of the run [USD]",
                              marks={"full-data fit": r.point["cost"]},
                              title=f"Cost to reach {target_loss:g} nats/token, over refits")
        return rows, fig

    return Explorer(view, {
        "target_loss": Control("Target loss [nats/token]", _RANGE_TARGETS, default=2.0),
        "price": Control("Price [USD/H100-hour]", PRICE_RANGE_PER_HOUR,
                         default=PRICE_RANGE_PER_HOUR[0],
                         names=tuple(f"${p:g}" for p in PRICE_RANGE_PER_HOUR)),
    }, title="What does a target loss cost? A range, not a number")


__all__ += ["plan_range_explorer"]
