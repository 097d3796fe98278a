"""Plotly figures of a trained model's test predictions (no TensorFlow).

Forecast: the real series with the predicted points; tag: truth and prediction per
step; regress: predicted against true; classify: confusion matrix and predicted
probabilities per true class; every regression-type task: residual histogram.
With the run's conformal intervals (:mod:`rnnlab.evaluation.uncertainty`) the
forecast, tag and regression charts draw them as a band; a classifier's
calibration is drawn as a reliability diagram.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnnlab.plots.inert import inert_text

TRUTH = "#444444"
PRED = "#d62728"
BAND = "rgba(214, 39, 40, 0.15)"


def interval_halfwidths(uncertainty: dict | None, n_steps: int, n_targets: int) -> np.ndarray | None:
    """The intervals' half-widths as ``(n_steps, n_targets)`` (horizon steps; one row for a tag or a
    regression), or ``None`` when the run has none that fit these shapes.

    Example:
        >>> interval_halfwidths({"kind": "intervals", "q": [1.0, 2.0]}, 2, 1).tolist()
        [[1.0], [2.0]]
        >>> interval_halfwidths({"kind": "intervals", "q": None}, 1, 1) is None
        True
    """
    q = (uncertainty or {}).get("q") if (uncertainty or {}).get("kind") == "intervals" else None
    if q is None:
        return None
    q = np.asarray(q, dtype=float)
    if q.size != n_steps * n_targets or not np.all(np.isfinite(q)):
        return None
    return q.reshape(n_steps, n_targets)


def _band(fig: go.Figure, x, low, high, *, first: bool, level: float | None, **where) -> None:
    """A filled band between ``low`` and ``high`` over ``x`` (one legend entry for all of a figure's bands)."""
    name = f"{level * 100:.0f} % interval" if level else "interval"
    common = {"legendgroup": "interval", "mode": "lines", "line": {"width": 0}, "hoverinfo": "skip"}
    fig.add_trace(go.Scatter(x=x, y=high, showlegend=False, name=name, **common), **where)
    fig.add_trace(
        go.Scatter(x=x, y=low, fill="tonexty", fillcolor=BAND, showlegend=first, name=name, **common), **where
    )


def sample_indices(n: int, k: int = 4) -> np.ndarray:
    """``k`` test samples spread evenly over ``n`` (all when ``n ≤ k``).

    Example:
        >>> sample_indices(10, 3).tolist()
        [0, 4, 9]
    """
    if n <= 0:
        return np.zeros(0, dtype=int)
    return np.unique(np.linspace(0, n - 1, min(k, n)).round().astype(int))


@inert_text
def forecast_figure(
    framed,
    predictions: np.ndarray,
    k: int = 4,
    target: int = 0,
    sequence: int | None = None,
    uncertainty: dict | None = None,
) -> go.Figure:
    """The real series over the test period with the predicted points of ``k`` test windows (and their
    intervals as a band when ``uncertainty`` holds them).

    Args:
        framed: Forecast :class:`~rnnlab.task.types.FramedData` (``series``, ``test.index``, ``offsets``).
        predictions: ``(n_test,)``, ``(n_test, H)`` or ``(n_test, H, n_targets)`` in original units.
        k: Windows to draw (one-step forecasts draw every test prediction instead).
        target: Which target column to draw.
        sequence: A collection: which sequence (index in the dataset) to draw; default its first.
        uncertainty: The run's ``uncertainty`` (:func:`rnnlab.evaluation.uncertainty.intervals`).
    """
    test = framed.split("test")
    pred = np.asarray(predictions, dtype=float).reshape(len(test.y), -1, len(framed.target_names) or 1)
    offsets = np.asarray(framed.offsets)
    names = list(framed.series_names)
    name = framed.target_names[target] if framed.target_names else names[0]
    column = names.index(name) if name in names else 0
    series, index, where = framed.series, test.index, ""
    which, sequence = sequence, getattr(test, "sequence", None)
    if sequence is not None and getattr(framed, "panel", None) is not None and len(sequence):
        # a collection: one sequence's test windows against its own values
        chosen = int(sequence[0]) if which is None or which not in set(sequence.tolist()) else int(which)
        mine = sequence == chosen
        series, index, pred = framed.panel[chosen], index[mine], pred[mine]
        where = f" in sequence {framed.sequence_ids[chosen]}"
    first, last = int(index.min()), int(index.max() + offsets[-1] - offsets[0])
    start = max(0, first - int(framed.n_steps))
    fig = go.Figure()
    if series is not None:
        xs = np.arange(start, min(last + 1, len(series)))
        fig.add_trace(go.Scatter(x=xs, y=series[xs, column], name=f"{name} (real)", line={"color": TRUTH}))
    steps = offsets - offsets[0]
    if pred.shape[1] == 1:
        fig.add_trace(
            go.Scatter(
                x=index, y=pred[:, 0, target], mode="markers", name="predicted", marker={"color": PRED}
            )
        )
    else:
        for n, i in enumerate(sample_indices(len(index), k)):
            fig.add_trace(
                go.Scatter(
                    x=index[i] + steps,
                    y=pred[i, :, target],
                    mode="lines+markers",
                    name="predicted" if n == 0 else f"window {i}",
                    legendgroup="predicted",
                    showlegend=n == 0,
                    line={"color": PRED, "dash": "dot"},
                )
            )
    q = interval_halfwidths(uncertainty, pred.shape[1], pred.shape[2])
    if q is not None:
        level = (uncertainty or {}).get("level")
        if pred.shape[1] == 1:
            order = np.argsort(index, kind="stable")
            mid = pred[order, 0, target]
            _band(fig, index[order], mid - q[0, target], mid + q[0, target], first=True, level=level)
        else:
            for n, i in enumerate(sample_indices(len(index), k)):
                mid, half = pred[i, :, target], q[:, target]
                _band(fig, index[i] + steps, mid - half, mid + half, first=n == 0, level=level)
    fig.add_vline(x=first, line={"dash": "dash", "color": "#999999"})
    fig.update_layout(
        title=f"Test forecasts of {name}{where}",
        xaxis_title="step in the sequence" if where else "step in the series",
        yaxis_title=name,
    )
    return fig


@inert_text
def tag_figure(
    framed, predictions: np.ndarray, k: int = 4, target: int = 0, uncertainty: dict | None = None
) -> go.Figure:
    """Truth and prediction per step on ``k`` test sequences (real steps only), with the intervals as a band."""
    test = framed.split("test")
    idx = sample_indices(len(test.y), k)
    fig = make_subplots(
        rows=len(idx), cols=1, shared_xaxes=False, subplot_titles=[f"test sample {i}" for i in idx]
    )
    truth = np.asarray(test.y, dtype=float).reshape(len(test.y), framed.n_steps, -1)
    pred = np.asarray(predictions, dtype=float).reshape(truth.shape)
    real = framed.real_steps("test")
    for row, i in enumerate(idx, start=1):
        steps = np.flatnonzero(real[i])
        for values, label, color in ((truth, "truth", TRUTH), (pred, "predicted", PRED)):
            fig.add_trace(
                go.Scatter(
                    x=steps,
                    y=values[i, steps, target],
                    name=label,
                    legendgroup=label,
                    showlegend=row == 1,
                    line={"color": color},
                    mode="lines+markers",
                ),
                row=row,
                col=1,
            )
    q = interval_halfwidths(uncertainty, 1, truth.shape[2])
    if q is not None:
        for row, i in enumerate(idx, start=1):
            steps = np.flatnonzero(real[i])
            mid = pred[i, steps, target]
            _band(fig, steps, mid - q[0, target], mid + q[0, target], first=row == 1,
                  level=(uncertainty or {}).get("level"), row=row, col=1)  # fmt: skip
    fig.update_layout(title="Per-step predictions on test sequences", height=max(300, 220 * len(idx)))
    return fig


@inert_text
def regression_figure(framed, predictions: np.ndarray, uncertainty: dict | None = None) -> go.Figure:
    """Predicted against true on the whole test split, with the identity line; with one target and its
    interval ``ŷ ± q``, the band ``true ± q`` around that line holds exactly the covered samples."""
    truth = np.asarray(framed.split("test").y, dtype=float).ravel()
    pred = np.asarray(predictions, dtype=float).ravel()
    ok = np.isfinite(truth) & np.isfinite(pred)
    lo, hi = (float(np.min(truth[ok])), float(np.max(truth[ok]))) if ok.any() else (0.0, 1.0)
    fig = go.Figure(
        [
            go.Scatter(x=truth[ok], y=pred[ok], mode="markers", name="test samples", marker={"color": PRED}),
            go.Scatter(
                x=[lo, hi], y=[lo, hi], mode="lines", name="perfect", line={"dash": "dash", "color": TRUTH}
            ),
        ]
    )
    q = interval_halfwidths(uncertainty, 1, 1)
    if q is not None:
        _band(fig, [lo, hi], [lo - q[0, 0], hi - q[0, 0]], [lo + q[0, 0], hi + q[0, 0]], first=True,
              level=(uncertainty or {}).get("level"))  # fmt: skip
    fig.update_layout(title="Predicted against true (test)", xaxis_title="true", yaxis_title="predicted")
    return fig


@inert_text
def residual_histogram(framed, predictions: np.ndarray) -> go.Figure:
    """Histogram of ``predicted − true`` on the test split (padded steps left out)."""
    truth = np.asarray(framed.split("test").y, dtype=float)
    residual = (np.asarray(predictions, dtype=float).reshape(truth.shape) - truth).ravel()
    residual = residual[np.isfinite(residual)]
    fig = go.Figure(go.Histogram(x=residual, name="residual", marker={"color": PRED}))
    fig.add_vline(x=0.0, line={"dash": "dash", "color": TRUTH})
    fig.update_layout(
        title="Residuals on test (predicted − true)", xaxis_title="residual", yaxis_title="count"
    )
    return fig


def confusion_counts(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    """``(n_classes, n_classes)`` counts, rows = true class, columns = predicted.

    Example:
        >>> confusion_counts(np.array([0, 1, 1]), np.array([0, 0, 1]), 2).tolist()
        [[1, 0], [1, 1]]
    """
    flat = np.asarray(y_true, dtype=int) * n_classes + np.asarray(y_pred, dtype=int)
    return np.bincount(flat, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


@inert_text
def confusion_heatmap(framed, proba: np.ndarray) -> go.Figure:
    """The test confusion matrix as a heatmap with counts in the cells (tagging: over the real steps)."""
    names = [str(c) for c in framed.class_names]
    y = np.asarray(framed.split("test").y)
    pred = np.asarray(proba).argmax(axis=-1).reshape(y.shape)
    real = y >= 0
    counts = confusion_counts(y[real], pred[real], len(names))
    fig = go.Figure(
        go.Heatmap(z=counts, x=names, y=names, colorscale="Blues", text=counts, texttemplate="%{text}")
    )
    fig.update_layout(
        title="Confusion matrix (test)",
        xaxis_title="predicted class",
        yaxis_title="true class",
        yaxis={"autorange": "reversed"},
    )
    return fig


@inert_text
def probability_histograms(framed, proba: np.ndarray, max_classes: int = 6) -> go.Figure:
    """Per class c: histograms of the predicted probability of c, for samples of class c and of other classes.

    With two classes only the second (positive) class is drawn, as the course does.
    """
    names = [str(c) for c in framed.class_names]
    y = np.asarray(framed.split("test").y, dtype=int)
    proba = np.asarray(proba, dtype=float)
    classes = [1] if len(names) == 2 else list(range(min(len(names), max_classes)))
    fig = make_subplots(rows=len(classes), cols=1, subplot_titles=[f"P({names[c]})" for c in classes])
    for row, c in enumerate(classes, start=1):
        for members, label, color in ((y == c, f"true {names[c]}", PRED), (y != c, "other classes", TRUTH)):
            fig.add_trace(
                go.Histogram(
                    x=proba[members, c],
                    name=label,
                    opacity=0.6,
                    marker={"color": color},
                    xbins={"start": 0.0, "end": 1.0, "size": 0.05},
                    showlegend=True,
                ),
                row=row,
                col=1,
            )
    fig.update_layout(
        barmode="overlay",
        title="Predicted probabilities by true class (test)",
        height=max(300, 250 * len(classes)),
    )
    return fig


def result_figures(
    framed, predictions: np.ndarray, sequence: int | None = None, uncertainty: dict | None = None
) -> list[go.Figure]:
    """Every figure the Results page shows for this task, in order (``sequence``: which one of a collection
    forecast to draw; ``uncertainty``: the run's intervals, drawn as a band)."""
    kind = framed.config.kind
    if kind == "classify":
        return [confusion_heatmap(framed, predictions), probability_histograms(framed, predictions)]
    if framed.is_class_task:  # a class per step
        return [confusion_heatmap(framed, predictions)]
    if kind == "forecast":
        first = forecast_figure(framed, predictions, sequence=sequence, uncertainty=uncertainty)
    elif kind == "tag":
        first = tag_figure(framed, predictions, uncertainty=uncertainty)
    else:
        first = regression_figure(framed, predictions, uncertainty=uncertainty)
    return [first, residual_histogram(framed, predictions)]


@inert_text
def reliability_figure(uncertainty: dict) -> go.Figure:
    """The reliability diagram of a classifier: accuracy against mean confidence per confidence bin (the
    diagonal is perfect calibration), and below it how many test predictions fell in each bin."""
    bins = [b for b in uncertainty.get("bins") or [] if b.get("count")]
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.7, 0.3], vertical_spacing=0.08)
    fig.add_trace(
        go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="perfectly calibrated",
                   line={"dash": "dash", "color": TRUTH}),
        row=1, col=1,
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(x=[b["confidence"] for b in bins], y=[b["accuracy"] for b in bins], mode="lines+markers",
                   name="the model", marker={"color": PRED, "size": 8}, line={"color": PRED},
                   customdata=[[b["low"], b["high"], b["count"]] for b in bins],
                   hovertemplate="confidence %{customdata[0]:.1f}–%{customdata[1]:.1f}: mean %{x:.2f}, "
                   "accuracy %{y:.2f} (%{customdata[2]} predictions)<extra></extra>"),
        row=1, col=1,
    )  # fmt: skip
    fig.add_trace(
        go.Bar(x=[(b["low"] + b["high"]) / 2 for b in bins], y=[b["count"] for b in bins],
               width=[b["high"] - b["low"] for b in bins], name="predictions per bin",
               marker={"color": TRUTH}, opacity=0.5),
        row=2, col=1,
    )  # fmt: skip
    ece = uncertainty.get("ece")
    title = "Reliability of the predicted probabilities (test)"
    if ece is not None and np.isfinite(ece):
        title += f": expected calibration error {ece:.3f}"
    fig.update_layout(title=title, height=460)
    fig.update_xaxes(range=[0, 1], row=1, col=1)
    fig.update_xaxes(range=[0, 1], title_text="confidence (the top predicted probability)", row=2, col=1)
    fig.update_yaxes(range=[0, 1.02], title_text="accuracy", row=1, col=1)
    fig.update_yaxes(title_text="count", row=2, col=1)
    return fig
