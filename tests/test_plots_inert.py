"""Every figure builder's text is inert: hostile names, labels and ids never become Plotly tags."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from rnnlab.data.dataset import SequenceDataset
from rnnlab.plots import compare, data
from rnnlab.plots.inert import make_inert

EVIL = "<a href='http://127.0.0.2/x'>click</a><img src=x>"


def _texts(fig: go.Figure) -> list[str]:
    """Every string Plotly would draw (templates excepted)."""
    out: list[str] = []

    def walk(value, key=""):
        if "template" in key:
            return
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v, key)

    payload = fig.to_plotly_json()
    walk(payload["data"])
    walk({k: v for k, v in payload["layout"].items() if k != "template"})
    return out


def _assert_inert(fig: go.Figure) -> None:
    texts = _texts(fig)
    assert any("click" in t for t in texts), "the hostile text must still be shown, as text"
    assert not [t for t in texts if "<a" in t or "<img" in t]


def _dataset() -> SequenceDataset:
    rng = np.random.default_rng(0)
    seqs = [rng.normal(size=(6, 2)) for _ in range(6)]
    labels = np.array([EVIL, "b"] * 3, dtype=object)
    return SequenceDataset(EVIL, "long", seqs, [EVIL, "ok"], labels=labels, label_names=[EVIL],
                           label_kind="class", ids=[EVIL + str(i) for i in range(6)])  # fmt: skip


def test_data_figures_escape_column_names_labels_and_ids():
    ds = _dataset()
    for fig in (data.random_sequences(ds, 0, 3), data.feature_histograms(ds), data.class_grid(ds)):
        _assert_inert(fig)


def test_compare_figures_escape_run_labels():
    runs = [
        {
            "id": "run-1",
            "label": EVIL,
            "model_config": {"cell": "gru", "units": [4]},
            "test_metrics": {"mae": 0.3},
        }
    ]
    histories = {"run-1": {"epoch": [0, 1], "loss": [1.0, 0.5], "val_loss": [1.1, 0.6]}}
    _assert_inert(compare.overlay_curves(runs, histories))
    _assert_inert(compare.metric_bars(runs, "mae"))


def test_make_inert_is_idempotent_and_keeps_templates():
    fig = go.Figure(go.Scatter(x=[1], y=[2], name=EVIL, hovertemplate="%{y}<extra></extra>"))
    fig.update_layout(title=EVIL, xaxis_title=EVIL)
    fig.add_annotation(text=EVIL, x=1, y=2)
    once = make_inert(fig).to_plotly_json()
    twice = make_inert(go.Figure(once)).to_plotly_json()
    assert (
        once["data"][0]["name"]
        == twice["data"][0]["name"]
        == ("&lt;a href='http://127.0.0.2/x'&gt;click&lt;/a&gt;&lt;img src=x&gt;")
    )
    assert once["data"][0]["hovertemplate"] == "%{y}<extra></extra>"
    _assert_inert(go.Figure(once))


def test_every_figure_builder_is_decorated():
    import importlib
    import inspect
    import pkgutil

    import rnnlab.plots

    builders = []
    for info in pkgutil.iter_modules(rnnlab.plots.__path__):
        module = importlib.import_module(f"rnnlab.plots.{info.name}")
        if info.name == "inert":
            continue
        for name, func in inspect.getmembers(module, inspect.isfunction):
            figure = inspect.signature(func).return_annotation in ("go.Figure", go.Figure)
            if func.__module__ == module.__name__ and not name.startswith("_") and figure:
                builders.append(func)
    assert len(builders) > 20
    assert [f.__qualname__ for f in builders if not hasattr(f, "__wrapped__")] == []
