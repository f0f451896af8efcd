"""Fast PNG frames of a live explorer's figure: one persistent figure whose artists are updated.

An explorer's ``view`` builds a new matplotlib figure for every setting of its controls, and the
static site saves each one with ``bbox_inches="tight"`` (two draws of a new figure) and
quantises it to 64 colours (page weight). In a live widget most of that cost is avoidable:

* drawing a figure that has been drawn before is cheaper (its ticks, text layouts and renderer
  exist), so :class:`LiveFigure` keeps the first figure and copies each new figure's data,
  limits and texts into it, as long as both have the same artists (same axes, lines, texts,
  rectangles and legend entries); otherwise the new figure takes its place;
* the tight layout is computed once, when a figure is adopted, with a margin that absorbs the
  small changes of tick labels from frame to frame; a text that would still fall outside (a
  longer title, an annotation near an edge) makes the layout be computed again;
* the PNG is compressed lightly and not quantised: it travels to the browser on the local
  machine, where bytes cost little and time costs much.

No numbers are computed here: the figure comes from the explorer's ``view``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox
from PIL import Image

__all__ = ["LiveFigure"]

#: White space around the drawing, as ``savefig``'s ``pad_inches`` [inches].
PAD_INCHES = 0.1
#: Extra room kept around the first frame's drawing for wider tick labels later [inches].
SLACK_INCHES = 0.15
#: zlib level of the live PNG: 1 is several times faster than the default and ~5 % larger.
PNG_COMPRESS_LEVEL = 1


class LiveFigure:
    """One figure position of a live explorer, rendered to PNG by updating a persistent figure.

    Parameters
    ----------
    dpi : int
        Resolution of the PNG [dots per inch].

    Examples
    --------
    >>> from lessons import plots
    >>> live = LiveFigure(dpi=50)
    >>> first = live.png(plots.line([1, 2], {"y": [1, 2]}, xlabel="x [-]", ylabel="y [-]"))
    >>> second = live.png(plots.line([1, 2], {"y": [2, 1]}, xlabel="x [-]", ylabel="y [-]"))
    >>> live.n_adopted, first != second
    (1, True)
    """

    def __init__(self, dpi: int = 100) -> None:
        self.dpi = dpi
        self.figure = None
        self.n_adopted = 0  # how many figures were taken whole (tests and the benchmark read it)
        self._canvas: FigureCanvasAgg | None = None
        self._signature: tuple | None = None

    def png(self, figure) -> bytes:
        """The PNG of ``figure``, drawn through the persistent figure when their artists match."""
        if self.figure is not None and _signature(figure) == self._signature:
            _copy_state(figure, self.figure)
        else:
            self._adopt(figure)
        self._canvas.draw()
        if not self._fits():
            self._frame()
            self._canvas.draw()
        rgba = Image.frombuffer("RGBA", self._canvas.get_width_height(),
                                self._canvas.buffer_rgba())
        out = io.BytesIO()
        rgba.convert("RGB").save(out, format="PNG", compress_level=PNG_COMPRESS_LEVEL)
        return out.getvalue()

    def _adopt(self, figure) -> None:
        self.figure = figure
        self._canvas = FigureCanvasAgg(figure)
        self._signature = _signature(figure)
        self.n_adopted += 1
        self._frame()

    def _frame(self) -> None:
        """Size the figure around its drawing (like ``bbox_inches="tight"``) plus some slack,
        keeping every axes' size and place relative to the drawing."""
        fig = self.figure
        tight = fig.get_tightbbox(self._canvas.get_renderer())
        box = tight.padded(PAD_INCHES + SLACK_INCHES)
        width, height = fig.get_size_inches()
        for ax in fig.axes:
            p = ax.get_position()
            ax.set_position([(p.x0 * width - box.x0) / box.width,
                             (p.y0 * height - box.y0) / box.height,
                             p.width * width / box.width, p.height * height / box.height])
        fig.set_size_inches(box.width, box.height)

    def _fits(self) -> bool:
        """Whether the texts that move from frame to frame (titles, notes, legends) are inside
        the figure; tick labels change little and are covered by the slack."""
        renderer = self._canvas.get_renderer()
        inside = Bbox.from_bounds(0, 0, *self._canvas.get_width_height())
        return all(inside.containsx(e.x0) and inside.containsx(e.x1)
                   and inside.containsy(e.y0) and inside.containsy(e.y1)
                   for e in (a.get_window_extent(renderer) for a in _moving_texts(self.figure)))


def _moving_texts(fig) -> Iterator:
    for ax in fig.axes:
        yield from (t for t in (ax.title, ax.xaxis.label, ax.yaxis.label, *ax.texts)
                    if t.get_visible() and t.get_text())
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            yield legend


def _signature(fig) -> tuple:
    """What must match for one figure's state to be copied into another: the kinds and numbers
    of the artists :func:`_copy_state` copies, and what their coordinates refer to. A figure
    with any other artist (collections, images, figure-level texts or legends) gets a
    signature of its own: it never matches."""
    if fig.texts or fig.legends or fig.get_suptitle() or not all(map(_copyable, fig.axes)):
        return (id(fig),)
    return tuple(
        (ax.get_xscale(), ax.get_yscale(),
         tuple(line.get_transform() is ax.transData for line in ax.lines),  # data or axvline
         tuple((type(t), str(getattr(t, "xycoords", "")), str(getattr(t, "anncoords", "")))
               for t in ax.texts),
         len(ax.patches), len(ax.get_legend().get_texts()) if ax.get_legend() else -1)
        for ax in fig.axes)


def _copyable(ax) -> bool:
    return (not (ax.collections or ax.images or ax.artists or ax.tables or ax.child_axes)
            and all(type(p) is Rectangle for p in ax.patches))


#: Style properties copied from artist to artist. Not ``Artist.update_from``: it also copies
#: the transform, which would draw the artist in the other figure's coordinates. Alpha comes
#: first: setting it re-applies it to the colours (an invisible edge would become visible).
_LINE_STYLE = ("alpha", "color", "linestyle", "linewidth", "marker", "markersize",
               "markerfacecolor", "markeredgecolor", "markeredgewidth", "drawstyle", "zorder",
               "visible", "label")
_TEXT_STYLE = ("alpha", "color", "fontsize", "fontweight", "horizontalalignment",
               "verticalalignment", "rotation", "zorder", "visible", "text", "position")
_PATCH_STYLE = ("alpha", "facecolor", "edgecolor", "linewidth", "linestyle", "zorder",
                "visible", "label")


def _copy_style(source, target, names: tuple[str, ...]) -> None:
    style = {name: getattr(source, f"get_{name}")() for name in names}
    for name, value in style.items():
        # a colour read back as fully transparent was "none"; given as RGBA, the artist's
        # alpha would make it visible
        if name.endswith("color") and not isinstance(value, str) and len(value) == 4 \
                and value[3] == 0:
            style[name] = "none"
    target.set(**style)


def _copy_state(source, target) -> None:
    """Copy data, styles, limits and texts of ``source``'s artists into ``target``'s."""
    for src, dst in zip(source.axes, target.axes, strict=True):
        for s, d in zip(src.lines, dst.lines, strict=True):
            _copy_style(s, d, _LINE_STYLE)
            d.set_data(*s.get_data(orig=True))
        for s, d in zip(src.texts, dst.texts, strict=True):
            _copy_style(s, d, _TEXT_STYLE)
            if hasattr(s, "xy"):  # an annotation: the point it marks
                d.xy = s.xy
        for s, d in zip(src.patches, dst.patches, strict=True):
            _copy_style(s, d, _PATCH_STYLE)
            d.set_bounds(*s.get_bbox().bounds)
        dst.set_xlim(src.get_xlim())
        dst.set_ylim(src.get_ylim())
        _copy_style(src.title, dst.title, _TEXT_STYLE)  # keeps a title's own font size
        for loc in ("left", "right"):
            if src.get_title(loc) != dst.get_title(loc):
                dst.set_title(src.get_title(loc), loc=loc)
        dst.set_xlabel(src.get_xlabel())
        dst.set_ylabel(src.get_ylabel())
        s_legend, d_legend = src.get_legend(), dst.get_legend()
        if s_legend is not None:
            for s, d in zip(s_legend.get_texts(), d_legend.get_texts(), strict=True):
                d.set_text(s.get_text())
            for s, d in zip(s_legend.legend_handles, d_legend.legend_handles, strict=True):
                if s is not None and d is not None:
                    _copy_style(s, d, _LINE_STYLE if hasattr(s, "get_marker") else _PATCH_STYLE)
