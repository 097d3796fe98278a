"""Plotly figures for comparing runs: overlaid curves, test metrics beside the baselines,
seed bands and the cell race. Each function returns a ``go.Figure``; no TensorFlow.

Histories are dicts ``{"loss": [...], "val_loss": [...], "mae": [...], ...}`` (one value per
epoch), as :meth:`rnnlab.runs.store.RunStore.history` returns them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.graph_objects as go

from rnnlab.core.metric_registry import direction_text
from rnnlab.evaluation.scoreboard import ScoreRow
from rnnlab.plots.inert import inert_text
from rnnlab.runs.compare import cell_name, run_label, seconds_per_epoch, seed_band
from rnnlab.runs.record import RunRecord

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf")
CELL_COLOURS = {"simple_rnn": "#d62728", "lstm": "#1f77b4", "gru": "#2ca02c", "dense": "#7f7f7f"}
BASELINE_COLOUR = "#b0b0b0"


def _epochs(history: dict[str, list], key: str) -> list[int]:
    return [e + 1 for e in range(len(history.get(key) or []))]


def _layout(fig: go.Figure, title: str, y_title: str) -> go.Figure:
    fig.update_layout(
        title=title,
        xaxis_title="epoch",
        yaxis_title=y_title,
        legend={"orientation": "h", "y": -0.2},
        margin={"t": 50, "l": 50, "r": 20},
        height=420,
    )
    n_epochs = max((max(trace.x) for trace in fig.data if trace.x), default=0)
    fig.update_xaxes(tick0=1, dtick=max(1, math.ceil(n_epochs / 10)))  # whole epochs only
    return fig


@inert_text
def overlay_curves(
    runs: Sequence[RunRecord], histories: dict[str, dict[str, list]], metric: str = "loss"
) -> go.Figure:
    """Train (solid) and validation (dashed) curves of ``metric`` for each run, one colour per run.

    Args:
        runs: Run dicts (``id``, ``label``, ``model_config`` …) in legend order.
        histories: ``{run_id: history}``.
        metric: ``"loss"`` or a metric name such as ``"mae"`` / ``"accuracy"``.
    """
    fig = go.Figure()
    for i, run in enumerate(runs):
        hist = histories.get(run["id"]) or {}
        colour = PALETTE[i % len(PALETTE)]
        label = run_label(run)
        for key, dash, suffix in ((metric, "solid", "train"), (f"val_{metric}", "dash", "val")):
            if hist.get(key):
                fig.add_trace(
                    go.Scatter(
                        x=_epochs(hist, key),
                        y=hist[key],
                        mode="lines+markers",
                        name=f"{label} · {suffix}",
                        line={"color": colour, "dash": dash},
                        marker={"size": 4},
                        legendgroup=run["id"],
                    )
                )
    return _layout(fig, f"{metric}: solid = train, dashed = validation", metric)


@inert_text
def add_ghosts(fig: go.Figure, histories: list[dict[str, list]], key: str = "val_loss") -> go.Figure:
    """Draw earlier runs' ``key`` curves as faint grey lines behind the traces already in ``fig``."""
    ghosts = [
        go.Scatter(
            x=_epochs(h, key),
            y=h[key],
            mode="lines",
            line={"color": "rgba(120,120,120,0.25)", "width": 1.5},
            name="earlier runs" if i == 0 else None,
            showlegend=i == 0,
            legendgroup="ghosts",
            hoverinfo="skip",
        )
        for i, h in enumerate(h for h in histories if h.get(key))
    ]
    fig.add_traces(ghosts)
    fig.data = fig.data[-len(ghosts) :] + fig.data[: -len(ghosts)] if ghosts else fig.data
    return fig


@inert_text
def metric_bars(
    runs: Sequence[RunRecord], metric: str, scoreboard: Sequence[ScoreRow] | None = None
) -> go.Figure:
    """Each run's test ``metric`` as a bar, next to every baseline's test value (grey bars).

    Args:
        runs: Finished run dicts with ``test_metrics``.
        metric: e.g. ``"mae"`` or ``"accuracy"``.
        scoreboard: Baselines as ``[{"name", "val", "test"}]`` (default: the first run's).
    """
    scoreboard = (
        scoreboard
        if scoreboard is not None
        else next((r["scoreboard"] for r in runs if r.get("scoreboard")), [])
    )
    names, values, colours = [], [], []
    for i, run in enumerate(runs):
        value = (run.get("test_metrics") or {}).get(metric)
        if value is not None:
            names.append(run_label(run))
            values.append(value)
            colours.append(PALETTE[i % len(PALETTE)])
    for base in scoreboard or []:
        value = (base.get("test") or {}).get(metric)
        if value is not None:
            names.append(f"baseline: {base['name']}")
            values.append(value)
            colours.append(BASELINE_COLOUR)
    fig = go.Figure(
        go.Bar(
            x=names, y=values, marker_color=colours, text=[f"{v:.3g}" for v in values], textposition="outside"
        )
    )
    better = direction_text(metric)
    fig.update_layout(
        title=f"test {metric} ({better}); grey = naive baselines", yaxis_title=metric, height=420
    )
    return fig


@inert_text
def seed_bands(groups: dict[str, list[dict[str, list]]], key: str = "val_loss") -> go.Figure:
    """For each setting, the mean of ``key`` over its seeds as a line and the min–max as a band.

    Args:
        groups: ``{setting label: [history of each seed]}``.
        key: History key, e.g. ``"val_loss"`` or ``"val_mae"``.
    """
    fig = go.Figure()
    for i, (label, histories) in enumerate(groups.items()):
        band = seed_band(histories, key)
        if not band["epoch"]:
            continue
        colour = PALETTE[i % len(PALETTE)]
        x = [e + 1 for e in band["epoch"]]
        fig.add_trace(
            go.Scatter(
                x=x + x[::-1],
                y=band["max"] + band["min"][::-1],
                fill="toself",
                fillcolor=colour,
                opacity=0.2,
                line={"width": 0},
                name=f"{label}: min–max of {len(histories)} seeds",
                legendgroup=label,
                hoverinfo="skip",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=band["mean"],
                mode="lines",
                line={"color": colour},
                name=f"{label}: mean",
                legendgroup=label,
            )
        )
    return _layout(fig, f"{key}: mean and min–max band over seeds", key)


@inert_text
def race_overlay(
    runs: Sequence[RunRecord], histories: dict[str, dict[str, list]], key: str = "val_loss"
) -> go.Figure:
    """The cell race: ``key`` of each cell, coloured by cell, legend with parameters and time per epoch."""
    fig = go.Figure()
    for run in runs:
        hist = histories.get(run["id"]) or {}
        cell = (run.get("model_config") or {}).get("cell")
        spe = seconds_per_epoch(run)
        params = run.get("params")
        extra = ", ".join(
            part
            for part in (
                f"{params:,} params" if params else "",
                f"{spe:.2f} s/epoch" if spe else "",
                "" if run.get("status") != "running" else "running",
            )
            if part
        )
        fig.add_trace(
            go.Scatter(
                x=_epochs(hist, key),
                y=hist.get(key) or [],
                mode="lines+markers",
                name=f"{cell_name(cell)} ({extra})" if extra else cell_name(cell),
                line={
                    "color": CELL_COLOURS.get(cell or "", "#000000"),
                    "dash": "dot" if cell == "dense" else "solid",
                },
            )
        )
    return _layout(fig, f"race: {key} per epoch", key)
