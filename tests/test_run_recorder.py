"""Headless runs recorded like the UI's, and a training process killed mid-run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from rnnlab.models.config import ModelConfig
from rnnlab.runs.recorder import CLI_WORKSPACE, RunRecorder
from rnnlab.runs.store import RunStore
from rnnlab.task import framing
from rnnlab.task.types import TaskConfig
from rnnlab.training import fit
from rnnlab.training.config import TrainConfig
from tests import tiny_datasets

ROOT = Path(__file__).resolve().parent.parent


def test_recorder_writes_every_epoch_and_the_outcome(tmp_path):
    store = RunStore(tmp_path)
    dataset = tiny_datasets.ragged_classes()
    task, model = TaskConfig("classify"), ModelConfig(cell="gru", units=(3,))
    train = TrainConfig(epochs=2, batch_size=8, patience=None, fast=False)
    seen = []
    rec = RunRecorder(
        store, dataset_ref={"source": "upload", "name": "r.csv", "sha256": "00"}, on_event=seen.append
    )
    run_id = rec.start(dataset, task, model, train)
    framed = framing.frame(dataset, task)
    result = fit.train(framed, model, train, on_event=rec.on_event)
    assert rec.finish(result, framed) == run_id
    run = store.get_run(run_id)
    assert run["workspace"] == CLI_WORKSPACE and run["status"] == "finished"
    assert run["epochs_done"] == 2 and len(store.history(run_id)["loss"]) == 2
    assert (
        set(run["test_metrics"]) >= {"accuracy"}
        and run["verdict"]
        and run["params"] == result.model.count_params()
    )
    assert Path(run["model_path"]).is_file() and any(e["type"] == "epoch" for e in seen)


CHILD = textwrap.dedent(
    """
    import sys
    from rnnlab.task import framing
    from rnnlab.training import fit
    from rnnlab.models.config import ModelConfig
    from rnnlab.runs.recorder import RunRecorder
    from rnnlab.runs.store import RunStore
    from rnnlab.task.types import TaskConfig
    from rnnlab.training.config import TrainConfig
    from tests import tiny_datasets
    dataset = tiny_datasets.series(200)
    task, model = TaskConfig("forecast", window=6), ModelConfig(cell="lstm", units=(4,))
    train = TrainConfig(epochs=1000, batch_size=16, patience=None, fast=False)
    rec = RunRecorder(RunStore(sys.argv[1]), dataset_ref={"source": "upload", "name": "s.csv"})
    print(rec.start(dataset, task, model, train), flush=True)
    fit.train(framing.frame(dataset, task), model, train, on_event=rec.on_event)
    """
)


def test_training_process_killed_mid_run_leaves_an_interrupted_run_with_its_epochs(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)  # fmt: skip
    try:
        run_id = proc.stdout.readline().strip()
        store = RunStore(tmp_path, check_interrupted=False)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and store.get_run(run_id)["epochs_done"] < 3:
            time.sleep(0.2)
        assert RunStore(tmp_path).get_run(run_id)["status"] == "running"  # owner alive: not interrupted
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=20)
    store = RunStore(tmp_path)
    run = store.get_run(run_id)
    assert run["status"] == "interrupted"
    done = len(store.history(run_id)["loss"])
    assert done >= 3 and run["epochs_done"] == done
