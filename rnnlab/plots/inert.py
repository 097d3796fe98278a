"""Every figure's text made inert: user strings in Plotly labels can never become tags or links.

Plotly renders a small set of HTML tags in any text it draws (titles, axis titles and tick labels,
legend names, annotations, bar texts, hover texts): a run label ``<a href=…>`` from an imported zip
would be a live link inside a chart. :func:`inert_text` decorates every figure builder of
:mod:`rnnlab.plots`; it escapes ``<`` and ``>`` (:func:`rnnlab.core.text.plotly`) in all those places of
the finished figure. Hover templates are the builders' own (their ``%{…}`` values are data, shown as
text) and are left alone; a builder that puts a user string into a template escapes it itself.

Example:
    >>> import plotly.graph_objects as go
    >>> fig = make_inert(go.Figure(go.Bar(x=["<b>a</b>"], y=[1], name="<a href='x'>r</a>")))
    >>> fig.data[0].name, list(fig.data[0].x)
    ("&lt;a href='x'&gt;r&lt;/a&gt;", ['&lt;b&gt;a&lt;/b&gt;'])
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import plotly.graph_objects as go

from rnnlab.core import text

TRACE_TEXT = ("name", "text", "hovertext", "x", "y", "labels", "legendgrouptitle")
AXIS_TEXT = ("ticktext", "categoryarray")


def _inert(value: Any) -> Any:
    """Strings escaped, lists and string arrays element-wise; anything else unchanged (``None`` = no change)."""
    if isinstance(value, str):
        out = text.plotly(value)
        return None if out == value else out
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "OUS":
            return None
        value = value.tolist()
    if isinstance(value, (list, tuple)) and any(isinstance(v, str) for v in value):
        items = [text.plotly(v) if isinstance(v, str) else v for v in value]
        return None if items == list(value) else items
    return None


def _text(obj) -> None:
    """Escape ``obj.text`` in place (an object without text, or ``None``, is left alone)."""
    value = getattr(obj, "text", None)
    if value and (new := _inert(value)) is not None:
        obj.text = new


def _title(obj) -> None:
    """Escape the text of ``obj``'s title in place."""
    _text(getattr(obj, "title", None))


def make_inert(fig: go.Figure) -> go.Figure:
    """Escape ``<`` and ``>`` in every text of ``fig`` (in place; returned for chaining)."""
    for trace in fig.data:
        _inert_trace(trace)
    layout = fig.layout
    _title(layout)
    _title(layout.legend)
    for axis in _axes(layout):
        _title(axis)
        for prop in AXIS_TEXT:
            new = _inert(axis[prop])
            if new is not None:
                axis[prop] = new
    for annotation in layout.annotations or ():
        _text(annotation)
    return fig


def _inert_trace(trace) -> None:
    """Escape a trace's texts in place: its names, texts, labels, legend group title and table cells."""
    for prop in TRACE_TEXT:
        if prop not in trace:
            continue
        if prop == "legendgrouptitle":
            _text(trace[prop])
            continue
        new = _inert(trace[prop])
        if new is not None:
            trace[prop] = new
    if "header" in trace and "cells" in trace:  # tables
        for part in (trace.header, trace.cells):
            values = part.values
            if values is not None:
                part.values = [(_inert(col) or col) for col in values]


def _axes(layout) -> list:
    """The layout's x and y axes (``xaxis``, ``yaxis2`` …) that are set."""
    names = [n for n in dir(layout) if n.startswith(("xaxis", "yaxis")) and n[5:].isdigit() | (n[5:] == "")]
    return [layout[name] for name in names if layout[name] is not None]


def inert_text(builder: Callable[..., go.Figure]) -> Callable[..., go.Figure]:
    """Decorator for a figure builder: its figure goes through :func:`make_inert`."""

    @functools.wraps(builder)
    def wrapper(*args, **kwargs) -> go.Figure:
        return make_inert(builder(*args, **kwargs))

    return wrapper
