"""Import a run zip exported by :mod:`rnnlab.runs.export` into a workspace, reading only what it needs.

Only ``config.json``, ``metrics.json``, ``history.csv`` and ``model.keras`` are read, from memory, each
and all together within the caps of :mod:`rnnlab.core.settings` (a zip bomb in a member nobody reads is
never unpacked); nothing is extracted to a path taken from the archive. Every member is checked first —
JSON depth, the configs through the strict validator, history rows capped, a damaged model file refused,
the model loaded with ``safe_mode=True`` in a separate process — and only then is the run written with
all its epochs in one transaction, so a failure leaves nothing behind. Every malformed zip or JSON is a
one-line ``ValueError`` (status 2 on the command line).
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pandas as pd

from rnnlab.core import settings
from rnnlab.evaluation.verdict import Verdict, VerdictDict
from rnnlab.jobs.worker import limit_memory
from rnnlab.models.config import ModelConfig
from rnnlab.runs.store import RunStore, new_run_id
from rnnlab.task.types import TaskConfig
from rnnlab.training.config import TrainConfig

CHECK_MODEL = """
import json, sys
import keras
try:
    model = keras.saving.load_model(sys.argv[1], safe_mode=True, compile=False)
    print(json.dumps({"ok": True, "params": int(model.count_params())}))
except Exception as err:
    print(json.dumps({"ok": False, "error": f"{type(err).__name__}: {err}"}))
"""
IMPORTED = ("config.json", "metrics.json", "history.csv", "model.keras")  # the only members import reads
MAX_JSON_DEPTH = 32  # nested lists/dicts in config.json and metrics.json
MAX_HISTORY_COLUMNS = 64
MAX_METADATA_BYTES = 64 * 1024  # config.json and metrics.json together: settings, metrics, baselines, verdict
_METRIC_TYPES = {"main_metric": (str,), "best_val": (int, float), "test_metrics": (dict,),
                 "scoreboard": (list, dict), "best_baseline": (dict, str), "verdict": (str,), "judgement": (dict,),
                 "skill": (int, float), "seconds": (int, float), "epochs_done": (int,)}  # fmt: skip


MODEL_MEMBER_CAPS = {"config.json": 4 << 20, "metadata.json": 64 << 10}  # a .keras file's text members


def model_members_problem(path: str | Path) -> str | None:
    """Why a ``.keras`` file must not be loaded (a member larger than it may be, as the zip declares it and
    reads it: a lying size fails its CRC), or ``None``. Nothing is decompressed here."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (OSError, zipfile.BadZipFile, ValueError) as err:
        return f"not a readable .keras file ({_one_line(err)})"
    weights_cap = settings.max_import_member_mb() << 20
    for info in infos:
        cap = MODEL_MEMBER_CAPS.get(info.filename, weights_cap)
        if info.file_size > cap:
            return f"its {info.filename[:60]} unpacks to {info.file_size:,} bytes, more than the {cap:,} allowed"
    return None


def check_model(path: str | Path, timeout: float = 120.0) -> dict[str, Any]:
    """Load a ``.keras`` file with ``safe_mode=True`` in a fresh process whose memory is capped like a training
    worker's (``RNNLAB_WORKER_MEMORY_MB``), after its members' sizes were checked; ``{"ok", "params" | "error"}``."""
    problem = model_members_problem(path)
    if problem is not None:
        return {"ok": False, "error": problem}
    try:
        done = subprocess.run([sys.executable, "-c", CHECK_MODEL, str(path)], capture_output=True, text=True,
                              timeout=timeout, check=False, preexec_fn=limit_memory)  # fmt: skip
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (subprocess.TimeoutExpired, IndexError, json.JSONDecodeError):
        return {"ok": False, "error": "the model file could not be loaded"}


def model_file_intact(path: str | Path) -> bool:
    """Whether a ``.keras`` file is a readable zip whose members all pass their CRC check (no TensorFlow)."""
    try:
        with zipfile.ZipFile(path) as zf:
            return zf.testzip() is None and "config.json" in zf.namelist()
    except (OSError, zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError):
        return False


def _judgement(data: Any) -> VerdictDict | None:
    """An imported verdict, re-read through :class:`Verdict` (a malformed one is dropped, not stored)."""
    if not isinstance(data, dict):
        return None
    try:
        return Verdict.from_dict(data).to_dict()
    except (ValueError, OverflowError):
        return None


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split())[:200] or type(err).__name__


def _read_members(data: bytes) -> dict[str, bytes]:
    """The known members of a run zip, each and all together within the caps; anything else never read.

    Raises:
        ValueError: one line for every malformed zip (not a zip, bad CRC, encrypted, unsafe names, too large).
    """
    member_cap = settings.max_import_member_mb() * 1024 * 1024
    total_cap = settings.max_import_mb() * 1024 * 1024
    zf = _open_zip(data)
    out: dict[str, bytes] = {}
    with zf:
        for info in _known_members(zf, total_cap):
            out[info.filename] = _read_member(zf, info, member_cap, total_cap, sum(map(len, out.values())))
    missing = [m for m in ("config.json", "history.csv") if m not in out]
    if missing:
        raise ValueError(
            f"An rnnlab run zip must contain config.json and history.csv. Missing: {', '.join(missing)}"
        )
    return out


def _open_zip(data: bytes) -> zipfile.ZipFile:
    """The bytes opened as a zip; a one-line ``ValueError`` when they are not one."""
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError, OSError) as err:
        raise ValueError(
            f"The file must be a zip exported by rnnlab. Received: not a zip ({_one_line(err)})"
        ) from None


def _known_members(zf: zipfile.ZipFile, total_cap: int) -> list[zipfile.ZipInfo]:
    """The members import reads, once all names are flat, none repeats and their declared sizes fit ``total_cap``."""
    for info in zf.infolist():
        name = info.filename
        if name.startswith(("/", "\\")) or ".." in name or "/" in name.rstrip("/") or "\\" in name:
            raise ValueError(f"The zip must hold only flat file names. Received: {name[:80]!r}")
    known = [info for info in zf.infolist() if info.filename in IMPORTED]  # others are never read
    if len({info.filename for info in known}) != len(known):
        raise ValueError("The zip must hold each member once. Received: a member name twice")
    declared = sum(info.file_size for info in known)
    if declared > total_cap:
        raise ValueError(
            f"A run zip must unpack to at most {total_cap >> 20} MB. Received: {declared:,} bytes"
        )
    return known


def _read_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, member_cap: int, total_cap: int, read: int
) -> bytes:
    """One member's bytes, read no further than the caps (``read``: bytes of the members read before it)."""
    if info.file_size > member_cap:
        raise ValueError(f"`{info.filename}` must be at most {member_cap >> 20} MB. Received: "
                         f"{info.file_size:,} bytes")  # fmt: skip
    try:
        with zf.open(info) as f:
            body = f.read(min(member_cap, total_cap) + 1)  # a size that lies is caught here too
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as err:
        raise ValueError(f"The zip's `{info.filename}` could not be read: {_one_line(err)}") from None
    if len(body) > info.file_size or read + len(body) > total_cap:
        raise ValueError(f"The zip's `{info.filename}` unpacks to more than it declares. Received: a "
                         "damaged or crafted zip")  # fmt: skip
    return body


def _depth(value: Any, limit: int = MAX_JSON_DEPTH) -> int:
    stack, deepest = [(value, 1)], 0
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def _json(members: dict[str, bytes], name: str) -> dict[str, Any]:
    """A member parsed as a JSON object of limited depth (``{}`` when absent); one-line ``ValueError``."""
    if name not in members:
        return {}
    try:
        value = json.loads(members[name].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        message = "nested too deeply" if isinstance(err, RecursionError) else _one_line(err)
        raise ValueError(f"The zip's `{name}` must be JSON. Received: {message}") from None
    if not isinstance(value, dict):
        raise ValueError(f"The zip's `{name}` must be a JSON object. Received: {type(value).__name__}")
    if _depth(value) > MAX_JSON_DEPTH:
        raise ValueError(
            f"The zip's `{name}` must be nested at most {MAX_JSON_DEPTH} levels. Received: deeper"
        )
    return value


def _history(raw: bytes) -> list[tuple[int, dict[str, float | None]]]:
    """``history.csv`` as ``[(epoch, logs)]``: rows and columns capped, numbers only, checked before parsing."""
    if not raw.strip():
        return []
    limit = settings.max_history_rows()
    rows = raw.count(b"\n") + (not raw.endswith(b"\n")) - 1
    if rows > limit:
        raise ValueError(f"The zip's `history.csv` must hold at most {limit:,} epochs (RNNLAB_MAX_HISTORY_ROWS). "
                         f"Received: {rows:,} rows")  # fmt: skip
    try:
        history = pd.read_csv(io.BytesIO(raw), nrows=limit + 1)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as err:
        raise ValueError(f"The zip's `history.csv` could not be read: {_one_line(err)}") from None
    if history.shape[1] > MAX_HISTORY_COLUMNS:
        raise ValueError(f"The zip's `history.csv` must have at most {MAX_HISTORY_COLUMNS} columns. "
                         f"Received: {history.shape[1]}")  # fmt: skip
    try:
        epochs = [
            (
                int(row.pop("epoch", i)),
                {str(k)[:60]: (None if pd.isna(v) else float(v)) for k, v in row.items()},
            )
            for i, row in enumerate(history.to_dict("records"))
        ]
    except (TypeError, ValueError, OverflowError) as err:
        raise ValueError(
            f"The zip's `history.csv` must hold numbers per epoch. Received: {_one_line(err)}"
        ) from None
    if any(not 0 <= e < 10 * limit for e, _ in epochs):
        raise ValueError(
            f"The zip's `history.csv` epochs must be 0 … {10 * limit - 1}. Received: out of range"
        )
    return epochs


def _metrics(metrics: dict[str, Any]) -> dict[str, Any]:
    """``metrics.json`` with every known key of the expected type (others ignored); one-line ``ValueError``."""
    out = {}
    for key, types in _METRIC_TYPES.items():
        value = metrics.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, types):
            raise ValueError(f"The zip's `metrics.json` field `{key}` has the wrong type. Received: "
                             f"{type(value).__name__}")  # fmt: skip
        if key == "test_metrics" and isinstance(value, dict) and not all(  # a dict: checked above
            v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in value.values()
        ):
            raise ValueError("The zip's `metrics.json` test metrics must be numbers. Received: another type")
        out[key] = value
    _check_board_rows(out)
    return out


def _numbers(value: Any) -> bool:
    return isinstance(value, dict) and all(
        v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in value.values()
    )


def _check_board_rows(metrics: dict[str, Any]) -> None:
    """The scoreboard is a list of ``{"name": text, "val": {metric: number}, "test": {…}}`` and the best
    baseline one such row (or its name): anything else is refused here, never met by a page."""
    board = metrics.get("scoreboard")
    rows = board if isinstance(board, list) else None
    best = metrics.get("best_baseline")
    if isinstance(best, dict):
        rows = [*(rows or []), best]
    for row in rows or []:
        if not (isinstance(row, dict) and isinstance(row.get("name"), str) and len(row["name"]) <= 200
                and _numbers(row.get("test", {})) and _numbers(row.get("val", {}))):  # fmt: skip
            raise ValueError("The zip's `metrics.json` baselines must each be {name, val, test} with numbers. "
                             "Received: another shape")  # fmt: skip
    if isinstance(board, dict):
        raise ValueError("The zip's `metrics.json` scoreboard must be a list of baselines. Received: an object")


def _configs(config: dict[str, Any]):
    """The run's task, model and training configs through the strict validator; one-line ``ValueError``."""
    out = []
    for key, cls in (("task", TaskConfig), ("model", ModelConfig), ("train", TrainConfig)):
        try:
            out.append(cls.from_dict(config[key]))
        except KeyError:
            raise ValueError(
                f"The zip's `config.json` must have `{key}`. Received: {sorted(config)[:12]}"
            ) from None
        except (TypeError, ValueError, OverflowError) as err:
            raise ValueError(f"The zip's {key} settings are not valid: {_one_line(err)}") from None
    return out


def _text(value: Any, limit: int = 200) -> str | None:
    return None if value is None else str(value)[:limit]


def import_run(store: RunStore, source: bytes | str | Path, workspace: str) -> str:
    """Add a run from an exported zip to ``workspace``; return the new run id.

    Only ``config.json``, ``metrics.json``, ``history.csv`` and ``model.keras`` are read, each within the
    caps of :mod:`rnnlab.core.settings`; everything is checked before anything is written, and the run
    and all its epochs are then written in one transaction, so a failure leaves nothing behind.

    Raises:
        ValueError: one line: not an rnnlab zip, a damaged or oversized zip, unsafe member names, malformed
            JSON or CSV, invalid configs, a damaged model file, or a model that ``safe_mode`` refuses (e.g.
            a ``Lambda`` layer carrying Python code).
    """
    members = _read_members(source if isinstance(source, bytes) else Path(source).read_bytes())
    metadata = len(members.get("config.json", b"")) + len(members.get("metrics.json", b""))
    if metadata > MAX_METADATA_BYTES:
        raise ValueError(f"A run zip's config.json and metrics.json must be at most {MAX_METADATA_BYTES >> 10} KB "
                         f"together. Received: {metadata:,} bytes")  # fmt: skip
    config = _json(members, "config.json")
    metrics = _metrics(_json(members, "metrics.json"))
    task, model, train = _configs(config)
    epochs = _history(members["history.csv"])
    ref = config.get("dataset_ref") if isinstance(config.get("dataset_ref"), dict) else {}
    run_id = new_run_id()
    model_path = None
    if "model.keras" in members:
        with tempfile.TemporaryDirectory() as tmp:
            tmp_file = Path(tmp) / "model.keras"
            tmp_file.write_bytes(members["model.keras"])
            problem = model_members_problem(tmp_file)  # sizes first: a bomb is refused before any unpacking
            if problem is None and not model_file_intact(tmp_file):
                raise ValueError("The zip's model.keras is damaged (not a readable .keras file). Received: a "
                                 "corrupt model file")  # fmt: skip
            check = {"ok": False, "error": problem} if problem else check_model(tmp_file)
            if not check["ok"]:
                raise ValueError(
                    "The model in this zip was refused: Keras's safe mode will not load a model that carries "
                    f"Python code (such as a Lambda layer), and a damaged file cannot load. Details: "
                    f"{_one_line(ValueError(check['error']))}"
                )
            model_path = store.model_path(run_id)
            shutil.copyfile(tmp_file, model_path)
    status = config.get("status") if config.get("status") not in (None, "running") else "interrupted"
    label = f"imported: {_text(config.get('label')) or _text(config.get('id')) or ''}"[:80]
    params = config.get("params") if isinstance(config.get("params"), int) else None
    try:
        store.add_whole_run(run_id, {"workspace": workspace, "dataset_ref": ref,
                                     "dataset_name": _text(config.get("dataset_name")), "task": task,
                                     "model": model, "train": train, "params": params,
                                     "device": _text(config.get("device"), 40),
                                     "versions": config.get("versions") if isinstance(config.get("versions"), dict) else None,
                                     "label": label}, epochs,
                            {"status": status, "message": _text(config.get("message"), 500),
                             "test": metrics.get("test_metrics"), "scoreboard": metrics.get("scoreboard"),
                             "best_baseline": metrics.get("best_baseline"), "verdict": metrics.get("verdict"),
                             "judgement": _judgement(metrics.get("judgement")), "skill": metrics.get("skill"), "seconds": metrics.get("seconds"),
                             "model_path": model_path})  # fmt: skip
    except BaseException:
        if model_path is not None:
            model_path.unlink(missing_ok=True)
        raise
    return run_id
