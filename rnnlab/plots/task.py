"""Plotly figures for the Task page: the series timeline with its splits and one window,
the padding preview, and the baseline scoreboard."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnnlab.evaluation.scoreboard import ScoreRow
from rnnlab.plots.inert import inert_text
from rnnlab.task.splits import NAMES

SPLIT_COLOURS = {
    "train": "rgba(31,119,180,0.10)",
    "val": "rgba(255,127,14,0.16)",
    "test": "rgba(214,39,40,0.13)",
}
MAX_POINTS = 6000


def n_windows(framed) -> int:
    """Windows kept in the three splits together."""
    return sum(len(framed.split(s)) for s in NAMES)


def window_at(framed, number: int) -> dict:
    """The ``number``-th kept window in time order: its split, input steps and target steps (series indices).

    Example:
        ``{"split": "train", "inputs": (0, 11), "targets": [12]}`` for W=12, H=1.
    """
    total = n_windows(framed)
    if not 0 <= number < total:
        raise ValueError(f"`number` must be in [0, {total - 1}]. Received: number={number}")
    for name in NAMES:
        part = framed.split(name)
        if number < len(part):
            first_target = int(part.index[number])
            last_input = first_target - framed.offsets[0]
            targets = [last_input + o for o in framed.offsets]
            return {
                "split": name,
                "inputs": (last_input - framed.n_steps + 1, last_input),
                "targets": targets,
            }
        number -= len(part)
    raise AssertionError("unreachable")


def _x_axis(framed) -> tuple[np.ndarray, str]:
    """Time stamps as Python datetimes (which Plotly shapes accept), numbers, or the step number."""
    t = framed.time_index
    if t is not None and len(t) == len(framed.series):
        t = np.asarray(t)
        if t.dtype.kind == "M":
            return t.astype("datetime64[ms]").astype(object), "time"
        if t.dtype.kind in "ifu":
            return t, "time"
    return np.arange(len(framed.series)), "step"


@inert_text
def timeline(framed, number: int = 0) -> go.Figure:
    """The target series with train / validation / test shaded and window ``number`` highlighted.

    Args:
        framed: A forecast :class:`~rnnlab.task.types.FramedData`.
        number: Which kept window to highlight (0 = the first, in time order).
    """
    x, x_title = _x_axis(framed)
    column = framed.series_names.index(framed.target_names[0])
    y = framed.series[:, column]
    step = max(1, len(y) // MAX_POINTS)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=x[::step], y=y[::step], mode="lines", name=framed.target_names[0],
                             line={"color": "#555", "width": 1}))  # fmt: skip
    offsets = framed.offsets
    for name in NAMES:
        part = framed.split(name)
        if len(part) == 0:
            continue
        lo, hi = int(part.index.min()), int(part.index.max() + offsets[-1] - offsets[0])
        fig.add_vrect(x0=x[lo], x1=x[hi], fillcolor=SPLIT_COLOURS[name], line_width=0, layer="below",
                      annotation_text=f"{name} ({len(part)})", annotation_position="top")  # fmt: skip
    win = window_at(framed, number)
    a, b = win["inputs"]
    fig.add_vrect(x0=x[a], x1=x[b], fillcolor="rgba(44,160,44,0.30)", line_width=1, line_color="green")
    span = np.arange(a, b + 1)
    fig.add_trace(go.Scatter(x=x[span], y=y[span], mode="lines+markers", name=f"input window ({framed.n_steps} steps)",
                             line={"color": "green", "width": 2}, marker={"size": 4}))  # fmt: skip
    targets = np.array(win["targets"])
    fig.add_trace(go.Scatter(x=x[targets], y=y[targets], mode="markers", name="target step(s)",
                             marker={"color": "crimson", "size": 11, "symbol": "star"}))  # fmt: skip
    fig.update_layout(
        title=f"window {number + 1} of {n_windows(framed)} ({win['split']}): inputs {a}…{b}, "
        f"targets {', '.join(str(t) for t in targets)}",
        xaxis_title=x_title, yaxis_title=framed.target_names[0], height=420,
        legend={"orientation": "h", "y": -0.2}, margin={"t": 60},
    )  # fmt: skip
    return fig


def zoom_range(framed, number: int, context: int = 4) -> list:
    """An x range around window ``number`` (a few window lengths of context), for a zoomed view."""
    x, _ = _x_axis(framed)
    win = window_at(framed, number)
    pad = context * framed.n_steps
    lo, hi = max(0, win["inputs"][0] - pad), min(len(x) - 1, win["targets"][-1] + pad)
    return [x[lo], x[hi]]


@inert_text
def padding_preview(
    raw: np.ndarray, padded: np.ndarray, real: np.ndarray, feature: str, pad_value: float | None
) -> go.Figure:
    """One sequence before and after padding (one feature), padded steps marked.

    Args:
        raw: ``(n_steps_i,)`` the sequence as read.
        padded: ``(T,)`` the same sequence after padding/truncation.
        real: ``(T,)`` bool, True on real steps.
        feature: Feature name for the axis.
        pad_value: The pad value (original units), or ``None``.
    """
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True,
                        subplot_titles=(f"before: {len(raw)} steps", f"after: {len(padded)} steps"))  # fmt: skip
    fig.add_trace(
        go.Scatter(y=raw, mode="lines+markers", name="real steps", marker={"color": "#1f77b4"}), 1, 1
    )
    steps = np.arange(len(padded))
    fig.add_trace(go.Scatter(x=steps[real], y=padded[real], mode="lines+markers", name="real steps (padded X)",
                             marker={"color": "#1f77b4"}, showlegend=False), 1, 2)  # fmt: skip
    if (~real).any():
        label = "pad" if pad_value is None else f"pad = {pad_value:g}"
        fig.add_trace(go.Scatter(x=steps[~real], y=padded[~real], mode="markers", name=label,
                                 marker={"color": "#bbb", "symbol": "x", "size": 8}), 1, 2)  # fmt: skip
    fig.update_layout(height=320, yaxis_title=feature, legend={"orientation": "h", "y": -0.25})
    fig.update_xaxes(title_text="step")
    return fig


@inert_text
def padding_example(dataset, framed, split: str = "train") -> go.Figure:
    """:func:`padding_preview` for the split's shortest sequence (the one with the most padding), first input."""
    part = framed.split(split)
    if len(part) == 0:
        raise ValueError(f"The {split} split is empty, so there is no sequence to preview.")
    i = int(np.argmin(part.lengths))
    feature = framed.feature_names[0]
    raw = np.asarray(dataset.sequences[int(part.index[i])])[:, dataset.feature_names.index(feature)]
    real = framed.real_steps(split)[i]
    return padding_preview(raw, part.X[i, :, 0], real, feature, framed.pad_value)


@inert_text
def scoreboard_bars(board: Sequence[ScoreRow], metric: str, best_name: str | None = None) -> go.Figure:
    """Validation and test ``metric`` of every baseline as grouped bars; the best one's name starred."""
    names = [row["name"] + (" ★" if row["name"] == best_name else "") for row in board]
    fig = go.Figure()
    colours = {"val": "#ff7f0e", "test": "#d62728"}
    for split in ("val", "test"):
        fig.add_trace(
            go.Bar(
                x=names, y=[row[split].get(metric) for row in board], name=split, marker_color=colours[split]
            )
        )
    fig.update_layout(
        barmode="group", yaxis_title=metric, height=340, title=f"baselines: {metric} (★ best on validation)"
    )
    return fig


def scoreboard_table(board: Sequence[ScoreRow], best_name: str | None = None, digits: int = 4) -> list[dict]:
    """Flat rows for a table: ``{"baseline", "val <metric>" …, "test <metric>" …}``; the best row starred.

    A column with no value at all (validation metrics when there is no validation split) is left out, and
    a single missing value shows as "—", never as a literal None.
    """
    rows = []
    for row in board:
        flat: dict[str, str | float | None] = {
            "baseline": ("★ " if row["name"] == best_name else "") + row["name"]
        }
        for split in ("val", "test"):
            for metric, value in row[split].items():
                missing = value is None or not np.isfinite(value)
                flat[f"{split} {metric}"] = None if missing else round(float(value), digits)
        rows.append(flat)
    keys = list(rows[0]) if rows else []
    empty = {k for k in keys if all(r[k] is None for r in rows)}
    gaps = {k for k in keys if k not in empty and any(r[k] is None for r in rows)}  # one type per column
    return [
        {k: ("—" if v is None else f"{v:g}") if k in gaps else v for k, v in r.items() if k not in empty}
        for r in rows
    ]


@inert_text
def sequence_timeline(framed, max_sequences: int = 20) -> go.Figure:
    """A forecast of a collection: for each sequence, the steps whose targets are train, validation or test.

    One row per sequence (the first ``max_sequences``); split by time, every row ends in validation then
    test; split by sequence, each row has one colour.
    """
    colours = {"train": "#1f77b4", "val": "#ff7f0e", "test": "#d62728"}
    ids = list(framed.sequence_ids)
    shown = list(range(min(len(ids), max_sequences)))
    fig = go.Figure()
    for name in NAMES:
        part = framed.split(name)
        xs, ys = [], []
        for seq in shown:
            steps = np.asarray(part.index)[np.asarray(part.sequence) == seq]
            if len(steps):
                reach = max(framed.offsets) - min(framed.offsets)
                xs += [int(steps.min()), int(steps.max()) + reach, None]
                ys += [str(ids[seq]), str(ids[seq]), None]
        fig.add_trace(
            go.Scatter(x=xs, y=ys, mode="lines", name=name, line={"color": colours[name], "width": 10})
        )
    more = f" (first {len(shown)} of {len(ids)})" if len(ids) > len(shown) else ""
    fig.update_layout(
        title=f"Target steps of each sequence by split{more}",
        xaxis_title="step in the sequence",
        yaxis={"autorange": "reversed", "type": "category"},
        height=max(220, 28 * len(shown) + 120),
        margin={"t": 60, "l": 90, "r": 20, "b": 40},
    )
    return fig
