"""Record a training that runs in this process (``python -m rnnlab train … --save``) like the UI does.

The job manager records runs from its server thread; a headless training has no job manager, so
:class:`RunRecorder` makes the same three store calls around :func:`rnnlab.training.fit.train`:
``start_run`` before, ``record_epoch`` from the ``epoch`` events, and ``finish_run`` with the outcome built
from the same summary a worker sends (:mod:`rnnlab.jobs.outcome`; model saved to
``<data dir>/models/<run_id>.keras``).

Example:
    >>> rec = RunRecorder(dataset_ref={"source": "bundled", "name": "ecg200"})       # doctest: +SKIP
    >>> rec.start(dataset, task, model_config, train_config)                         # doctest: +SKIP
    >>> result = training.train(framed, model_config, train_config, on_event=rec.on_event)  # doctest: +SKIP
    >>> run_id = rec.finish(result, framed)                                          # doctest: +SKIP
"""

from __future__ import annotations

import os
from typing import Any

from rnnlab.jobs.outcome import failed_summary, run_outcome, summarize
from rnnlab.runs.store import RunStore, check_id, new_run_id

CLI_WORKSPACE = "cli-runs"  # where headless runs go unless a workspace is given


class RunRecorder:
    """Store calls for one in-process training.

    Args:
        store: The run store (default: the one under ``settings.data_dir()``).
        workspace: Workspace id for the run (default ``"cli-runs"``).
        dataset_ref: ``{"source": "bundled", "name": key}`` or an upload's name and hash.
        on_event: Another event callback to forward every event to (e.g. the CLI's epoch printer).
    """

    def __init__(
        self,
        store: RunStore | None = None,
        workspace: str | None = None,
        dataset_ref: dict | None = None,
        on_event=None,
    ) -> None:
        self.store = store or RunStore()
        self.workspace = check_id(workspace or CLI_WORKSPACE, "workspace")
        self.dataset_ref = dict(dataset_ref or {})
        self.forward = on_event
        self.run_id = new_run_id()
        self.device = "/CPU:0"  # the train config's device, once started

    def start(self, dataset: Any, task: Any, model: Any, train: Any) -> str:
        """Create the run (status ``running``) and return its id."""
        self.device = train.device
        self.store.start_run(
            self.run_id,
            {
                "workspace": self.workspace,
                "dataset_ref": self.dataset_ref
                or {"source": "bundled", "name": getattr(dataset, "name", "")},
                "dataset_name": self.dataset_ref.get("name") or getattr(dataset, "name", None),
                "task": task,
                "model": model,
                "train": train,
                "device": train.device,
                "owner_pid": os.getpid(),
            },
        )
        return self.run_id

    def on_event(self, event: dict) -> None:
        """Pass to ``training.train(on_event=...)``: every epoch is written as it ends."""
        if event.get("type") == "epoch":
            self.store.record_epoch(self.run_id, int(event["epoch"]) - 1, event.get("logs") or {})
        elif event.get("type") == "start" and event.get("params") is not None:
            self.store.record_params(self.run_id, event["params"])
        if self.forward is not None:
            self.forward(event)

    def finish(self, result: Any, framed: Any) -> str:
        """Save the model and close the run with the worker's summary; return the run id."""
        model_path = None
        if result.model is not None and result.status != "diverged":
            path = self.store.model_path(self.run_id)
            result.model.save(path)
            model_path = str(path)
        summary = summarize(result, framed, model_path, self.device)
        self.store.finish_run(self.run_id, run_outcome(summary))
        return self.run_id

    def fail(self, message: str) -> None:
        """Close the run as failed (training raised before it could finish)."""
        self.store.finish_run(self.run_id, run_outcome(failed_summary(message)))
