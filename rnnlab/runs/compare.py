"""Comparing runs: labels, the sortable runs table, race and seed-band variants, seed statistics.

Pure Python over the dicts :class:`rnnlab.runs.store.RunStore` returns; no TensorFlow, no Streamlit.

Example:
    >>> rows = table_rows(store.list_runs(ws))           # doctest: +SKIP
    >>> from rnnlab.models.config import ModelConfig
    >>> [m.cell for m in race_models(ModelConfig(units=(16,)))]
    ['simple_rnn', 'lstm', 'gru', 'dense']
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from rnnlab.evaluation.verdict import race_line, verdict_of
from rnnlab.jobs.types import JobSpec
from rnnlab.models.config import CELL_LAYERS
from rnnlab.runs.record import RunRecord
from rnnlab.runs.store import new_run_id

CELL_NAMES = {**CELL_LAYERS, "dense": "Dense (flattened)"}
RACE_CELLS = ("simple_rnn", "lstm", "gru", "dense")


def cell_name(cell: str | None) -> str:
    """``"GRU"`` for ``"gru"``; ``"model"`` for a run that recorded no model configuration."""
    return CELL_NAMES.get(cell, cell) if cell else "model"


def run_label(run: RunRecord) -> str:
    """A short human label: the run's own label, or ``"GRU 16·8 · ecg200 · 3f2a"``."""
    if run.get("label"):
        return str(run["label"])
    model = run.get("model_config") or {}
    units = "·".join(str(u) for u in model.get("units") or [])
    bi = " bi" if model.get("bidirectional") else ""
    seed = (run.get("train_config") or {}).get("seed")
    seed_txt = f" s{seed}" if seed else ""
    name = f"{cell_name(model.get('cell'))}{bi} {units}".strip()
    cutoff = int((run.get("task_config") or {}).get("cutoff") or 0)
    origin = f" · origin −{cutoff} steps" if cutoff else ""  # a backtest's earlier origin
    return f"{name}{seed_txt} · {run.get('dataset_name') or 'no dataset'}{origin} · {run['id'][-4:]}"


def seconds_per_epoch(run: RunRecord) -> float | None:
    seconds, epochs = run.get("seconds"), run.get("epochs_done") or 0
    return None if not seconds or not epochs else float(seconds) / epochs


def table_rows(runs: Sequence[RunRecord]) -> list[dict[str, Any]]:
    """One flat row per run for the sortable table: dataset, task, cell, units, layers, params, best val
    metric, test metric, verdict, time, status."""
    rows = []
    for run in runs:
        model = run.get("model_config") or {}
        units = model.get("units") or []
        rows.append(
            {
                "id": run["id"],
                "run": run_label(run),
                "dataset": run.get("dataset_name"),
                "task": run.get("task_kind"),
                "cell": cell_name(model.get("cell")),
                "units": "·".join(str(u) for u in units),
                "layers": len(units),
                "params": run.get("params"),
                "metric": run.get("main_metric"),
                "best val": run.get("best_val"),
                "test": run.get("test_value"),
                "verdict": verdict_cell(run),
                "seconds": None if (seconds := run.get("seconds")) is None else round(float(seconds), 1),
                "s/epoch": None if (spe := seconds_per_epoch(run)) is None else round(spe, 2),
                "status": run.get("status"),
                "shared": bool(run.get("shared")),
            }
        )
    return rows


def verdict_cell(run: Mapping[str, Any]) -> str:
    """The verdict in a few words for a table (``win +31 % vs last value``, ``tie with …``), from the run's
    :class:`~rnnlab.evaluation.verdict.Verdict`; a run judged before verdicts were objects keeps its sentence."""
    judged = verdict_of(run)
    if judged is None:
        return str(run.get("verdict") or "")
    return judged.short + (f" · {judged.n_test} test {judged.unit}" if judged.small_test else "")


def default_selection(runs: Sequence[RunRecord], race_run_ids: list[str]) -> list[str]:
    """The runs Compare selects by default: the newest race whole (every cell, SimpleRNN included) when
    there is one, else the newest three runs.

    Example:
        >>> default_selection([{"id": "r4"}, {"id": "r3"}, {"id": "r2"}, {"id": "r1"}], ["r1", "r2", "r3", "r4"])
        ['r1', 'r2', 'r3', 'r4']
        >>> default_selection([{"id": "b"}, {"id": "a"}], [])
        ['b', 'a']
    """
    ids = [run["id"] for run in runs]
    race = [run_id for run_id in race_run_ids if run_id in ids]
    return race or ids[:3]


def race_verdicts(runs: Sequence[RunRecord]) -> dict[str, Any]:
    """A race's verdicts: one per contestant (``[(cell name, Verdict | None)]``) and the winner line
    (:func:`rnnlab.evaluation.verdict.race_line`)."""
    entries = [(cell_name((run.get("model_config") or {}).get("cell")), verdict_of(run)) for run in runs]
    return {"entries": entries, "winner": race_line(entries)}


def race_models(model: Any) -> list[Any]:
    """The race: the same ModelConfig (units, stacking, head, dropout) as SimpleRNN, LSTM, GRU and the
    dense reference on the flattened window."""
    return [model.replace(cell=cell) for cell in RACE_CELLS]


def seed_trains(train: Any, n: int) -> list[Any]:
    """``n`` TrainConfigs that differ only in their seed (the first keeps the current seed).

    Raises:
        ValueError: ``n`` is not between 2 and 10.
    """
    if isinstance(n, bool) or not isinstance(n, int) or not 2 <= n <= 10:
        raise ValueError(f"`n` seeds must be an integer between 2 and 10. Received: n={n!r}")
    return [train.replace(seed=train.seed + i) for i in range(n)]


def seed_band(histories: list[dict[str, list]], key: str) -> dict[str, list[float]]:
    """Mean, min and max per epoch of ``key`` over several runs' histories (epochs any run reached).

    Example:
        >>> seed_band([{"loss": [3.0, 1.0]}, {"loss": [1.0]}], "loss")
        {'epoch': [0, 1], 'mean': [2.0, 1.0], 'min': [1.0, 1.0], 'max': [3.0, 1.0], 'n': [2, 1]}
    """
    n_epochs = max((len(h.get(key) or []) for h in histories), default=0)
    out: dict[str, list] = {"epoch": [], "mean": [], "min": [], "max": [], "n": []}
    for epoch in range(n_epochs):
        values = [
            float(h[key][epoch])
            for h in histories
            if epoch < len(h.get(key) or [])
            and h[key][epoch] is not None
            and math.isfinite(float(h[key][epoch]))
        ]
        if not values:
            continue
        out["epoch"].append(epoch)
        out["mean"].append(sum(values) / len(values))
        out["min"].append(min(values))
        out["max"].append(max(values))
        out["n"].append(len(values))
    return out


def band_key(histories: list[dict[str, list]], metric: str) -> str:
    """``val_<metric>`` when the runs have a validation split, else ``<metric>`` (training).

    Example:
        >>> band_key([{"mae": [1.0]}], "mae"), band_key([{"val_mae": [1.0]}], "mae")
        ('mae', 'val_mae')
    """
    return f"val_{metric}" if any(h.get(f"val_{metric}") for h in histories) else metric


def same_setting_groups(runs: Sequence[RunRecord]) -> dict[str, list[RunRecord]]:
    """Runs grouped by everything but the seed (dataset, task, model, other training settings)."""
    groups: dict[str, list[RunRecord]] = {}
    for run in runs:
        train = {k: v for k, v in (run.get("train_config") or {}).items() if k != "seed"}
        key = json.dumps(
            [run.get("dataset_ref"), run.get("task_config"), run.get("model_config"), train], sort_keys=True
        )
        groups.setdefault(key, []).append(run)
    return groups


def variant_specs(
    dataset: Any,
    dataset_ref: dict,
    task: Any,
    model: Any,
    train: Any,
    workspace: str,
    session_id: str,
    mode: str = "race",
    n_seeds: int = 3,
    client: str = "",
) -> list[Any]:
    """The :class:`~rnnlab.jobs.types.JobSpec` list for a race (4 cells) or a seed band (``n_seeds`` seeds).

    The specs share one ``group`` (``"race:<id>"`` or ``"seeds:<id>"``), by which any tab of the workspace
    finds the request's jobs again (:func:`rnnlab.jobs.workspace.latest_group`).

    Raises:
        ValueError: unknown ``mode`` or a bad ``n_seeds``.
    """
    if mode == "race":
        pairs = [(m, train) for m in race_models(model)]
    elif mode == "seeds":
        pairs = [(model, t) for t in seed_trains(train, n_seeds)]
    else:
        raise ValueError(f"`mode` must be 'race' or 'seeds'. Received: mode={mode!r}")
    group = f"{mode}:{uuid.uuid4().hex[:12]}"
    return group_specs(
        dataset, dataset_ref, [(task, m, t) for m, t in pairs], workspace, session_id, group, client
    )


def group_specs(
    dataset: Any, dataset_ref: dict, settings: list[tuple[Any, Any, Any]], workspace: str, session_id: str,
    group: str, client: str = "",
) -> list[JobSpec]:  # fmt: skip
    """One :class:`~rnnlab.jobs.types.JobSpec` per ``(task, model, train)`` of ``settings``, all in ``group`` (a
    race, a seed band, a backtest's origins), each with a run id of its own."""
    return [
        JobSpec(
            dataset=dataset,
            dataset_ref=dataset_ref,
            task=task,
            model=model,
            train=train,
            workspace=workspace,
            session_id=session_id,
            run_id=new_run_id(),
            group=group,
            client=client,
        )  # fmt: skip
        for task, model, train in settings
    ]


def curve_metrics(runs: Sequence[RunRecord]) -> list[str]:
    """The main metrics of ``runs``, sorted, each once (``"mae"`` for a run that names none).

    Example:
        >>> curve_metrics([{"main_metric": "accuracy"}, {}, {"main_metric": "accuracy"}])
        ['accuracy', 'mae']
    """
    return sorted({run.get("main_metric") or "mae" for run in runs})


def band_groups(runs: Sequence[RunRecord], histories: dict[str, dict]) -> dict[str, list[dict]]:
    """Histories of the runs trained with the same setting (two runs or more), under a label per setting.

    Args:
        runs: Runs as the store lists them. histories: run id → its history.

    Returns:
        ``{"GRU(8) … ×3": [history, …]}`` for each setting with at least two runs.
    """
    return {
        run_label(group[0]) + f" ×{len(group)}": [histories[run["id"]] for run in group]
        for group in same_setting_groups(runs).values()
        if len(group) >= 2
    }


def board_choices(
    runs: Sequence[RunRecord], dataset_name: str | None, task_kind: str | None
) -> list[tuple[str, str]]:
    """The (dataset, task kind) pairs a class board can show: the runs', the session's current one first.

    Example:
        >>> board_choices([{"dataset_name": "ecg200", "task_kind": "classify"}], "sunspots", "forecast")
        [('sunspots', 'forecast'), ('ecg200', 'classify')]
    """
    pairs = sorted({(r["dataset_name"], kind) for r in runs if (kind := r.get("task_kind"))})
    if dataset_name and task_kind is not None and (dataset_name, task_kind) not in pairs:
        pairs.insert(0, (dataset_name, task_kind))
    return pairs
