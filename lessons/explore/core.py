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

__all__ = ["MAX_FRAMES", "SITE_BUILD_ENV", "Control", "Explorer", "format_number"]

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


def static_block(title: str, settings, view_html: str) -> str:
    """A view's default result as plain HTML: a title, the settings it shows, the result.

    ``settings`` is a sequence of (label, value as HTML) pairs, the label plain text;
    ``view_html`` is HTML.
    """
    head = f'<div class="lx-title">{html.escape(title)}</div>' if title else ""
    shown = ", ".join(f"{html.escape(label)} = {value}" for label, value in settings)
    return (f'<div class="{CSS_CLASS} lx-static">{head}<div class="lx-settings">{shown}</div>'
            f'<div class="lx-view">{view_html}</div></div>')


def mime_bundle(view, plain: str) -> dict:
    """What Jupyter shows for an explorer or a computed view.

    When the site is built (:data:`SITE_BUILD_ENV` set), the view's own HTML for the page;
    otherwise its live widget, with :meth:`static_html` as the HTML for viewers without a
    kernel (and instead of the widget when ipywidgets or a kernel is missing).
    """
    if os.environ.get(SITE_BUILD_ENV):
        return {"text/plain": plain, "text/html": view.html()}
    bundle = {"text/plain": plain, "text/html": view.static_html()}
    try:
        live = view.widget()._repr_mimebundle_()
    except Exception:  # no ipywidgets or no kernel: the static view still shows
        live = None
    for mime, value in (live or {}).items():
        if mime != "text/plain":
            bundle[mime] = value
    return bundle


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


def figure_title(fig) -> str:
    """A figure's title (its suptitle, else its first axes' title): the image's alt text."""
    sup = getattr(fig, "_suptitle", None)
    if sup is not None and sup.get_text():
        return sup.get_text()
    for ax in fig.axes:
        if ax.get_title():
            return ax.get_title()
    return "Figure"


def _figure_html(fig, dpi: int, alt: str = "") -> str:
    """The site's image of a figure: tight, and quantised for the page's weight."""
    import matplotlib.pyplot as plt
    from PIL import Image

    alt = alt or figure_title(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    # A 64-colour palette keeps line plots sharp at a fifth of the bytes (page weight budget).
    small = io.BytesIO()
    Image.open(io.BytesIO(buf.getvalue())).convert("RGB").quantize(colors=64).save(
        small, format="PNG", optimize=True)
    return _img_html(small.getvalue(), alt)


def _img_html(png: bytes, alt: str = "Figure") -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f'<img class="lx-figure" alt="{html.escape(alt)}" '
            f'src="data:image/png;base64,{data}">')


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
        from .._livefigure import LiveFigure  # matplotlib only once a figure is drawn

        while len(self._live_figures) <= position:
            self._live_figures.append(LiveFigure(self.dpi))
        alt = figure_title(fig)  # read before the live figure adopts the drawing
        return _img_html(self._live_figures[position].png(fig), alt)

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
        return static_block(self.title, [(c.label, c.names[c.default_index])
                                         for c in self.controls.values()], self.frame())

    def _repr_mimebundle_(self, include=None, exclude=None):
        return mime_bundle(self, f"<Explorer {self.title or ''}: {', '.join(self.controls)}>")


def _plain(name: str) -> str:
    """Slider labels in Jupyter are plain text: ``7×10<sup>23</sup>`` -> ``7e23``, ``10<sup>9</sup>``
    -> ``1e9``."""
    if name.lstrip("-").startswith("10<sup>"):
        name = name.replace("10<sup>", "1×10<sup>", 1)
    return name.replace("×10<sup>", "e").replace("</sup>", "")
