"""Export a run as one zip (its import back into a workspace is :mod:`rnnlab.runs.run_import`).

The zip holds ``model.keras``, ``config.json`` (dataset with its bundled key or file name and read
options, task, model, training, versions), ``history.csv``, ``predictions.csv`` (test split),
``metrics.json`` (test metrics, baselines, verdict), ``data.csv`` (the data as the framing used it) and
``train_again.py``, which trains the run again with the pinned requirements only and reproduces its test
metrics (:data:`rnnlab.runs.export_script.TOLERANCE`), for every task kind. Only a run whose data can no
longer be read (an upload no longer kept) is exported without those two. A damaged model file is never
shipped as if it were fine. :func:`import_run` and
:func:`check_model` are re-exported here for the pages and the command line.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from rnnlab.core import text
from rnnlab.data import catalog, reader
from rnnlab.runs import export_script
from rnnlab.runs.export_tables import (
    data_frame,
    data_info,
    formula_cells,
    predictions_frame,
    spreadsheet_safe,
)
from rnnlab.runs.record import RunRecord
from rnnlab.runs.run_import import check_model, import_run, model_file_intact
from rnnlab.runs.store import RunStore
from rnnlab.runs.uploads import UploadStore
from rnnlab.task import framing
from rnnlab.task.types import TaskConfig

MEMBERS = ("config.json", "metrics.json", "history.csv", "predictions.csv", "data.csv", "model.keras",
           "train_again.py", "README.txt")  # fmt: skip
FORMAT = 1


def run_dataset(store: RunStore, run: RunRecord):
    """The dataset a run was trained on: its bundled file, or its upload as kept by :class:`UploadStore`.

    Raises:
        ValueError: the data can no longer be read (an upload no longer kept, changed read options).
    """
    ref = run.get("dataset_ref") or {}
    options = ref.get("read_options") or {}
    if not isinstance(options, dict):
        raise ValueError(f"A run's read options must be a dict. Received: {type(options).__name__}")
    if ref.get("source", "bundled") == "bundled" and ref.get("name"):
        return catalog.load_dataset(ref["name"], **options)
    kept = UploadStore(store).for_run(run)
    if kept is None:
        raise ValueError(
            f"The uploaded file this run was trained on is no longer kept. Received: {ref.get('name')!r}"
        )
    return reader.read_csv(kept[1], name=kept[0], **options)


def _framing(run: RunRecord, dataset: Any = None, store: RunStore | None = None):
    """``(dataset, framed)`` for the run, or ``(None, None)`` when its data can no longer be read."""
    try:
        if dataset is None and store is not None:
            dataset = run_dataset(store, run)
        if dataset is None:
            return None, None
        framed = framing.frame(dataset, TaskConfig.from_dict(run["task_config"]))
    except (ValueError, OSError, KeyError, TypeError):  # the data moved or changed: export without the script
        return None, None
    return dataset, framed


def export_bytes(store: RunStore, run_id: str, workspace: str | None = None, dataset: Any = None) -> bytes:
    """The run's zip as bytes (for a download button).

    Args:
        store: The run store.
        run_id: The run.
        workspace: If given, the run must belong to it or be shared.
        dataset: The run's :class:`~rnnlab.data.dataset.SequenceDataset` (default: read again from its
            bundled file or its kept upload, see :func:`run_dataset`).

    Raises:
        ValueError: unknown run.
    """
    run = store.get_run(run_id, workspace=workspace)
    dataset, framed = _framing(run, dataset, store)
    # never the workspace id (a bearer secret: whoever has it can see and delete its runs) or a server path
    config = {key: run.get(key) for key in ("id", "label", "status", "created", "dataset_name",
                                            "dataset_ref", "params", "device", "versions", "message")}  # fmt: skip
    config.update(
        format=FORMAT, task=run["task_config"], model=run["model_config"], train=run["train_config"]
    )
    metrics = {key: run.get(key) for key in ("main_metric", "best_val", "test_metrics", "scoreboard", "best_baseline",
                                             "verdict", "judgement", "skill", "seconds", "epochs_done")}  # fmt: skip
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("config.json", json.dumps(config, indent=2, default=str))
        zf.writestr("metrics.json", json.dumps(metrics, indent=2, default=str))
        zf.writestr("history.csv", spreadsheet_safe(pd.DataFrame(store.history(run_id))).to_csv(index=False))
        preds = predictions_frame(run, store.predictions(run_id), framed)
        if preds is not None:  # class names are the user's: none may run as a spreadsheet formula
            zf.writestr("predictions.csv", spreadsheet_safe(preds).to_csv(index=False))
        model_file = Path(run["model_path"]) if run["model_path"] else store.model_path(run_id)
        if model_file.is_file():
            if not model_file_intact(model_file):  # never shipped as if it were fine
                raise ValueError(
                    f"The run's model file is damaged and cannot be exported: {model_file.name} is not a "
                    "readable .keras file. Train the run again. Received: run_id=" + repr(run_id)
                )
            zf.write(model_file, "model.keras")
        risky = 0
        if framed is not None:
            data = data_frame(dataset, framed)
            risky = formula_cells(data)  # the data keeps its values; README.txt says how many cells to mind
            zf.writestr("data.csv", data.to_csv(index=False))
            script = export_script.render(run_id, run["task_config"], run["model_config"], run["train_config"],
                                          data_info(framed))  # fmt: skip
            zf.writestr("train_again.py", script)
        zf.writestr("README.txt", _readme(run, framed is not None, risky))
    return buf.getvalue()


def export_run(
    store: RunStore, run_id: str, out: str | Path, workspace: str | None = None, dataset: Any = None
) -> Path:
    """Write the run's zip to ``out`` and return its path (see :func:`export_bytes`)."""
    out = Path(out)
    out.write_bytes(export_bytes(store, run_id, workspace, dataset))
    return out


def _readme(run: RunRecord, with_script: bool, formula_cells: int = 0) -> str:
    name = text.clean(run.get("dataset_name"), 200)  # no bidi override or control character from a file name
    lines = [f"rnnlab run {run['id']} on {name} ({run.get('task_kind')}), status {run.get('status')}.",
             "", "model.keras       the trained model (keras.saving.load_model)",
             "config.json       dataset, task, model and training settings, library versions",
             "metrics.json      test metrics, the naive baselines' scoreboard, verdict",
             "history.csv       one row per epoch", "predictions.csv   the model's test-split predictions"]  # fmt: skip
    if with_script:
        lines += ["data.csv          the data as framed (config.json's dataset_ref: its source and read options)",
                  "train_again.py    python train_again.py data.csv --summary summary.json", "",
                  "train_again.py trains the run again and scores its test split; summary.json's \"test\" "
                  "holds the metrics to compare with metrics.json's test_metrics.",
                  export_script.tolerance_text()]  # fmt: skip
    else:
        lines += [
            "",
            "The data could not be framed again here (the uploaded file is no longer kept, or it no longer "
            "reads as it did), so data.csv and train_again.py are missing.",
        ]
    if formula_cells:
        lines += ["", f"Careful: {formula_cells} cell(s) of data.csv (values or column names from the original "
                      "file) start with = + - @ or a tab and are not numbers; a spreadsheet may run them as "
                      "formulas. data.csv keeps them as they were (train_again.py reads them); open it as text, "
                      "or import it with every column as text."]  # fmt: skip
    return "\n".join(lines) + "\n"


__all__ = ["MEMBERS", "check_model", "export_bytes", "export_run", "import_run", "model_file_intact"]
