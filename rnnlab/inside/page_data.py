"""What the "Inside the RNN" page looks at: the model to preselect, sequences to feed it, and run findings.

No TensorFlow import here; a loaded Keras model is passed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from rnnlab.core.metric_registry import higher_is_better
from rnnlab.core.words import plural
from rnnlab.evaluation import detectors


def input_shape(model: Any) -> tuple[int, int]:
    """(T, F) the model expects.

    Raises:
        ValueError: when the model does not take a fixed-length 3-D input.
    """
    shape = tuple(model.inputs[0].shape) if getattr(model, "inputs", None) else tuple(model.input_shape)
    if len(shape) != 3 or shape[1] is None or shape[2] is None:
        raise ValueError(
            f"The model must take (batch, steps, features) inputs. Received: input shape {shape}"
        )
    return int(shape[1]), int(shape[2])


def example_inputs(model: Any, framed: Any = None, n: int = 16, seed: int = 0) -> tuple[np.ndarray, str]:
    """Sequences to feed the model: the current task's test split when it fits, else seeded random ones.

    Args:
        model: a Keras model. framed: a :class:`rnnlab.task.types.FramedData` or None.
        n: how many sequences at most.

    Returns:
        ``(X (n, T, F) float32 model-ready, note)`` — the note says where the sequences come from.
    """
    T, F = input_shape(model)
    if framed is not None:
        for split in ("test", "val", "train"):
            try:
                X = framed.scaled(split)[0]
            except (ValueError, KeyError, AttributeError):
                continue
            if X.ndim == 3 and X.shape[1:] == (T, F) and len(X):
                return X[:n].astype(
                    np.float32
                ), f"{plural(len(X[:n]), 'sequence')} from the {split} split of the current task"
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, T, F)).astype(np.float32)
    return X, (
        f"{n} random standard-normal sequences of shape ({T}, {F}): the current task's data does not match "
        "this model's input, so the weights are shown on stand-in inputs"
    )


def run_findings(
    run: Mapping[str, Any] | None,
    history: dict | None,
    predictions: Mapping[str, Any] | None,
    framed: Any = None,
) -> list[dict]:
    """Failure-detector findings for a stored run (see :func:`rnnlab.evaluation.detectors.run_all`).

    Args:
        run: the store's run dict (``task_config``, ``main_metric``, ``test_value``, ``scoreboard``, …) or None.
        history: per-epoch logs. predictions: ``{"y_pred", "y_true"}`` or None.
        framed: the current task's :class:`rnnlab.task.types.FramedData` (scaling and padding checks) or None.
    """
    run = run or {}
    kwargs: dict[str, Any] = {"history": history or None}
    if predictions and predictions.get("y_true") is not None:
        y_pred = np.asarray(predictions["y_pred"], dtype=np.float64)
        y_true = np.asarray(predictions["y_true"], dtype=np.float64)
        if run.get("task_kind") != "classify" and y_pred.size == y_true.size:
            kwargs.update(y_true=y_true, y_pred=y_pred)
    metric, value = run.get("main_metric"), run.get("test_value")
    board = run.get("scoreboard") or []
    if metric and value is not None and board:
        scored = [
            (b["val"][metric], b["test"][metric], b["name"])
            for b in board
            if metric in (b.get("test") or {}) and metric in (b.get("val") or {})
        ]
        if scored:  # the best baseline is chosen on validation and reported on test
            _, best_value, best_name = max(scored) if higher_is_better(metric) else min(scored)
            kwargs.update(
                metric=metric,
                model_value=float(value),
                baseline_value=float(best_value),
                baseline_name=best_name,
            )
    task = run.get("task_config") or {}
    padding = task.get("padding") or {}
    if "padded_share" in run and "mask" in padding:
        kwargs.update(padded_share=run["padded_share"], mask=bool(padding["mask"]))
    found = detectors.run_all(**kwargs)
    if framed is not None:
        train = framed.split("train")
        checks = [
            detectors.unscaled_inputs(
                train.X, bool(framed.config.scale), framed.feature_names, framed.real_steps("train")
            ),
            detectors.padding_without_mask(float(framed.padded_share), bool(framed.mask)),
        ]
        found += [c for c in checks if c is not None and c["name"] not in {f["name"] for f in found}]
    return found


def latest_finished_run(manager: Any, job_ids: list[str]) -> str | None:
    """The run id of this session's newest job that ended with a model (finished or stopped), else None."""
    if manager is None:
        return None
    for job_id in reversed(list(job_ids or [])):
        try:
            status = manager.status(job_id)
        except (KeyError, ValueError):
            continue
        if status.state in ("finished", "stopped"):
            return status.run_id
    return None


def default_model_index(models: list[dict], run_id: str | None) -> int:
    """Index of ``run_id`` in ``models`` (the newest, 0, when absent)."""
    ids = [m["run_id"] for m in models]
    return ids.index(run_id) if run_id in ids else 0


def equation_key(trace: Any) -> str:
    """Which cell equation a trace follows: its cell, or ``"gru_reset_before"`` for a GRU with
    ``reset_after=False`` (the reset gate applied before the recurrent kernel)."""
    if trace.cell == "gru" and trace.spec is not None and not trace.spec.reset_after:
        return "gru_reset_before"
    return trace.cell


def n_steps(trace: Any) -> int:
    """How many time steps a trace covers."""
    return int(trace.states.shape[1])


def feature_labels(framed: Any, inputs: np.ndarray) -> list[str] | None:
    """The framed data's feature names when they describe ``inputs``' last axis, else ``None``."""
    if framed is None or len(framed.feature_names) != inputs.shape[2]:
        return None
    return list(framed.feature_names)


def weight_rows(info: dict) -> list[dict]:
    """One row per weight array of :func:`rnnlab.inside.weights.layer_weights`: its name and shape."""
    return [{"array": a["name"], "shape": str(a["shape"])} for a in info["arrays"]]
