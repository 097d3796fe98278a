"""Live training curves: loss and the main metric, train and validation, with the best baseline.

Keras's loss (and MAE) are computed on *standardised* targets. The metric panel is
drawn in original units when there is one standardised target (MAE × y_std, exact);
otherwise it says it is in standardised units. The dashed baseline line is always
in the units of the curve it is drawn on (see :mod:`rnnlab.evaluation.reference`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnnlab.core import metric_registry
from rnnlab.plots.compare import add_ghosts
from rnnlab.plots.inert import inert_text
from rnnlab.runs.record import RunRecord

TRAIN_COLOR = "#1f77b4"
VAL_COLOR = "#ff7f0e"
BASELINE_COLOR = "#555555"


def metric_units(main_metric: str, reference: dict | None) -> tuple[float, str]:
    """The factor that turns Keras's metric into the plotted units, and the panel title.

    Example:
        >>> metric_units("mae", {"y_scale": 2.0})
        (2.0, 'MAE (original units)')
        >>> metric_units("mae", None)
        (1.0, 'MAE (standardised targets)')
    """
    if main_metric != "mae":
        return 1.0, main_metric.replace("_", " ").capitalize()
    scale = (reference or {}).get("y_scale")
    if scale:
        return float(scale), "MAE (original units)"
    return 1.0, "MAE (standardised targets)"


def _baseline_values(main_metric: str, reference: dict | None) -> tuple[float | None, float | None]:
    """(loss baseline, metric baseline) in the plotted units, or None where there is none."""
    if not reference:
        return None, None
    if main_metric != "mae":
        return None, reference.get("value")
    scale = reference.get("y_scale")
    if scale:
        metric = reference.get("value")
        if metric is None and reference.get("scaled_value") is not None:
            metric = reference["scaled_value"] * scale
    else:
        metric = reference.get("scaled_value")
    return reference.get("loss"), metric


@inert_text
def training_figure(
    history: dict[str, list[float]],
    batches: Iterable[dict] = (),
    main_metric: str = "mae",
    reference: dict | None = None,
    classify: bool | None = None,
    epoch_x: list[float] | None = None,
) -> go.Figure:
    """Two panels (loss | main metric) over epochs, updated as training runs.

    Args:
        history: Epoch-level logs so far: ``{"loss": [...], "val_loss": [...], "mae": [...], ...}``.
        batches: Intra-epoch points ``{"x": epochs done (float), "logs": {"loss": ..., metric: ...}}``,
            drawn as faint dots; the newest one also ends the line while its epoch runs.
        main_metric: ``"mae"`` or ``"accuracy"``.
        reference: :func:`rnnlab.evaluation.reference.reference` output (best baseline on validation).
        classify: Whether the loss is cross-entropy (default: ``main_metric == "accuracy"``).
        epoch_x: Position of each epoch's point (default 1, 2, …; an epoch ended by Stop sits where it ended).

    Returns:
        A ``go.Figure`` with train (solid, blue) and validation (orange) curves and the baseline dashed.

    Example:
        >>> fig = training_figure({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "mae": [0.8, 0.6]})
        >>> [t.name for t in fig.data][:2]
        ['train loss', 'val loss']
    """
    classify = main_metric == metric_registry.main_metric("classify") if classify is None else classify
    scale, metric_title = metric_units(main_metric, reference)
    loss_title = "Loss (cross-entropy)" if classify else "Loss (MSE on standardised targets)"
    fig = make_subplots(rows=1, cols=2, subplot_titles=(loss_title, metric_title), horizontal_spacing=0.1)
    batches = list(batches)
    xs = list(epoch_x or [])

    def at(i: int) -> float:
        return xs[i] if i < len(xs) else i + 1

    for col, key, factor in ((1, "loss", 1.0), (2, main_metric, scale)):
        epochs = [(at(i), v * factor) for i, v in enumerate(history.get(key, []))]
        inner = sorted((b["x"], b["logs"][key] * factor) for b in batches if key in b["logs"])
        # the line joins the epochs' values, and runs on to the newest point of the epoch in progress;
        # every running mean within an epoch stays as a faint dot (Keras's mean over an epoch's first
        # few batches is noisy: joined into the line it would saw-tooth at every epoch start)
        ended = epochs[-1][0] if epochs else 0.0
        line = epochs + [p for p in inner[-1:] if p[0] > ended]
        if inner:
            fig.add_trace(
                go.Scatter(
                    x=[p[0] for p in inner], y=[p[1] for p in inner], mode="markers",
                    name=f"train {key} within epochs", marker={"color": TRAIN_COLOR, "size": 4, "opacity": 0.35},
                    legendgroup="train", showlegend=False, hoverinfo="x+y",
                ),
                row=1, col=col,
            )  # fmt: skip
        if line:
            fig.add_trace(
                go.Scatter(
                    x=[p[0] for p in line], y=[p[1] for p in line], mode="lines+markers",
                    name=f"train {key}", line={"color": TRAIN_COLOR}, marker={"size": 6},
                    legendgroup="train", showlegend=col == 1,
                ),
                row=1, col=col,
            )  # fmt: skip
        val = history.get(f"val_{key}", [])
        if val:
            fig.add_trace(
                go.Scatter(
                    x=[at(i) for i in range(len(val))], y=[v * factor for v in val], mode="lines+markers",
                    name=f"val {key}", line={"color": VAL_COLOR}, legendgroup="val", showlegend=col == 1,
                ),
                row=1, col=col,
            )  # fmt: skip
    loss_ref, metric_ref = _baseline_values(main_metric, reference)
    name = (reference or {}).get("name") or "baseline"
    for col, value in ((1, loss_ref), (2, metric_ref)):
        if value is None or not math.isfinite(float(value)):  # NaN would draw a stray diagonal
            continue
        fig.add_hline(
            y=value, line={"dash": "dash", "color": BASELINE_COLOR}, row=1, col=col,
            annotation_text=f"{name} (val)", annotation_position="top left",
        )  # fmt: skip
    fig.update_xaxes(title_text="epoch", rangemode="tozero")
    fig.update_layout(
        height=360, margin={"l": 40, "r": 20, "t": 50, "b": 40},
        legend={"orientation": "h", "y": -0.2}, uirevision="training",
    )  # fmt: skip
    return fig


GHOST_LIMIT = 8  # earlier runs drawn behind the live curves


def earlier_runs(
    runs: Sequence[RunRecord], dataset_ref: dict | None, task: dict | None, exclude: str | None = None
) -> list[str]:
    """Ids of earlier runs on the same data and task (newest first, at most ``GHOST_LIMIT``), for ghosts.

    Args:
        runs: The workspace's runs as :meth:`rnnlab.runs.store.RunStore.list_runs` returns them.
        dataset_ref: The live job's ``dataset_ref``; task: its task config as a dict.
        exclude: The live job's own run id.

    Example:
        >>> ref, task = {"source": "bundled", "name": "ecg200"}, {"kind": "classify"}
        >>> runs = [{"id": "r2", "dataset_ref": ref, "task_config": task, "epochs_done": 3},
        ...         {"id": "r1", "dataset_ref": ref, "task_config": {"kind": "regress"}, "epochs_done": 3}]
        >>> earlier_runs(runs, ref, task)
        ['r2']
    """
    if not dataset_ref or not task:
        return []

    def same_data(ref: dict | None) -> bool:
        keys = ("source", "name", "sha256", "read_options")
        return {k: (ref or {}).get(k) for k in keys} == {k: dataset_ref.get(k) for k in keys}

    out = [
        run["id"]
        for run in runs
        if run["id"] != exclude
        and run.get("epochs_done")
        and same_data(run.get("dataset_ref"))
        and run.get("task_config") == task
    ]
    return out[:GHOST_LIMIT]


@inert_text
def add_run_ghosts(
    fig: go.Figure, histories: list[dict[str, list]], main_metric: str = "mae", reference: dict | None = None
) -> go.Figure:
    """Earlier runs' validation curves, faint, behind the live ones of :func:`training_figure`.

    The loss panel gets ``val_loss``; the metric panel ``val_<main_metric>`` in the same units as the
    live curve (see :func:`metric_units`).

    Args:
        fig: A :func:`training_figure`.
        histories: Earlier runs' per-epoch logs (:meth:`rnnlab.runs.store.RunStore.history`).
    """
    scale, _title = metric_units(main_metric, reference)
    key = f"val_{main_metric}"
    scaled = [{key: [None if v is None else v * scale for v in h.get(key) or []]} for h in histories]
    n_before = len(fig.data)
    add_ghosts(fig, scaled, key)
    for trace in fig.data[: len(fig.data) - n_before]:  # add_ghosts puts its traces first
        trace.update(xaxis="x2", yaxis="y2", showlegend=False)
    add_ghosts(fig, histories, "val_loss")
    return fig
