"""Computed views: a form of typed fields whose results are computed from the reader's numbers.

A :class:`ComputedView` holds no math either. It pairs a *view function* of a chapter's module
(for example :func:`lessons.explore.chinchilla.isoflop_view`), which calls named ``lessons``
functions and returns ``{"values": {...}, "chart": {...} or None, "warning": str}``, with the
fields that feed it and the outputs that show its values:

* in Jupyter, ``display(view)`` shows ipywidgets (typed numbers, sliders, menus, radio
  buttons); every change calls the Python view function;
* on the static site, the same object renders an HTML form whose elements carry ``name`` =
  the view's keyword, option values = the Python values, and results carrying ``data-field``
  with the raw number in ``data-value``, filled in here with Python's numbers. The page's
  script (``book/_static/explorer.js``) then recomputes them on every change with the view's
  JavaScript twin (``book/_static/lessons-views.js``), which calls the mirrors of the same
  ``lessons`` functions (``book/_static/lessons.js``). ``tests/test_inpage_mirror.py`` runs
  both on the same inputs and fails above a 1e-9 relative difference.

Examples
--------
>>> def twice(n):
...     return {"values": {"twice": 2 * n}, "chart": None, "warning": ""}
>>> view = ComputedView("demo.twice", twice, [Field("n", "n [-]", 2.0)],
...                     [Output("twice", "2n [-]")])
>>> 'name="n"' in view.html() and 'data-field="twice"' in view.html()
True
>>> 'data-value="4.0"' in view.html()
True
"""

from __future__ import annotations

import html
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .core import CSS_CLASS, _img_html, format_number, mime_bundle, static_block

__all__ = ["Field", "Output", "ComputedView", "render_value", "FORMATS"]

#: How an output shows its number; book/_static/explorer.js has the same formats.
FORMATS = ("number", "loss", "usd", "count", "percent", "text")


def render_value(value, fmt: str = "number") -> str:
    """An output's text (HTML) for a value of a view, in one of :data:`FORMATS`.

    Parameters
    ----------
    value : float, str or None
        The value [its output's unit]; None shows as a dash.
    fmt : str
        "number" (3 significant digits, :func:`format_number`), "loss" (4 decimals),
        "usd" (whole dollars), "count" (whole, with separators), "percent" (one decimal)
        or "text".

    Examples
    --------
    >>> render_value(1234567.8, "usd"), render_value(2.30551, "loss"), render_value(0.1634, "percent")
    ('$1,234,568', '2.3055', '16.3 %')
    >>> render_value(None), render_value(9.59e10)
    ('—', '9.59×10<sup>10</sup>')
    """
    if value is None:
        return "—"
    if isinstance(value, str) or fmt == "text":
        return html.escape(str(value))
    x = float(value)
    if fmt == "loss":
        return f"{x:.4f}"
    if fmt == "usd":
        return f"${x:,.0f}"
    if fmt == "count":
        return f"{x:,.0f}"
    if fmt == "percent":
        shown = f"{100 * x:.1f}"
        return f"{'0.0' if shown == '-0.0' else shown} %"  # no "-0.0 %" from rounding noise
    return format_number(x)


@dataclass(frozen=True)
class Field:
    """One input of a computed view: a typed number (with a slider beside it) or a choice.

    Attributes
    ----------
    name : str
        The view's keyword, which is also the parameter of the ``lessons`` function it feeds
        (``budget_usd``, ``gpu``, ``mfu``, ...); the HTML element's ``name``.
    label : str
        What the reader sees, unit in brackets.
    default : object
        The starting value (a number, or one of ``options``).
    options : sequence
        For a choice: the Python values, in order (the HTML option values are their ``str``).
    names : sequence of str
        For a choice: how each option is shown; ``str(value)`` if omitted.
    style : str
        For a choice: ``"menu"`` (a select) or ``"radio"`` (radio buttons).
    slider : (float, float) or None
        For a number: the slider's ends [the field's unit]; None for no slider.
    log : bool
        A logarithmic slider (for counts spanning decades).
    note : str
        Small print under the field (plain text), e.g. "an assumption".
    when : (str, tuple) or None
        Show the field only while another field has one of these values, e.g.
        ``("strategy", ("inference",))``.
    """

    name: str
    label: str
    default: object
    options: Sequence = ()
    names: Sequence[str] = ()
    style: str = "menu"
    slider: tuple[float, float] | None = None
    log: bool = True
    note: str = ""
    when: tuple[str, tuple] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", tuple(self.options))
        if self.options:
            if self.default not in self.options:
                raise ValueError(f"Field {self.name!r}: default {self.default!r} is not one of "
                                 f"{self.options!r}.")
            names = tuple(self.names) or tuple(str(o) for o in self.options)
            if len(names) != len(self.options):
                raise ValueError(f"Field {self.name!r}: {len(names)} names for "
                                 f"{len(self.options)} options.")
            object.__setattr__(self, "names", names)
            if self.style not in ("menu", "radio"):
                raise ValueError(f"Field {self.name!r}: style must be 'menu' or 'radio'.")
        elif isinstance(self.default, (str, bool)):
            raise ValueError(f"Field {self.name!r}: a choice needs options.")

    @property
    def is_choice(self) -> bool:
        return bool(self.options)

    def spec(self) -> dict:
        """What the page's script needs to read the field back into Python's values."""
        out = {"name": self.name, "kind": "choice" if self.is_choice else "number"}
        if self.is_choice:
            out["options"] = [_option_value(o) for o in self.options]
            out["types"] = [_type_name(o) for o in self.options]
        if self.slider:
            out["slider"] = list(self.slider)
            out["log"] = self.log
        if self.when:
            out["when"] = [self.when[0], [_option_value(v) for v in self.when[1]]]
        return out


@dataclass(frozen=True)
class Output:
    """One result of a computed view, shown with a label and carrying the raw number.

    Attributes
    ----------
    field : str
        The key in the view's ``values``: the attribute of the ``lessons`` object it shows
        (``n_params``, ``cost_usd``, ...). The HTML cell's ``data-field``.
    label : str
        What the reader sees, unit in brackets. ``{name}`` is replaced by the value of the
        input of that name (e.g. ``"Days on {n_devices} devices"``).
    format : str
        One of :data:`FORMATS`.
    section : str
        A heading: consecutive outputs with the same section share a table.
    """

    field: str
    label: str
    format: str = "number"
    section: str = ""

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"Output {self.field!r}: format must be one of {FORMATS}.")


def _option_value(value) -> str:
    """The HTML value of a Python option: its str (True -> "True", "A100" -> "A100")."""
    return str(value)


def _type_name(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return "str"


def _label(text: str, inputs: Mapping) -> str:
    for name, value in inputs.items():
        shown = value if isinstance(value, str) else _plain_number(value)
        text = text.replace("{" + name + "}", str(shown))
    return html.escape(text)


def _plain_number(value) -> str:
    """A number as typed into a field: 1024, 30, 1e+06 (explorer.js writes the same)."""
    if isinstance(value, bool):
        return str(value)
    x = float(value)
    if x == int(x) and abs(x) < 1e6:
        return f"{int(x)}"
    return f"{x:.6g}"


class ComputedView:
    """A form of typed fields, computed in Python in Jupyter and in the page on the site.

    Parameters
    ----------
    view : str
        Dotted name of the view under ``lessons.explore`` (``"chinchilla.isoflop_view"``):
        the Python function there and its JavaScript twin in ``lessons-views.js``.
    compute : callable
        The Python view function: ``compute(**inputs, **data)`` -> ``{"values": dict,
        "chart": dict or None, "warning": str}``.
    fields : sequence of Field
        The inputs, in the order shown.
    outputs : sequence of Output
        The results shown, in order.
    title : str
        A caption above the form.
    data : mapping, optional
        Extra keyword arguments of ``compute`` that are not fields (e.g. bootstrap refits).
    data_json : mapping, optional
        The same data as JSON for the page (e.g. the refits' rows); defaults to ``data``.
    links : mapping, optional
        Field name -> how another field sets it, e.g. the planner's price follows the
        accelerator: ``{"price_per_hour": {"from": "gpu", "values": {gpu: price},
        "notes": {gpu: text}}}``, or restricts its options: ``{"dtype": {"from": "gpu",
        "allowed": {gpu: [dtypes]}}}``. A reader's change of the source resets the field.
    url_state : bool
        Keep the inputs in the page's address (the planner), so a plan can be shared.
    notes : str
        HTML shown under the results (sources, assumptions).
    dpi : int
        Resolution of the Jupyter view's chart [dots per inch].
    """

    def __init__(self, view: str, compute: Callable, fields: Sequence[Field],
                 outputs: Sequence[Output], *, title: str = "", data: Mapping | None = None,
                 data_json: Mapping | None = None, links: Mapping | None = None,
                 url_state: bool = False, notes: str = "", dpi: int = 100) -> None:
        names = [f.name for f in fields]
        if len(set(names)) != len(names):
            raise ValueError(f"ComputedView {view!r}: field names repeat: {names}.")
        self.view = view
        self.compute = compute
        self.fields = list(fields)
        self.outputs = list(outputs)
        self.title = title
        self.data = dict(data or {})
        self.data_json = dict(self.data if data_json is None else data_json)
        self.links = dict(links or {})
        for name, link in self.links.items():
            if name not in names or link.get("from") not in names:
                raise ValueError(f"ComputedView {view!r}: link {name!r} <- {link.get('from')!r} "
                                 "names a field it does not have.")
        self.url_state = url_state
        self.notes = notes
        self.dpi = dpi
        self._live_figure = None

    @property
    def defaults(self) -> dict:
        """The fields' starting values, by name."""
        return {f.name: f.default for f in self.fields}

    def result(self, **inputs) -> dict:
        """The view function at these inputs (missing ones take their defaults)."""
        unknown = set(inputs) - set(self.defaults)
        if unknown:
            raise ValueError(f"unknown field(s) {sorted(unknown)}; expected {list(self.defaults)}.")
        return self.compute(**{**self.defaults, **inputs}, **self.data)

    # --- the site's form -----------------------------------------------------------------

    def _field_html(self, f: Field, uid: str) -> str:
        fid = f"{uid}-{f.name}"
        when = (f' data-when="{html.escape(json.dumps([f.when[0], [str(v) for v in f.when[1]]]))}"'
                if f.when else "")
        note = (f'<span class="lx-note" data-note-for="{html.escape(f.name)}">'
                f'{html.escape(f.note)}</span>' if f.note else "")
        if f.is_choice and f.style == "radio":
            buttons = "".join(
                f'<label class="lx-radio"><input type="radio" name="{html.escape(f.name)}" '
                f'value="{html.escape(_option_value(v))}"{" checked" if v == f.default else ""}>'
                f'<span>{html.escape(n)}</span></label>'
                for v, n in zip(f.options, f.names, strict=True))
            return (f'<fieldset class="lx-field lx-choice"{when}><legend class="lx-label">'
                    f'{html.escape(f.label)}</legend><div class="lx-radios">{buttons}</div>'
                    f'{note}</fieldset>')
        if f.is_choice:
            options = "".join(
                f'<option value="{html.escape(_option_value(v))}"'
                f'{" selected" if v == f.default else ""}>{html.escape(n)}</option>'
                for v, n in zip(f.options, f.names, strict=True))
            control = f'<select id="{fid}" name="{html.escape(f.name)}">{options}</select>'
        else:
            control = (f'<input id="{fid}" type="text" inputmode="decimal" autocomplete="off" '
                       f'spellcheck="false" name="{html.escape(f.name)}" '
                       f'value="{_plain_number(f.default)}">')
            if f.slider:
                control += (f'<input type="range" class="lx-slider" min="0" max="1000" step="1" '
                            f'tabindex="-1" aria-hidden="true" data-for="{html.escape(f.name)}">')
        return (f'<div class="lx-field"{when}><label class="lx-label" for="{fid}">'
                f'{html.escape(f.label)}</label><div class="lx-input">{control}</div>{note}</div>')

    def _outputs_html(self, result: dict, inputs: Mapping) -> str:
        values = result["values"]
        parts, section, rows = [], None, []

        def flush():
            if rows:
                heading = (f'<caption>{html.escape(section)}</caption>' if section else "")
                parts.append(f'<table class="lx-table lx-results">{heading}<tbody>'
                             f'{"".join(rows)}</tbody></table>')

        for out in self.outputs:
            if out.section != section:
                flush()
                rows = []
                section = out.section
            value = values.get(out.field)
            raw = "" if value is None or isinstance(value, str) else repr(float(value))
            label = _label(out.label, inputs)
            rows.append(f'<tr><th scope="row" data-label="{html.escape(out.label)}">{label}</th>'
                        f'<td data-field="{html.escape(out.field)}" data-format="{out.format}" '
                        f'data-value="{raw}">{render_value(value, out.format)}</td></tr>')
        flush()
        return "".join(parts)

    def html(self) -> str:
        """The site's form: fields, Python's results for the defaults, and the view's spec."""
        uid = "lx-" + uuid.uuid4().hex[:10]
        inputs = self.defaults
        result = self.result()
        spec = json.dumps({"view": self.view, "fields": [f.spec() for f in self.fields],
                           "data": self.data_json, "links": self.links, "url": self.url_state},
                          separators=(",", ":"), allow_nan=False).replace("</", "<\\/")
        title = f'<div class="lx-title">{html.escape(self.title)}</div>' if self.title else ""
        warning = html.escape(result.get("warning") or "")
        chart_label = html.escape((result.get("chart") or {}).get("title", ""))
        share = ('<div class="lx-share"><button type="button" class="lx-copy">Copy a link to '
                 'this plan</button><span class="lx-copied" aria-live="polite"></span></div>'
                 if self.url_state else "")
        notes = f'<div class="lx-notes">{self.notes}</div>' if self.notes else ""
        return (f'<div class="{CSS_CLASS} lx-computed" id="{uid}" '
                f'data-lx-view="{html.escape(self.view)}">{title}'
                f'<form class="lx-form" onsubmit="return false">'
                f'{"".join(self._field_html(f, uid) for f in self.fields)}</form>'
                f'<div class="lx-error" role="alert" hidden></div>'
                f'<div class="lx-warning" role="status"{"" if warning else " hidden"}>{warning}</div>'
                f'<div class="lx-view" aria-live="polite">{self._outputs_html(result, inputs)}'
                f'<figure class="lx-chart" role="img" aria-label="{chart_label}"></figure></div>'
                f'{share}{notes}'
                f'<script type="application/json" class="lx-spec">{spec}</script></div>')

    # --- Jupyter --------------------------------------------------------------------------

    def render(self, result: dict, inputs: Mapping, *, live: bool = False) -> str:
        """HTML of one result for the Jupyter view: warning, tables, and the chart as an image."""
        warning = result.get("warning") or ""
        parts = [f'<div class="lx-warning">{html.escape(warning)}</div>' if warning else ""]
        parts.append(self._outputs_html(result, inputs))
        chart = result.get("chart")
        if chart:
            fig = chart_figure(chart)
            if live:
                from .._livefigure import LiveFigure  # matplotlib only once a figure is drawn

                if self._live_figure is None:
                    self._live_figure = LiveFigure(self.dpi)
                parts.append(_img_html(self._live_figure.png(fig), chart.get("title", "")))
            else:
                from .core import _figure_html

                parts.append(_figure_html(fig, self.dpi, chart.get("title", "")))
        return "".join(parts)

    def widget(self):
        """The Jupyter view: typed fields (with sliders), menus and radio buttons, computed live.

        The box carries the CSS class ``lx-widget`` and its output ``lx-view``; an input that
        Python refuses shows Python's message in place of the results.
        """
        import ipywidgets as widgets

        controls, rows = {}, []
        for f in self.fields:
            if f.is_choice:
                options = list(zip(f.names, f.options, strict=True))
                cls = widgets.RadioButtons if f.style == "radio" else widgets.Dropdown
                w = cls(options=options, value=f.default, description=f.label,
                        style={"description_width": "initial"}, layout={"width": "auto"})
                rows.append(w)
            else:
                w = widgets.FloatText(value=float(f.default), description=f.label,
                                      style={"description_width": "initial"},
                                      layout={"width": "auto"})
                rows.append(w)
                if f.slider:
                    rows[-1] = widgets.HBox([w, self._slider(f, w)])
            controls[f.name] = w
        out = widgets.HTML().add_class("lx-view")
        boxes = dict(zip((f.name for f in self.fields), rows, strict=True))

        def update(_change=None):
            inputs = {name: w.value for name, w in controls.items()}
            for f in self.fields:
                if f.when:
                    shown = inputs[f.when[0]] in f.when[1]
                    boxes[f.name].layout.display = None if shown else "none"
            try:
                out.value = self.render(self.result(**inputs), inputs, live=True)
            except ValueError as error:
                out.value = f'<div class="lx-error">{html.escape(str(error))}</div>'

        for name, link in self.links.items():
            self._link(controls[name], controls[link["from"]], link)
        for w in controls.values():
            w.observe(update, names="value")
        update()
        title = [widgets.HTML(f"<b>{html.escape(self.title)}</b>")] if self.title else []
        return widgets.VBox([*title, *rows, out]).add_class("lx-widget")

    @staticmethod
    def _link(target, source, link: Mapping) -> None:
        """The Jupyter side of ``links``: the source's change resets the target."""
        def follow(change):
            key = str(change["new"])
            if "allowed" in link:
                allowed = link["allowed"].get(key)
                if allowed and target.value not in allowed:
                    target.value = allowed[0]
            if "values" in link and key in link["values"]:
                target.value = link["values"][key]

        source.observe(follow, names="value")

    @staticmethod
    def _slider(f: Field, text):
        """A slider kept in step with the typed field (a value typed beyond its ends stays)."""
        import math

        import ipywidgets as widgets

        low, high = f.slider
        if f.log:
            slider = widgets.FloatLogSlider(value=float(f.default), base=10,
                                            min=math.log10(low), max=math.log10(high),
                                            step=0.01, readout=False, continuous_update=False)
        else:
            slider = widgets.FloatSlider(value=float(f.default), min=low, max=high,
                                         step=(high - low) / 100, readout=False,
                                         continuous_update=False)

        def from_slider(change):
            if abs(change["new"] - text.value) > 1e-9 * abs(text.value):
                text.value = float(f"{change['new']:.3g}")

        def from_text(change):
            if low <= change["new"] <= high:
                slider.value = change["new"]

        slider.observe(from_slider, names="value")
        text.observe(from_text, names="value")
        return slider

    def static_html(self) -> str:
        """The default result alone, for notebook viewers without a kernel or a script."""
        return static_block(self.title, [(f.label, html.escape(str(f.default)))
                                        for f in self.fields],
                            self.render(self.result(), self.defaults))

    def _repr_mimebundle_(self, include=None, exclude=None):
        return mime_bundle(self, f"<ComputedView {self.view}: {', '.join(self.defaults)}>")


def chart_figure(chart: Mapping):
    """A matplotlib figure of a view's chart (the Jupyter twin of explorer.js's SVG chart).

    ``chart`` has ``title``, ``xlabel``, ``ylabel``, ``logx``, ``logy``, ``series`` (each
    ``label``, ``x``, ``y``, optional ``y2`` for a band and ``style`` "solid", "dashed" or
    "band") and ``marks`` (each ``label``, ``x``, ``y``). Drawn in the course style
    (:func:`lessons.plots.new_figure`, :func:`lessons.plots.mark`); the legend sits below the
    axes, never over the curves.
    """
    import matplotlib.pyplot as plt

    from .. import plots

    fig, ax = plots.new_figure()
    for s in chart.get("series", []):
        if s.get("style") == "band":
            # A band's two edges as thin lines: a filled polygon would make the live figure
            # (lessons._livefigure) redraw from scratch on every change.
            edge = ax.plot(s["x"], s["y"], ":", lw=1.2, label=s["label"])[0]
            ax.plot(s["x"], s["y2"], ":", lw=1.2, color=edge.get_color())
        else:
            ax.plot(s["x"], s["y"], "--" if s.get("style") == "dashed" else "-",
                    label=s["label"], lw=2)
    for m in chart.get("marks", []):
        plots.mark(fig, m["x"], m["y"], m["label"])
    ax.set_xscale("log" if chart.get("logx") else "linear")
    ax.set_yscale("log" if chart.get("logy") else "linear")
    ax.set_xlabel(chart.get("xlabel", ""))
    ax.set_ylabel(chart.get("ylabel", ""))
    ax.set_title(chart.get("title", ""), fontsize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=8,
              frameon=False)
    plt.close(fig)  # the caller shows it as an image
    return fig


__all__ += ["chart_figure"]

