"""The run store: every training kept in SQLite (WAL) plus ``.keras`` files under the data directory.

A run is written as it progresses — :meth:`RunStore.start_run` when the job starts,
:meth:`RunStore.record_epoch` after every epoch, :meth:`RunStore.finish_run` at the end —
so a crash loses at most the current epoch. A training waiting in the job queue is kept as a
``queued`` run (:meth:`RunStore.queue_run`). Runs left ``running`` or ``queued`` by a server process
that no longer exists are marked ``interrupted`` when a store is opened: the epochs recorded are kept,
and a queued one says it never started (neither is re-queued: the page offers "train again").

The store is the ``recorder`` of :class:`rnnlab.jobs.manager.JobManager`. It opens one short
SQLite connection per call (safe from any thread) with a busy timeout, and never
imports TensorFlow.

It stays one module of ~450 lines on purpose: every SQL statement on the runs and epochs tables lives in
this one class, so a change of the schema is read and checked in one place (ids and JSON values are in
:mod:`rnnlab.runs.values`, the migrations in :mod:`rnnlab.runs.schema`).

Example:
    >>> import tempfile
    >>> store = RunStore(tempfile.mkdtemp())
    >>> ws = new_workspace_id()
    >>> store.start_run("run-0001", {"workspace": ws, "task": {"kind": "classify"},
    ...                              "dataset_ref": {"source": "bundled", "name": "ecg200"}})
    >>> store.record_epoch("run-0001", 0, {"loss": 0.7, "val_loss": 0.6, "val_accuracy": 0.7})
    >>> store.finish_run("run-0001", {"status": "finished", "test": {"accuracy": 0.8}})
    >>> run = store.get_run("run-0001")
    >>> run["status"], run["test_value"], run["best_val"], store.history("run-0001")["loss"]
    ('finished', 0.8, 0.7, [0.7])
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, cast

from rnnlab.core import settings
from rnnlab.core.metric_registry import higher_is_better, main_metric
from rnnlab.core.values import to_json_value
from rnnlab.runs.record import ModelRecord, Predictions, RunRecord
from rnnlab.runs.schema import MIGRATIONS, migrate
from rnnlab.runs.values import (
    ID_RE,
    JSON_COLUMNS,
    STATUSES,
    check_id,
    library_versions,
    new_run_id,
    new_workspace_id,
    owner_alive,
    process_token,
    to_json,
)


class RunStore:
    """Runs, their epochs and predictions in ``runs.sqlite`` + model files in ``models/``.

    Args:
        path: The data directory (default :func:`rnnlab.core.settings.data_dir`).
        check_interrupted: Mark runs of dead owner processes ``interrupted`` on open.
    """

    def __init__(self, path: str | os.PathLike | None = None, *, check_interrupted: bool = True) -> None:
        self.root = Path(path) if path is not None else settings.data_dir()
        self.root.mkdir(parents=True, exist_ok=True)
        self.models_dir = self.root / "models"
        self.models_dir.mkdir(exist_ok=True)
        self.db_path = self.root / "runs.sqlite"
        with self._connect() as con:
            con.execute("PRAGMA journal_mode=WAL")
            migrate(con)
        if check_interrupted:
            self.mark_interrupted()

    # ---- plumbing ---------------------------------------------------------------
    @contextlib.contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """One short connection in one transaction (also for the store's companions: setups, uploads)."""
        with self._connect() as con:
            yield con

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.db_path, timeout=10.0)
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA busy_timeout=10000")
        con.execute("PRAGMA foreign_keys=ON")
        try:
            with con:
                yield con
        finally:
            con.close()

    @property
    def schema_version(self) -> int:
        with self._connect() as con:
            return int(con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0])

    def model_path(self, run_id: str) -> Path:
        """Where a run's ``.keras`` model lives: ``<data dir>/models/<run_id>.keras``."""
        return self.models_dir / f"{check_id(run_id, 'run')}.keras"

    # ---- the recorder protocol (called by JobManager's server-side thread) --------
    def start_run(self, run_id: str, info: dict[str, Any]) -> None:
        """Create the run as ``running``. ``info``: workspace, dataset_ref, task, model, train, params,
        device, versions, label (configs as Config objects or dicts)."""
        check_id(run_id, "run")
        workspace = check_id(info.get("workspace"), "workspace")
        ref = to_json_value(info.get("dataset_ref") or {})
        task = to_json_value(info.get("task") or info.get("task_config"))
        kind = (task or {}).get("kind")
        with self._connect() as con:
            con.execute(
                """INSERT OR REPLACE INTO runs (id, workspace, created, updated, status, dataset_name, dataset_ref,
                   task_kind, task_config, model_config, train_config, params, device, versions, label,
                   owner_pid, owner_token, main_metric, epochs_done, run_group)
                   VALUES (?,?,?,?, 'running', ?,?,?,?,?,?,?,?,?,?,?,?,?, 0, ?)""",
                (
                    run_id,
                    workspace,
                    info.get("created") or time.time(),
                    time.time(),
                    info.get("dataset_name") or ref.get("name") or "",
                    to_json(ref),
                    kind,
                    to_json(task),
                    to_json(info.get("model") or info.get("model_config")),
                    to_json(info.get("train") or info.get("train_config")),
                    info.get("params"),
                    info.get("device") or (to_json_value(info.get("train") or {}) or {}).get("device"),
                    to_json(info.get("versions") or library_versions()),
                    info.get("label"),
                    int(info.get("owner_pid") or os.getpid()),
                    info.get("owner_token") or process_token(int(info.get("owner_pid") or os.getpid())),
                    main_metric(kind),
                    info.get("group") or None,
                ),
            )

    def queue_run(self, run_id: str, info: dict[str, Any]) -> None:
        """Keep a training that waits in the job queue as a ``queued`` run (``info`` as for
        :meth:`start_run`), so that a server restart marks it instead of dropping it silently."""
        self.start_run(run_id, info)
        with self._connect() as con:
            con.execute("UPDATE runs SET status='queued' WHERE id=? AND status='running'", (run_id,))

    def drop_queued(self, run_id: str) -> None:
        """Forget a ``queued`` run that was cancelled before it started (nothing of it was trained)."""
        with self._connect() as con:
            con.execute("DELETE FROM runs WHERE id=? AND status='queued'", (run_id,))

    def record_epoch(self, run_id: str, epoch: int, logs: dict[str, Any]) -> None:
        """Write one epoch's logs (loss, val_loss, metrics, seconds) at once, durably.

        ``epoch`` is numbered as the caller counts (the job manager counts from 0); writing an epoch again
        replaces it.
        """
        logs = to_json_value(logs)
        with self._connect() as con:
            row = con.execute("SELECT main_metric FROM runs WHERE id=?", (run_id,)).fetchone()
            if row is None:
                raise ValueError(f"No run with this id. Received: run_id={run_id!r}")
            con.execute(
                "INSERT OR REPLACE INTO epochs (run_id, epoch, logs) VALUES (?,?,?)",
                (run_id, int(epoch), json.dumps(logs)),
            )
            val = logs.get(f"val_{row['main_metric']}")
            better = ">" if higher_is_better(row["main_metric"]) else "<"
            con.execute(
                f"""UPDATE runs SET updated=?, epochs_done=(SELECT COUNT(*) FROM epochs WHERE run_id=?),
                    best_val=CASE WHEN ? IS NOT NULL AND (best_val IS NULL OR ? {better} best_val)
                                  THEN ? ELSE best_val END WHERE id=?""",
                (time.time(), run_id, val, val, val, run_id),
            )

    def record_params(self, run_id: str, params: int) -> None:
        """Keep the model's parameter count as soon as the training built it (the table shows it at once)."""
        with self._connect() as con:
            con.execute("UPDATE runs SET params=?, updated=? WHERE id=?", (int(params), time.time(), run_id))

    def finish_run(self, run_id: str, outcome: Mapping[str, Any]) -> None:
        """Close a run: status, message, test metrics, scoreboard, verdict, skill, seconds, model_path,
        predictions (and history, filling in any epoch the recorder missed).

        ``outcome`` is a :class:`rnnlab.jobs.outcome.RunOutcome` (an older caller's ``test_metrics`` is
        read as ``test``)."""
        outcome = dict(outcome)
        status = outcome.get("status") or "finished"
        if status not in STATUSES or status in ("running", "queued"):
            status = "failed"
        history = outcome.get("history") or {}
        recorded = self.history(run_id).get("epoch", [])
        n_hist = max((len(v) for v in history.values() if isinstance(v, list)), default=0)
        next_epoch = int(max(recorded)) + 1 if recorded else 0
        for i in range(len(recorded), n_hist):  # epochs the recorder missed
            logs = {k: v[i] for k, v in history.items() if isinstance(v, list) and i < len(v)}
            self.record_epoch(run_id, next_epoch, logs)
            next_epoch += 1
        test = outcome.get("test") or outcome.get("test_metrics")
        with self._connect() as con:
            row = con.execute("SELECT main_metric FROM runs WHERE id=?", (run_id,)).fetchone()
            if row is None:
                raise ValueError(f"No run with this id. Received: run_id={run_id!r}")
            main = (
                outcome.get("main_metric")
                if (test or {}).get(outcome.get("main_metric")) is not None
                else None
            )
            main = main or row["main_metric"]  # the metric the verdict used (balanced accuracy, …)
            test_value = (test or {}).get(main)
            model_path = outcome.get("model_path")
            con.execute(
                """UPDATE runs SET status=?, message=?, test_metrics=?, test_value=?, main_metric=?, scoreboard=?,
                   best_baseline=?, verdict=?, judgement=?, uncertainty=?, skill=?, seconds=?, model_path=?,
                   updated=?, params=COALESCE(?, params) WHERE id=?""",
                (
                    status,
                    outcome.get("message"),
                    to_json(test),
                    None if test_value is None else float(test_value),
                    main,
                    to_json(outcome.get("scoreboard")),
                    to_json(outcome.get("best_baseline")),
                    outcome.get("verdict"),
                    to_json(outcome.get("judgement")),
                    to_json(outcome.get("uncertainty")),
                    None if outcome.get("skill") is None else float(outcome["skill"]),
                    outcome.get("seconds"),
                    None if model_path is None else str(model_path),
                    time.time(),
                    outcome.get("params"),
                    run_id,
                ),
            )
            if outcome.get("predictions") is not None:
                con.execute(
                    "INSERT OR REPLACE INTO predictions (run_id, y_pred, y_true) VALUES (?,?,?)",
                    (run_id, to_json(outcome["predictions"]), to_json(outcome.get("y_true"))),
                )

    def add_whole_run(
        self, run_id: str, info: dict[str, Any], epochs: list[tuple[int, dict]], outcome: Mapping[str, Any]
    ) -> None:
        """Add a finished run with all its epochs in one transaction on one connection (an import: it is marked
        ``imported`` and never ranked on the class board, which shows only what was trained on this server).

        Either all of it is written or, on any error, nothing. ``info`` as for :meth:`start_run`,
        ``outcome`` as for :meth:`finish_run` (a status of ``running`` becomes ``interrupted``).
        """
        check_id(run_id, "run")
        workspace = check_id(info.get("workspace"), "workspace")
        ref, task = to_json_value(info.get("dataset_ref") or {}), to_json_value(info.get("task")) or {}
        kind = task.get("kind")
        main = main_metric(kind)
        status = outcome.get("status")
        status = status if status in STATUSES and status != "running" else "interrupted"
        vals = [v for _, logs in epochs if isinstance(v := logs.get(f"val_{main}"), (int, float))]
        best = (max if higher_is_better(main) else min)(vals) if vals else None
        test = outcome.get("test")
        test_value = test.get(main) if isinstance(test, dict) else None
        now = time.time()
        with self._connect() as con:
            con.execute(
                """INSERT INTO runs (id, workspace, created, updated, status, dataset_name, dataset_ref, task_kind,
                   task_config, model_config, train_config, params, device, versions, label, owner_pid,
                   owner_token, main_metric, epochs_done, best_val, message, test_metrics, test_value,
                   scoreboard, best_baseline, verdict, skill, seconds, model_path, judgement, uncertainty, imported)
                   VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1)""",
                (run_id, workspace, now, now, status, info.get("dataset_name") or ref.get("name") or "",
                 to_json(ref), kind, to_json(task), to_json(info.get("model")), to_json(info.get("train")),
                 info.get("params"), info.get("device"), to_json(info.get("versions") or library_versions()),
                 info.get("label"), os.getpid(), process_token(os.getpid()), main, len({e for e, _ in epochs}),
                 best, outcome.get("message"), to_json(test),
                 float(test_value) if isinstance(test_value, (int, float)) else None,
                 to_json(outcome.get("scoreboard")), to_json(outcome.get("best_baseline")), outcome.get("verdict"),
                 None if outcome.get("skill") is None else float(outcome["skill"]), outcome.get("seconds"),
                 None if outcome.get("model_path") is None else str(outcome["model_path"]),
                 to_json(outcome.get("judgement")), to_json(outcome.get("uncertainty"))),
            )  # fmt: skip
            con.executemany(
                "INSERT OR REPLACE INTO epochs (run_id, epoch, logs) VALUES (?,?,?)",
                ((run_id, int(epoch), json.dumps(to_json_value(logs))) for epoch, logs in epochs),
            )

    def mark_interrupted(self) -> int:
        """Mark ``running`` and ``queued`` runs whose owner process is gone as ``interrupted``; return how many.

        The epochs recorded stay; the message says what happened and that "train again" starts it anew.
        """
        messages = {
            "running": "The server stopped while this run was training; the epochs done are kept. "
            "Train again to start it anew.",
            "queued": "The server stopped while this run waited in the queue, so it never started. "
            "Train again to start it.",
        }
        with self._connect() as con:
            rows = con.execute(
                "SELECT id, status, owner_pid, owner_token FROM runs WHERE status IN ('running', 'queued')"
            ).fetchall()
            dead = [r for r in rows if not owner_alive(r["owner_pid"], r["owner_token"])]
            for row in dead:
                con.execute(
                    "UPDATE runs SET status='interrupted', message=?, updated=? WHERE id=? AND status=?",
                    (messages[row["status"]], time.time(), row["id"], row["status"]),
                )
        return len(dead)

    # ---- reading ----------------------------------------------------------------
    @staticmethod
    def _decode(row: sqlite3.Row) -> RunRecord:
        run = dict(row)
        for col in JSON_COLUMNS:
            if run.get(col) is not None:
                run[col] = json.loads(run[col])
        run["shared"] = bool(run.get("shared"))
        run["imported"] = bool(run.get("imported"))
        return cast(RunRecord, run)  # every column of the runs table, as RunRecord names them

    def list_runs(
        self,
        workspace: str | None,
        *,
        dataset: str | None = None,
        status: str | None = None,
        limit: int = 500,
    ) -> list[RunRecord]:
        """The workspace's runs, newest first, as dicts (JSON columns decoded).

        ``workspace=None`` lists every workspace's runs (the command line, for the server's owner).
        """
        sql, args = "SELECT * FROM runs WHERE 1=1", []
        if workspace is not None:
            sql, args = sql + " AND workspace=?", [check_id(workspace, "workspace")]
        if dataset is not None:
            sql, args = sql + " AND dataset_name=?", [*args, dataset]
        if status is not None:
            sql, args = sql + " AND status=?", [*args, status]
        with self._connect() as con:
            rows = con.execute(sql + " ORDER BY created DESC LIMIT ?", [*args, int(limit)]).fetchall()
        return [self._decode(r) for r in rows]

    def group_runs(self, workspace: str, group: str) -> list[RunRecord]:
        """The runs of one request of the workspace (``"backtest:…"``, ``"race:…"``), oldest first."""
        with self._connect() as con:
            rows = con.execute(
                "SELECT * FROM runs WHERE workspace=? AND run_group=? ORDER BY created, id",
                (check_id(workspace, "workspace"), str(group)),
            ).fetchall()
        return [self._decode(r) for r in rows]

    def latest_group(self, workspace: str, prefix: str) -> str | None:
        """The workspace's newest request whose group starts with ``prefix`` (``"backtest:"``), or ``None``."""
        with self._connect() as con:
            row = con.execute(
                "SELECT run_group FROM runs WHERE workspace=? AND run_group LIKE ? ORDER BY created DESC LIMIT 1",
                (check_id(workspace, "workspace"), prefix.replace("%", "") + "%"),
            ).fetchone()
        return None if row is None else str(row[0])

    def count_runs(self, workspace: str | None) -> int:
        """How many runs the workspace has (``None``: every workspace), exactly."""
        sql, args = "SELECT COUNT(*) FROM runs", []
        if workspace is not None:
            sql, args = sql + " WHERE workspace=?", [check_id(workspace, "workspace")]
        with self._connect() as con:
            return int(con.execute(sql, args).fetchone()[0])

    def get_run(self, run_id: str, workspace: str | None = None) -> RunRecord:
        """One run as a dict; ``workspace`` (if given) must own it or have it shared.

        Raises:
            ValueError: no such run (or not visible from ``workspace``).
        """
        with self._connect() as con:
            row = con.execute("SELECT * FROM runs WHERE id=?", (str(run_id),)).fetchone()
        if row is None or (workspace is not None and row["workspace"] != workspace and not row["shared"]):
            raise ValueError(f"No run with this id in this workspace. Received: run_id={str(run_id)[:80]!r}")
        return self._decode(row)

    def list_models(self, workspace: str, *, limit: int = 200) -> list[ModelRecord]:
        """The runs with a saved model that ``workspace`` may open, newest first: its own, then runs other
        workspaces shared to the class board (``from_board`` True). Each run dict gains ``path`` and ``mtime``.
        """
        check_id(workspace, "workspace")
        with self._connect() as con:
            rows = con.execute(
                "SELECT * FROM runs WHERE (workspace=? OR shared=1) AND status NOT IN ('queued', 'running') "
                "ORDER BY workspace=? DESC, created DESC LIMIT ?",
                (workspace, workspace, int(limit)),
            ).fetchall()
        out: list[ModelRecord] = []
        for row in rows:
            run = self._decode(row)
            path = Path(run["model_path"]) if run["model_path"] else self.model_path(run["id"])
            if not path.resolve().is_relative_to(self.models_dir.resolve()) or not path.is_file():
                continue
            out.append(
                {
                    **run,
                    "path": path,
                    "mtime": path.stat().st_mtime,
                    "from_board": run["workspace"] != workspace,
                }
            )
        return out

    def history(self, run_id: str) -> dict[str, list[float]]:
        """Per-epoch logs as ``{"epoch": [0, 1, …], "loss": [...], "val_loss": [...], …}``."""
        with self._connect() as con:
            rows = con.execute(
                "SELECT epoch, logs FROM epochs WHERE run_id=? ORDER BY epoch", (run_id,)
            ).fetchall()
        out: dict[str, list] = {"epoch": []} if rows else {}
        for i, row in enumerate(rows):
            out["epoch"].append(row["epoch"])
            for key, value in json.loads(row["logs"]).items():
                out.setdefault(key, [None] * i).append(value)
            for values in out.values():
                if len(values) < i + 1:
                    values.append(None)
        return out

    def predictions(self, run_id: str) -> Predictions | None:
        """``{"y_pred": nested list, "y_true": nested list | None}`` stored at finish, or ``None``."""
        with self._connect() as con:
            row = con.execute("SELECT y_pred, y_true FROM predictions WHERE run_id=?", (run_id,)).fetchone()
        if row is None:
            return None
        return {
            "y_pred": json.loads(row["y_pred"]),
            "y_true": json.loads(row["y_true"]) if row["y_true"] else None,
        }

    # ---- changing ---------------------------------------------------------------
    def delete_run(self, run_id: str, workspace: str | None = None) -> None:
        """Remove a run's rows and its model file (``workspace``, if given, must own it)."""
        run = self.get_run(run_id)
        if workspace is not None and run["workspace"] != workspace:
            raise ValueError(f"Only the run's own workspace can delete it. Received: run_id={run_id!r}")
        with self._connect() as con:
            con.execute("DELETE FROM epochs WHERE run_id=?", (run_id,))
            con.execute("DELETE FROM predictions WHERE run_id=?", (run_id,))
            con.execute("DELETE FROM runs WHERE id=?", (run_id,))
        for path in {run.get("model_path"), str(self.model_path(run_id)) if ID_RE.match(run_id) else None}:
            if path and Path(path).resolve().is_relative_to(self.models_dir.resolve()):
                Path(path).unlink(missing_ok=True)

    def share_run(self, run_id: str, on: bool = True, label: str | None = None) -> None:
        """Show (or hide) a run on the class board, optionally under a display ``label``."""
        self.get_run(run_id)
        with self._connect() as con:
            con.execute(
                "UPDATE runs SET shared=?, label=COALESCE(?, label) WHERE id=?",
                (int(bool(on)), None if label is None else str(label)[:80], run_id),
            )

    def set_label(self, run_id: str, label: str) -> None:
        with self._connect() as con:
            con.execute("UPDATE runs SET label=? WHERE id=?", (str(label)[:80], run_id))

    def class_board(self, dataset: str, task_kind: str, limit: int = 100) -> list[RunRecord]:
        """Shared runs of every workspace on one dataset and task kind, best test metric first — only runs trained
        on this server: an imported run's numbers were made elsewhere (or made up), so it is never ranked."""
        order = "DESC" if higher_is_better(main_metric(task_kind)) else "ASC"
        with self._connect() as con:
            rows = con.execute(
                f"""SELECT * FROM runs WHERE shared=1 AND imported=0 AND dataset_name=? AND task_kind=?
                    AND test_value IS NOT NULL ORDER BY test_value {order}, created LIMIT ?""",
                (dataset, task_kind, int(limit)),
            ).fetchall()
        return [self._decode(r) for r in rows]


__all__ = [
    "MIGRATIONS",
    "STATUSES",
    "ModelRecord",
    "RunRecord",
    "RunStore",
    "check_id",
    "library_versions",
    "new_run_id",
    "new_workspace_id",
]
