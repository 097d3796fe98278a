"""Export a run as one zip, and import such a zip back into a workspace.

The zip holds ``model.keras``, ``config.json`` (dataset, task, model, training, versions),
``history.csv``, ``predictions.csv`` (test split), ``metrics.json`` (test metrics, baselines,
verdict), ``data.csv`` (the data as the framing used it) and ``train_again.py`` (numpy, pandas
and keras only). Importing reads only those names from memory — nothing is extracted to a path
taken from the archive — and loads the model with ``safe_mode=True`` in a separate process, so
a model that carries code (a ``Lambda`` layer) is refused before it touches the server.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from rnnlab.data import catalog, reader
from rnnlab.models.config import ModelConfig
from rnnlab.runs import export_script
from rnnlab.runs.export_tables import data_frame, data_info, predictions_frame
from rnnlab.runs.store import RunStore, new_run_id
from rnnlab.runs.uploads import UploadStore
from rnnlab.task import framing
from rnnlab.task.types import TaskConfig
from rnnlab.training.config import TrainConfig

MEMBERS = ("config.json", "metrics.json", "history.csv", "predictions.csv", "data.csv", "model.keras",
           "train_again.py", "README.txt")  # fmt: skip
MAX_MEMBER_BYTES = 512 * 1024 * 1024
FORMAT = 1


def run_dataset(store: RunStore, run: dict[str, Any]):
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


def _framing(run: dict[str, Any], dataset: Any = None, store: RunStore | None = None):
    """``(dataset, framed)`` for the run, or ``(None, None)`` when its data can no longer be read."""
    try:
        if dataset is None and store is not None:
            dataset = run_dataset(store, run)
        if dataset is None:
            return None, None
        return dataset, framing.frame(dataset, TaskConfig.from_dict(run["task_config"]))
    except (ValueError, OSError, KeyError, TypeError):  # the data moved or changed: export without the script
        return None, None


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
    config = {key: run.get(key) for key in ("id", "workspace", "label", "status", "created", "dataset_name",
                                            "dataset_ref", "params", "device", "versions", "message")}  # fmt: skip
    config.update(
        format=FORMAT, task=run["task_config"], model=run["model_config"], train=run["train_config"]
    )
    metrics = {key: run.get(key) for key in ("main_metric", "best_val", "test_metrics", "scoreboard", "best_baseline",
                                             "verdict", "skill", "seconds", "epochs_done")}  # fmt: skip
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("config.json", json.dumps(config, indent=2, default=str))
        zf.writestr("metrics.json", json.dumps(metrics, indent=2, default=str))
        zf.writestr("history.csv", pd.DataFrame(store.history(run_id)).to_csv(index=False))
        preds = predictions_frame(run, store.predictions(run_id), framed)
        if preds is not None:
            zf.writestr("predictions.csv", preds.to_csv(index=False))
        model_file = Path(run["model_path"]) if run.get("model_path") else store.model_path(run_id)
        if model_file.is_file():
            zf.write(model_file, "model.keras")
        if framed is not None:
            zf.writestr("data.csv", data_frame(dataset, framed).to_csv(index=False))
            script = export_script.render(run_id, run["task_config"], run["model_config"], run["train_config"],
                                          data_info(framed))  # fmt: skip
            zf.writestr("train_again.py", script)
        zf.writestr("README.txt", _readme(run, framed is not None))
    return buf.getvalue()


def export_run(
    store: RunStore, run_id: str, out: str | Path, workspace: str | None = None, dataset: Any = None
) -> Path:
    """Write the run's zip to ``out`` and return its path (see :func:`export_bytes`)."""
    out = Path(out)
    out.write_bytes(export_bytes(store, run_id, workspace, dataset))
    return out


def _readme(run: dict[str, Any], with_script: bool) -> str:
    lines = [f"rnnlab run {run['id']} on {run.get('dataset_name')} ({run.get('task_kind')}), status {run.get('status')}.",
             "", "model.keras       the trained model (keras.saving.load_model)",
             "config.json       dataset, task, model and training settings, library versions",
             "metrics.json      test metrics, the naive baselines' scoreboard, verdict",
             "history.csv       one row per epoch", "predictions.csv   the model's test-split predictions"]  # fmt: skip
    if with_script:
        lines += ["data.csv          the data as framed", "train_again.py    python train_again.py data.csv"]
    else:
        lines += [
            "",
            "The data could not be framed again here (the uploaded file is no longer kept, or it no longer "
            "reads as it did), so data.csv and train_again.py are missing.",
        ]
    return "\n".join(lines) + "\n"


# ---- import ----------------------------------------------------------------------------------
CHECK_MODEL = """
import json, sys
import keras
try:
    model = keras.saving.load_model(sys.argv[1], safe_mode=True, compile=False)
    print(json.dumps({"ok": True, "params": int(model.count_params())}))
except Exception as err:
    print(json.dumps({"ok": False, "error": f"{type(err).__name__}: {err}"}))
"""


def check_model(path: str | Path, timeout: float = 120.0) -> dict[str, Any]:
    """Load a ``.keras`` file with ``safe_mode=True`` in a fresh process; ``{"ok", "params" | "error"}``."""
    try:
        done = subprocess.run([sys.executable, "-c", CHECK_MODEL, str(path)], capture_output=True, text=True,
                              timeout=timeout, check=False)  # fmt: skip
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (subprocess.TimeoutExpired, IndexError, json.JSONDecodeError):
        return {"ok": False, "error": "the model file could not be loaded"}


def _read_members(data: bytes) -> dict[str, bytes]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as err:
        raise ValueError(f"The file must be a zip exported by rnnlab. Received: not a zip ({err})") from err
    out = {}
    with zf:
        for info in zf.infolist():
            name = info.filename
            if name.startswith(("/", "\\")) or ".." in name or "/" in name.rstrip("/") or "\\" in name:
                raise ValueError(f"The zip must hold only flat file names. Received: {name[:80]!r}")
            if name not in MEMBERS:
                continue  # unknown files are ignored, never extracted
            if info.file_size > MAX_MEMBER_BYTES:
                raise ValueError(
                    f"`{name}` must be at most {MAX_MEMBER_BYTES >> 20} MB. Received: {info.file_size} bytes"
                )
            with zf.open(info) as f:
                out[name] = f.read(MAX_MEMBER_BYTES + 1)
            if len(out[name]) > MAX_MEMBER_BYTES:
                raise ValueError(f"`{name}` must be at most {MAX_MEMBER_BYTES >> 20} MB.")
    missing = [m for m in ("config.json", "history.csv") if m not in out]
    if missing:
        raise ValueError(
            f"An rnnlab run zip must contain config.json and history.csv. Missing: {', '.join(missing)}"
        )
    return out


def import_run(store: RunStore, source: bytes | str | Path, workspace: str) -> str:
    """Add a run from an exported zip to ``workspace``; return the new run id.

    Raises:
        ValueError: not an rnnlab zip, unsafe member names, invalid configs, or a model that
            ``safe_mode`` refuses (e.g. a ``Lambda`` layer carrying Python code).
    """
    members = _read_members(source if isinstance(source, bytes) else Path(source).read_bytes())
    try:
        config = json.loads(members["config.json"])
        metrics = json.loads(members.get("metrics.json", b"{}"))
        task = TaskConfig.from_dict(config["task"])
        model = ModelConfig.from_dict(config["model"])
        train = TrainConfig.from_dict(config["train"])
        history = (
            pd.read_csv(io.BytesIO(members["history.csv"]))
            if members["history.csv"].strip()
            else pd.DataFrame()
        )
    except (KeyError, TypeError, json.JSONDecodeError, pd.errors.ParserError) as err:
        raise ValueError(f"The zip's config.json or history.csv could not be read: {err}") from err
    try:  # read every epoch before anything is written, so a bad file leaves no half-imported run
        epochs = [
            (int(row.pop("epoch", i)), {str(k): (None if pd.isna(v) else float(v)) for k, v in row.items()})
            for i, row in enumerate(history.to_dict("records"))
        ]
    except (TypeError, ValueError) as err:
        raise ValueError(
            f"The zip's history.csv must hold numbers per epoch. Received an error: {err}"
        ) from err
    run_id = new_run_id()
    model_path = None
    if "model.keras" in members:
        with tempfile.TemporaryDirectory() as tmp:
            tmp_file = Path(tmp) / "model.keras"
            tmp_file.write_bytes(members["model.keras"])
            check = check_model(tmp_file)
            if not check["ok"]:
                raise ValueError(
                    "The model in this zip was refused: Keras's safe mode will not load a model that carries "
                    f"Python code (such as a Lambda layer). Details: {check['error'][:300]}"
                )
            model_path = store.model_path(run_id)
            shutil.copyfile(tmp_file, model_path)
    store.start_run(run_id, {"workspace": workspace, "dataset_ref": config.get("dataset_ref") or {},
                             "dataset_name": config.get("dataset_name"), "task": task, "model": model,
                             "train": train, "params": config.get("params"), "device": config.get("device"),
                             "versions": config.get("versions"),
                             "label": f"imported: {config.get('label') or config.get('id', '')}"[:80]})  # fmt: skip
    for epoch, logs in epochs:
        store.record_epoch(run_id, epoch, logs)
    status = config.get("status") if config.get("status") not in (None, "running") else "interrupted"
    store.finish_run(run_id, {"status": status, "message": config.get("message"), "test": metrics.get("test_metrics"),
                              "scoreboard": metrics.get("scoreboard"), "best_baseline": metrics.get("best_baseline"),
                              "verdict": metrics.get("verdict"), "skill": metrics.get("skill"),
                              "seconds": metrics.get("seconds"), "model_path": model_path})  # fmt: skip
    return run_id
