"""Plotly figures for the padding lab on the "Inside the RNN" page: metric, predictions and states per
padding variant (see :func:`rnnlab.inside.padding_lab.run_lab`)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnnlab.core.metric_registry import direction_text
from rnnlab.plots.inert import inert_text
from rnnlab.plots.inside import heat_trace


@inert_text
def padding_metrics(lab: dict) -> go.Figure:
    """Validation metric per padding variant; the reference setup (post-padding with a mask) in green, named
    in the title, so a variant that scores higher on a small demo is not read as the recommended one."""
    variants = lab["variants"]
    fig = go.Figure(
        go.Bar(
            x=[v["key"] for v in variants],
            y=[v["val_metric"] for v in variants],
            text=[f"{v['val_metric']:.3g}" for v in variants],
            marker_color=["#2ca02c" if v["key"] == "post_mask" else "#7f7f7f" for v in variants],
        )
    )
    better = direction_text(lab["metric"])
    fig.update_layout(
        title={
            "text": f"Validation {lab['metric']} ({better})",
            "subtitle": {"text": "green: post-padding with a Masking layer, the reference setup"},
        },
        height=340,
    )
    return fig


@inert_text
def padding_predictions(lab: dict) -> go.Figure:
    """Each variant's prediction on the same validation sequences (side by side), with the true target."""
    n = len(lab["targets"])
    labels = [f"seq {i} ({lab['lengths'][i]} steps)" for i in range(n)]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=np.arange(n) - 0.3,
            y=lab["targets"],
            mode="markers",
            name="target",
            marker={"symbol": "star", "size": 16, "color": "black"},
        )
    )
    for j, v in enumerate(lab["variants"]):
        offset = -0.15 + j * 0.15
        fig.add_trace(
            go.Scatter(
                x=np.arange(n) + offset,
                y=v["predictions"],
                mode="markers",
                name=v["key"],
                marker={"size": 11, "symbol": "circle-open", "line": {"width": 3}},
            )
        )
    fig.update_xaxes(tickvals=list(range(n)), ticktext=labels)
    if lab["classes"]:
        fig.update_yaxes(
            tickvals=list(range(len(lab["classes"]))), ticktext=lab["classes"], title_text="class"
        )
    else:
        fig.update_yaxes(title_text="prediction (standardised)")
    fig.update_layout(title="Predictions on the same validation sequences", height=380)
    return fig


@inert_text
def padding_states(lab: dict) -> go.Figure:
    """One sequence's hidden state through its post-padded steps, with and without the mask (same weights)."""
    states = lab["states"]
    zmax = float(max(np.abs(states["with_mask"]).max(), np.abs(states["without_mask"]).max())) or 1.0
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        subplot_titles=(
            "with mask: the state stays put over the pads",
            "without mask: the pads keep changing the state",
        ),
    )
    for r, key in enumerate(["with_mask", "without_mask"], start=1):
        fig.add_trace(heat_trace(states[key].T, zmax, showscale=r == 1), row=r, col=1)
        fig.add_vrect(
            x0=lab["state_length"] - 0.5,
            x1=lab["max_length"] - 0.5,
            fillcolor="grey",
            opacity=0.2,
            line_width=0,
            row=r,
            col=1,
        )
    fig.update_xaxes(title_text="time step t (grey: padding)", row=2, col=1)
    fig.update_yaxes(title_text="unit")
    fig.update_layout(height=440, title="Hidden state through the padded steps")
    return fig
