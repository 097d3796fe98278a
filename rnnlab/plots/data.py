"""Plotly figures for the Data page. Large data is subsampled for drawing only, never for reading.

Every builder takes a :class:`~rnnlab.data.dataset.SequenceDataset` and returns a
``plotly.graph_objects.Figure``; random choices take a ``seed`` so "draw
others" is reproducible.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnnlab.core.words import plural
from rnnlab.data.dataset import SequenceDataset
from rnnlab.plots.inert import inert_text

MAX_POINTS = 2_000  # points drawn per trace
MAX_SERIES_POINTS = 10_000  # points drawn for a whole series
MAX_PANELS = 6  # features shown at once
MAX_CLASSES = 12
COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]


def thin(n: int, limit: int) -> np.ndarray:
    """Indices of at most ``limit`` evenly spaced points out of ``n``.

    Example:
        >>> thin(10, 4).tolist()
        [0, 3, 6, 9]
    """
    if n <= limit:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, limit).round().astype(np.int64))


def _features(dataset: SequenceDataset, features: list[str] | None) -> list[int]:
    names = features or dataset.feature_names[:MAX_PANELS]
    return [dataset.feature_names.index(n) for n in names if n in dataset.feature_names][:MAX_PANELS]


def pick_sequences(dataset: SequenceDataset, n: int, seed: int) -> np.ndarray:
    """``n`` distinct sequence indices drawn with ``seed`` (sorted)."""
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(dataset.n_sequences, size=min(n, dataset.n_sequences), replace=False))


def _label_text(dataset: SequenceDataset, i: int) -> str:
    text = f"{dataset.ids[i]}"
    if dataset.labels is not None:
        text += f" (label {dataset.labels[i]})"
    return text


@inert_text
def random_sequences(
    dataset: SequenceDataset, seed: int = 0, n: int = 5, features: list[str] | None = None
) -> go.Figure:
    """A few random sequences, one panel per feature (x = step).

    Args:
        dataset: The data.
        seed: Which sequences are drawn; the same seed draws the same ones.
        n: How many sequences.
        features: Feature names to show (default: the first six).
    """
    columns = _features(dataset, features)
    chosen = pick_sequences(dataset, n, seed)
    fig = make_subplots(
        rows=len(columns),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.04,
        subplot_titles=[dataset.feature_names[j] for j in columns],
    )
    for k, i in enumerate(chosen):
        seq = dataset.sequences[i]
        idx = thin(len(seq), MAX_POINTS)
        for row, j in enumerate(columns, start=1):
            fig.add_trace(
                go.Scatter(
                    x=idx,
                    y=seq[idx, j],
                    mode="lines",
                    name=_label_text(dataset, i),
                    legendgroup=str(i),
                    showlegend=row == 1,
                    line={"color": COLORS[k % len(COLORS)], "width": 1.5},
                ),
                row=row,
                col=1,
            )
    fig.update_xaxes(title_text="step", row=len(columns), col=1)
    if max(len(dataset.sequences[i]) for i in chosen) <= 20:
        fig.update_xaxes(dtick=1)
    fig.update_layout(
        height=180 + 170 * len(columns),
        title=f"{plural(len(chosen), 'random sequence')}",
        margin={"t": 70, "l": 50, "r": 20, "b": 40},
    )
    return fig


@inert_text
def feature_histograms(
    dataset: SequenceDataset, features: list[str] | None = None, bins: int = 40
) -> go.Figure:
    """Histogram of every value of each feature (counts computed with NumPy over all steps)."""
    columns = _features(dataset, features)
    n_cols = min(3, len(columns))
    n_rows = int(np.ceil(len(columns) / n_cols))
    fig = make_subplots(rows=n_rows, cols=n_cols, subplot_titles=[dataset.feature_names[j] for j in columns])
    stacked = np.concatenate(dataset.sequences)
    for k, j in enumerate(columns):
        counts, edges = np.histogram(stacked[:, j], bins=bins)
        fig.add_trace(
            go.Bar(
                x=(edges[:-1] + edges[1:]) / 2,
                y=counts,
                width=np.diff(edges),
                marker_color=COLORS[0],
                showlegend=False,
                name=dataset.feature_names[j],
            ),
            row=k // n_cols + 1,
            col=k % n_cols + 1,
        )
    fig.update_layout(
        height=120 + 230 * n_rows,
        title="Values of each feature",
        bargap=0.02,
        margin={"t": 70, "l": 50, "r": 20, "b": 40},
    )
    return fig


@inert_text
def length_histogram(dataset: SequenceDataset) -> go.Figure:
    """How many sequences have each length."""
    lengths = dataset.lengths
    values, counts = np.unique(lengths, return_counts=True)
    exact = len(values) <= 60
    if not exact:
        counts, edges = np.histogram(lengths, bins=40)
        values = (edges[:-1] + edges[1:]) / 2
    fig = go.Figure(go.Bar(x=values, y=counts, marker_color=COLORS[2], name="sequences"))
    if exact:  # whole steps only: one tick per length that occurs (never 139.6 … 140.4 around one length)
        fig.update_xaxes(type="category")  # the lengths come sorted from np.unique
    title = "Sequence lengths"
    if len(values) == 1:
        title = f"Sequence lengths: all {plural(int(counts[0]), 'sequence')} have {plural(int(values[0]), 'step')}"
    fig.update_layout(
        title=title,
        xaxis_title="steps",
        yaxis_title="sequences",
        height=320,
        margin={"t": 60, "l": 50, "r": 20, "b": 40},
    )
    return fig


@inert_text
def class_grid(
    dataset: SequenceDataset, seed: int = 0, per_class: int = 3, feature: str | None = None
) -> go.Figure:
    """For class labels: a grid with one panel per class showing a few of its sequences."""
    counts = dataset.classes  # label → count; None unless the labels are classes
    if counts is None:
        raise ValueError("A class grid needs class labels. Received: a dataset without class labels")
    j = dataset.feature_names.index(feature) if feature in dataset.feature_names else 0
    labels = np.asarray(dataset.labels).astype(str)
    classes = list(counts)[:MAX_CLASSES]
    n_cols = min(3, len(classes))
    n_rows = int(np.ceil(len(classes) / n_cols))
    fig = make_subplots(
        rows=n_rows,
        cols=n_cols,
        shared_yaxes=True,
        subplot_titles=[f"class {c} ({counts[c]})" for c in classes],
    )
    rng = np.random.default_rng(seed)
    for k, name in enumerate(classes):
        members = np.flatnonzero(labels == name)
        chosen = rng.choice(members, size=min(per_class, len(members)), replace=False)
        for m, i in enumerate(chosen):
            seq = dataset.sequences[i]
            idx = thin(len(seq), MAX_POINTS)
            fig.add_trace(
                go.Scatter(
                    x=idx,
                    y=seq[idx, j],
                    mode="lines",
                    showlegend=False,
                    name=str(dataset.ids[i]),
                    line={"color": COLORS[m % len(COLORS)], "width": 1},
                ),
                row=k // n_cols + 1,
                col=k % n_cols + 1,
            )
    fig.update_layout(
        height=120 + 220 * n_rows,
        title=f"Examples per class ({dataset.feature_names[j]})",
        margin={"t": 70, "l": 50, "r": 20, "b": 40},
    )
    return fig


@inert_text
def whole_series(dataset: SequenceDataset, features: list[str] | None = None) -> go.Figure:
    """The whole (first) series against time with a range slider; thinned to ≤ 10,000 points per trace."""
    columns = _features(dataset, features)
    seq = dataset.sequences[0]
    idx = thin(len(seq), MAX_SERIES_POINTS)
    x = dataset.time_index[idx] if dataset.time_index is not None else idx
    fig = go.Figure()
    for k, j in enumerate(columns):
        fig.add_trace(
            go.Scatter(
                x=x,
                y=seq[idx, j],
                mode="lines",
                name=dataset.feature_names[j],
                line={"color": COLORS[k % len(COLORS)], "width": 1.2},
            )
        )
    title = "The whole series" + (
        f" ({len(idx):,} of {len(seq):,} points drawn)" if len(idx) < len(seq) else ""
    )
    fig.update_layout(
        title=title,
        height=440,
        xaxis={"rangeslider": {"visible": True}, "title": dataset.time_name or "step"},
        margin={"t": 60, "l": 50, "r": 20, "b": 40},
    )
    return fig


def one_series(dataset: SequenceDataset) -> bool:
    """Whether the data is drawn as one whole series (a series layout, or a single sequence) rather than
    as random sequences, their lengths and classes."""
    return dataset.layout == "series" or dataset.n_sequences == 1
