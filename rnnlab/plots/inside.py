"""Plotly figures for the "Inside the RNN" page: weights, states, gates, gradients, the cell race.

The padding lab's figures are in :mod:`rnnlab.plots.padding_lab`.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnnlab.core import text
from rnnlab.inside.numpy_rnn import Trace
from rnnlab.models.config import CELL_LAYERS
from rnnlab.plots.inert import inert_text

CELL_COLOURS = {"simple_rnn": "#d62728", "lstm": "#1f77b4", "gru": "#2ca02c"}
DIVERGING = "RdBu_r"


def heat_trace(z: np.ndarray, zmax: float | None = None, showscale: bool = False, **kw) -> go.Heatmap:
    """A heatmap on the diverging scale centred on 0, symmetric to ±zmax (default: the largest |z|)."""
    z = np.atleast_2d(np.asarray(z, dtype=float))
    zmax = zmax if zmax is not None else float(np.nanmax(np.abs(z))) or 1.0
    return go.Heatmap(z=z, colorscale=DIVERGING, zmid=0.0, zmin=-zmax, zmax=zmax, showscale=showscale, **kw)


@inert_text
def weight_heatmaps(info: dict, direction: int = 0) -> go.Figure:
    """One heatmap per array (rows: W, U, b, b') and gate (columns), from :func:`rnnlab.inside.weights.layer_weights`."""
    blocks = info["directions"][direction]["blocks"]
    arrays = list(dict.fromkeys(b["array"] for b in blocks))
    gates = list(dict.fromkeys(b["gate"] for b in blocks))
    zmax = max(float(np.max(np.abs(b["values"]))) for b in blocks) or 1.0
    titles = [f"{b['label'].split(' (')[0]} · {b['gate_name']} {b['shape']}" for b in blocks]
    heights = [max(b["shape"][0] if len(b["shape"]) == 2 else 1, 1) for b in blocks[:: len(gates)]]
    fig = make_subplots(
        rows=len(arrays),
        cols=len(gates),
        subplot_titles=titles,
        vertical_spacing=0.12,
        horizontal_spacing=0.04,
        row_heights=[h / sum(heights) for h in heights],
    )
    for b in blocks:
        row, col = arrays.index(b["array"]) + 1, gates.index(b["gate"]) + 1
        fig.add_trace(
            heat_trace(
                b["values"],
                zmax,
                showscale=(row, col) == (1, 1),
                hovertemplate="row %{y}, unit %{x}: %{z:.3f}<extra></extra>",
            ),
            row=row,
            col=col,
        )
    fig.update_yaxes(autorange="reversed", dtick=1)
    fig.update_xaxes(dtick=1)
    fig.update_annotations(font_size=11)
    title = f"{info['name']} — {info['cell_title']}, {info['units']} units, input width {info['input_width']}"
    if info["bidirectional"]:
        title += f" ({info['directions'][direction]['direction']} direction)"
    fig.update_layout(title=title, height=180 + 130 * len(arrays), margin={"t": 90})
    return fig


def _input_traces(fig: go.Figure, trace: Trace, sample: int, feature_names: list[str] | None) -> None:
    x = trace.inputs[sample]
    names = feature_names or [f"x{j}" for j in range(x.shape[1])]
    steps = np.arange(x.shape[0])
    for j in range(x.shape[1]):
        fig.add_trace(go.Scatter(x=steps, y=x[:, j], mode="lines+markers", name=names[j]), row=1, col=1)
    for t in np.flatnonzero(~trace.mask[sample]):
        fig.add_vrect(
            x0=t - 0.5,
            x1=t + 0.5,
            fillcolor="grey",
            opacity=0.25,
            line_width=0,
            layer="above",
            row="all",
            col=1,
        )


@inert_text
def hidden_state_heatmap(
    trace: Trace, sample: int = 0, feature_names: list[str] | None = None, step: int | None = None
) -> go.Figure:
    """Input sequence above, hidden state (units × time) below, on one shared time axis; masked steps grey."""
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        row_heights=[0.35, 0.65],
        vertical_spacing=0.06,
        subplot_titles=("input x_t", "hidden state h_t (unit × time)"),
    )
    _input_traces(fig, trace, sample, feature_names)
    h = trace.states[sample].T
    fig.add_trace(
        heat_trace(
            h,
            showscale=True,
            x=np.arange(h.shape[1]),
            colorbar={"len": 0.6, "y": 0.3},
            hovertemplate="t=%{x}, unit %{y}: %{z:.3f}<extra></extra>",
        ),
        row=2,
        col=1,
    )
    if step is not None:
        fig.add_vline(x=step, line_dash="dot", line_color="black")
    fig.update_xaxes(title_text="time step t", row=2, col=1)
    fig.update_yaxes(title_text="unit", row=2, col=1)
    fig.update_layout(height=520, legend={"orientation": "h", "y": 1.08})
    return fig


@inert_text
def gates_heatmaps(trace: Trace, sample: int = 0, feature_names: list[str] | None = None) -> go.Figure:
    """Input above, then one heatmap per gate (units × time), all on one shared time axis."""
    names = [g for g in trace.gates if g != "cell_state"] + (
        ["cell_state"] if "cell_state" in trace.gates else []
    )
    labels = {
        "i": "input gate i",
        "f": "forget gate f",
        "c": "cell candidate c̃",
        "o": "output gate o",
        "z": "update gate z",
        "r": "reset gate r",
        "h": "candidate h̃",
        "cell_state": "cell state c_t",
    }
    fig = make_subplots(
        rows=len(names) + 1,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.03,
        subplot_titles=["input x_t"] + [labels.get(g, g) for g in names],
    )
    _input_traces(fig, trace, sample, feature_names)
    for r, g in enumerate(names, start=2):
        z = trace.gates[g][sample].T
        fig.add_trace(
            heat_trace(
                z,
                zmax=1.0 if g in "ifozr" else None,
                showscale=False,
                hovertemplate=f"{g}: t=%{{x}}, unit %{{y}}: %{{z:.3f}}<extra></extra>",
            ),
            row=r,
            col=1,
        )
    fig.update_xaxes(title_text="time step t", row=len(names) + 1, col=1)
    fig.update_layout(height=160 + 150 * len(names), showlegend=False)
    return fig


@inert_text
def step_detail_bars(details: dict) -> go.Figure:
    """Bars of x_t, h_{t-1}, each gate and h_t for the chosen step (one row per input feature / unit)."""
    parts = [("x_t", details["x_t"], "x"), ("h_{t-1}", details["h_prev"], "u")]
    parts += [(f"gate {g}", v, "u") for g, v in details["gates"].items()]
    if "c_t" in details:
        parts += [("c_{t-1}", details["c_prev"], "u"), ("c_t", details["c_t"], "u")]
    parts.append(("h_t", details["h_t"], "u"))
    fig = make_subplots(
        rows=1, cols=len(parts), subplot_titles=[p[0] for p in parts], horizontal_spacing=0.03
    )
    for c, (name, values, prefix) in enumerate(parts, start=1):
        values = np.asarray(values, dtype=float)
        colours = ["#1f77b4" if v >= 0 else "#d62728" for v in values]
        fig.add_trace(
            go.Bar(
                y=[f"{prefix}{j}" for j in range(len(values))],
                x=values,
                orientation="h",
                name=name,
                marker_color=colours,
                text=[f"{v:.2f}" for v in values],
                textposition="auto",
                hovertemplate="%{y}: %{x:.4f}<extra>" + text.plotly(name) + "</extra>",
            ),
            row=1,
            col=c,
        )
        fig.update_yaxes(type="category", autorange="reversed", showticklabels=c == 1, row=1, col=c)
    fig.update_xaxes(showticklabels=False, zeroline=True, zerolinecolor="#888")
    masked = " — masked step: the state is carried over" if details.get("masked") else ""
    title = (
        f"step t = {details['t']}{masked}  (bars: features of x_t; units u0, u1, … top to bottom elsewhere)"
    )
    fig.update_layout(title=title, showlegend=False, height=320)
    return fig


@inert_text
def gradient_curves(
    curves: dict[str, np.ndarray], steps: np.ndarray | None = None, title: str = "", mark: int | None = None
) -> go.Figure:
    """Gradient norm against steps before the end on a log y axis; one line per named curve.

    Args:
        curves: name → (T,) gradient norms indexed by steps before the end (NaN/zero gaps are skipped).
        steps: (T,) x values (default 0..T-1).
        mark: a step to mark with a vertical line (the k-steps task's remembered step).
    """
    fig = go.Figure()
    for name, values in curves.items():
        values = np.asarray(values, dtype=float)
        x = np.arange(len(values)) if steps is None else np.asarray(steps)
        keep = np.isfinite(values) & (values > 0)
        colour = CELL_COLOURS.get(name) or CELL_COLOURS.get(name.split()[0].lower())
        fig.add_trace(
            go.Scatter(
                x=x[keep],
                y=values[keep],
                mode="lines+markers",
                name=CELL_LAYERS.get(name, name),
                line={"color": colour} if colour else None,
            )
        )
    if mark is not None:
        fig.add_vline(x=mark, line_dash="dot", annotation_text=f"the sign to remember (k = {mark})")
    fig.update_yaxes(type="log", dtick="D2", tickformat=".0e", title_text="‖∂ prediction / ∂ x_t‖ (log)")
    fig.update_xaxes(title_text="steps before the end (0 = last step)")
    fig.update_layout(title=title or "Gradient through time", height=420)
    return fig


@inert_text
def race_accuracy(results: list[dict], k: int) -> go.Figure:
    """Validation accuracy per cell on the k-steps task, with the 50 % chance line."""
    cells = [r["cell"] for r in results]
    fig = go.Figure(
        go.Bar(
            x=[CELL_LAYERS[c] for c in cells],
            y=[r["accuracy"] for r in results],
            marker_color=[CELL_COLOURS[c] for c in cells],
            text=[_race_label(r) for r in results],
        )
    )
    fig.add_hline(y=0.5, line_dash="dash", annotation_text="chance (50 %)")
    fig.update_yaxes(range=[0, 1.05], title_text="validation accuracy", tickformat=".0%")
    fig.update_layout(title=f"Remember the sign from k = {k} steps ago", height=360)
    return fig


def _race_label(result: dict) -> str:
    solved = result.get("solved_epoch")
    return f"{result['accuracy']:.0%}" + (f" (solved in epoch {solved})" if solved else "")


@inert_text
def race_learning_curves(results: list[dict], k: int) -> go.Figure:
    """Validation accuracy per epoch for each cell of the race, with the 50 % chance line."""
    fig = go.Figure()
    for r in results:
        accuracy = r["history"]["val_accuracy"]
        fig.add_trace(
            go.Scatter(
                x=np.arange(1, len(accuracy) + 1),
                y=accuracy,
                mode="lines+markers",
                name=CELL_LAYERS[r["cell"]],
                line={"color": CELL_COLOURS[r["cell"]]},
            )
        )
    fig.add_hline(y=0.5, line_dash="dash", annotation_text="chance (50 %)")
    fig.update_xaxes(title_text="epoch")
    fig.update_yaxes(range=[0.3, 1.05], title_text="validation accuracy", tickformat=".0%")
    fig.update_layout(
        title=f"Learning to remember k = {k} steps back (a cell stops once it has solved it)", height=360
    )
    return fig
