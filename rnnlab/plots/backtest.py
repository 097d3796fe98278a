"""Plotly figures of a rolling-origin backtest (no TensorFlow).

:func:`origins_figure` draws every origin as one row on the timeline — what it trained on, validated on and
was tested on — with the model's and the chosen baseline's test error written on its test block;
:func:`origin_errors_figure` draws the test error of the model and of every baseline at each origin.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go

from rnnlab.core.metric_registry import format_metric, higher_is_better, metric_label, sort_key
from rnnlab.plots.inert import inert_text

PARTS = (("train", "#c7d7e8"), ("validation", "#9ecae1"), ("test", "#fd8d3c"))
MODEL_COLOUR = "#d62728"
BASELINE_COLOURS = ("#636363", "#969696", "#2ca02c", "#9467bd", "#8c564b", "#17becf", "#bcbd22")


def _axis_values(span: dict) -> tuple[list, bool]:
    """The span's four boundaries on the x axis: its time stamps when it has them, else step numbers."""
    keys = ("start", "val_start", "test_start", "end")
    if "times" in span:
        return [span["times"][k] for k in keys], True
    return [span[k] for k in keys], False


@inert_text
def origins_figure(spans: list[dict], report: dict) -> go.Figure:
    """One row per origin (earliest at the top): train, validation and test blocks on the timeline.

    Args:
        spans: :func:`rnnlab.task.origins.origin_spans` of the backtest's tasks, earliest first.
        report: :func:`rnnlab.runs.backtest.report` of its runs (for the test errors written on the blocks).
    """
    summary = report.get("summary") or {}
    metric, baseline = summary.get("main_metric") or "mae", summary.get("baseline")
    origins = report.get("origins") or []
    fig = go.Figure()
    shown = set()
    for span in spans:
        values, timed = _axis_values(span)
        row = f"origin {span['origin']}"
        for (part, colour), (a, b) in zip(PARTS, zip(values[:-1], values[1:])):
            hover = f"{part}: {a} to {b}"
            fig.add_trace(go.Scatter(
                x=[a, b], y=[row, row], mode="lines", line={"color": colour, "width": 18}, name=part,
                legendgroup=part, showlegend=part not in shown, hovertemplate=hover + "<extra></extra>",
            ))  # fmt: skip
            shown.add(part)
        origin = next((o for o in origins if o["origin"] == span["origin"]), None)
        label = _block_label(origin, metric, baseline)
        if label:
            fig.add_annotation(x=values[2], y=row, text=label, showarrow=False, xanchor="left", yshift=18,
                               font={"size": 11})  # fmt: skip
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(title="time" if spans and "times" in spans[0] else "step of the series")
    fig.update_layout(
        title="Where each origin trains, validates and is tested", height=120 + 60 * len(spans),
        margin={"l": 10, "r": 10, "t": 50, "b": 40}, legend={"orientation": "h", "y": -0.15},
    )  # fmt: skip
    return fig


def _block_label(origin: dict | None, metric: str, baseline: str | None) -> str:
    if origin is None or origin.get("status") not in ("finished", "early_stopped"):
        return "" if origin is None else str(origin.get("status") or "")
    model = (origin.get("model") or {}).get(metric)
    base = next((b.get(metric) for b in origin.get("baselines") or [] if b.get("name") == baseline), None)
    if not isinstance(model, (int, float)) or not isinstance(base, (int, float)) or not math.isfinite(base):
        return ""
    mark = "✓" if sort_key(metric, model) < sort_key(metric, base) else "✗"
    return f"{mark} model {format_metric(metric, model)} · {baseline} {format_metric(metric, base)}"


@inert_text
def origin_errors_figure(report: dict) -> go.Figure:
    """The test error of the model and of every baseline at each origin (lines over the origins)."""
    summary = report.get("summary") or {}
    metric = summary.get("main_metric") or "mae"
    origins = [o for o in report.get("origins") or [] if o.get("status") in ("finished", "early_stopped")]
    x = [f"origin {o['origin']}" for o in origins]
    fig = go.Figure()
    names = list(
        dict.fromkeys(
            b["name"] for o in origins for b in o.get("baselines") or [] if not b.get("sees_targets")
        )
    )
    for i, name in enumerate(names):
        values = [next((b.get(metric) for b in o["baselines"] if b["name"] == name), None) for o in origins]
        chosen = name == summary.get("baseline")
        fig.add_trace(go.Scatter(
            x=x, y=values, mode="lines+markers", name=name + (" (chosen on validation)" if chosen else ""),
            line={"color": BASELINE_COLOURS[i % len(BASELINE_COLOURS)], "width": 3 if chosen else 1.5,
                  "dash": "dot" if any(b.get("reference") or b.get("classical") for o in origins for b in o["baselines"] if b["name"] == name) else "solid"},
        ))  # fmt: skip
    fig.add_trace(go.Scatter(
        x=x, y=[(o.get("model") or {}).get(metric) for o in origins], mode="lines+markers", name="model",
        line={"color": MODEL_COLOUR, "width": 3}, marker={"size": 9},
    ))  # fmt: skip
    fig.update_layout(
        title=f"Test {metric_label(metric)} at each origin ({'higher' if higher_is_better(metric) else 'lower'} is better)",
        xaxis_title="origin (earliest first)", yaxis_title=f"test {metric_label(metric)}",
        margin={"l": 10, "r": 10, "t": 50, "b": 40}, height=380,
    )  # fmt: skip
    return fig


__all__ = ["origin_errors_figure", "origins_figure"]
