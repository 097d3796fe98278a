"""Plotly figures of a trained model's test predictions (no TensorFlow).

Forecast: the real series with the predicted points; tag: truth and prediction per
step; regress: predicted against true; classify: confusion matrix and predicted
probabilities per true class; every regression-type task: residual histogram.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnnlab.plots.inert import inert_text

TRUTH = "#444444"
PRED = "#d62728"


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
    framed, predictions: np.ndarray, k: int = 4, target: int = 0, sequence: int | None = None
) -> go.Figure:
    """The real series over the test period with the predicted points of ``k`` test windows.

    Args:
        framed: Forecast :class:`~rnnlab.task.types.FramedData` (``series``, ``test.index``, ``offsets``).
        predictions: ``(n_test,)``, ``(n_test, H)`` or ``(n_test, H, n_targets)`` in original units.
        k: Windows to draw (one-step forecasts draw every test prediction instead).
        target: Which target column to draw.
        sequence: A collection: which sequence (index in the dataset) to draw; default its first.
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
    fig.add_vline(x=first, line={"dash": "dash", "color": "#999999"})
    fig.update_layout(
        title=f"Test forecasts of {name}{where}",
        xaxis_title="step in the sequence" if where else "step in the series",
        yaxis_title=name,
    )
    return fig


@inert_text
def tag_figure(framed, predictions: np.ndarray, k: int = 4, target: int = 0) -> go.Figure:
    """Truth and prediction per step on ``k`` test sequences (real steps only)."""
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
    fig.update_layout(title="Per-step predictions on test sequences", height=max(300, 220 * len(idx)))
    return fig


@inert_text
def regression_figure(framed, predictions: np.ndarray) -> go.Figure:
    """Predicted against true on the whole test split, with the identity line."""
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


def result_figures(framed, predictions: np.ndarray, sequence: int | None = None) -> list[go.Figure]:
    """Every figure the Results page shows for this task, in order (``sequence``: which one of a collection
    forecast to draw)."""
    kind = framed.config.kind
    if kind == "classify":
        return [confusion_heatmap(framed, predictions), probability_histograms(framed, predictions)]
    if framed.is_class_task:  # a class per step
        return [confusion_heatmap(framed, predictions)]
    if kind == "forecast":
        first = forecast_figure(framed, predictions, sequence=sequence)
    elif kind == "tag":
        first = tag_figure(framed, predictions)
    else:
        first = regression_figure(framed, predictions)
    return [first, residual_histogram(framed, predictions)]
