"""The job queue and worker pool: finish, stop, cancel, queue position, session limit, a killed worker."""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest

from rnnlab.jobs.manager import JobManager, JobSpec
from rnnlab.jobs.types import JobStatus, QueueFull, death_reason, progress_line, result_rows
from rnnlab.models.config import ModelConfig
from rnnlab.task.types import TaskConfig
from rnnlab.training.fit import TrainConfig
from tests.train_fixtures import tiny_dataset

SMALL = ModelConfig(cell="gru", units=(4,))


class ListRecorder:
    """Records the recorder calls; ``record_epoch`` fails once to prove errors are contained."""

    def __init__(self):
        self.calls: list[tuple] = []
        self.failed_once = False

    def start_run(self, run_id, info):
        self.calls.append(("start_run", run_id, info))

    def record_epoch(self, run_id, epoch, logs):
        if not self.failed_once:
            self.failed_once = True
            raise RuntimeError("disk full (a test double)")
        self.calls.append(("record_epoch", run_id, epoch, logs))

    def finish_run(self, run_id, outcome):
        self.calls.append(("finish_run", run_id, outcome))


def spec(run_id: str, session: str = "s1", epochs: int = 2, n: int = 24, workspace: str = "ws-test") -> JobSpec:
    return JobSpec(
        dataset=tiny_dataset(n=n),
        dataset_ref={"source": "test", "name": "tiny"},
        task=TaskConfig("regress"),
        model=SMALL,
        train=TrainConfig(epochs=epochs, batch_size=4, patience=None),
        workspace=workspace,
        session_id=session,
        run_id=run_id,
    )


def long_spec(run_id: str, session: str = "s1") -> JobSpec:
    return spec(run_id, session, epochs=400, n=200)


def wait_for(predicate, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def manager(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:  # module scope: the per-test data dir is not set up yet
        data_dir = tmp_path_factory.mktemp("jobs-data")
        mp.setenv("RNNLAB_DATA_DIR", str(data_dir))
        recorder = ListRecorder()
        jm = JobManager(n_workers=1, max_per_session=3, jobs_per_worker=50, recorder=recorder)
        jm.recorder_double = recorder
        assert jm.wait_ready(180)
        yield jm
        jm.shutdown()


def test_submit_runs_to_finished_with_history_and_result(manager):
    job_id = manager.submit(spec("run-finish"))
    status = manager.wait(job_id, timeout=180)
    assert status.state == "finished", status.message
    assert len(status.history["loss"]) == 2 and status.result["history"]["loss"] == status.history["loss"]
    assert status.result["verdict"] and status.result["test"]["mae"] >= 0
    assert os.path.exists(status.result["model_path"])
    assert status.result["model_path"].startswith(manager.data_dir)  # beside the run store, not in ~
    assert status.start["steps_per_epoch"] == -(-status.start["n_train"] // 4)  # batches of 4
    assert manager.devices()[0]["name"] == "/CPU:0"
    # the recorder saw the run start, its epochs (one call failed and was contained) and its end
    names = [c[0] for c in manager.recorder_double.calls if c[1] == "run-finish"]
    assert names[0] == "start_run" and names[-1] == "finish_run" and "record_epoch" in names


SERVER_SIDE_SCRIPT = """
import sys
from rnnlab.jobs.manager import JobManager
from tests.test_jobs import spec
jm = JobManager(n_workers=1)
status = jm.wait(jm.submit(spec("tf-free", epochs=1)), timeout=240)
assert status.state == "finished", status.message
jm.shutdown()
print("TF_IN_SERVER", "tensorflow" in sys.modules, "keras" in sys.modules)
"""


def test_server_side_of_a_whole_training_never_imports_tensorflow(tmp_path):
    import subprocess

    env = {**os.environ, "RNNLAB_DATA_DIR": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", SERVER_SIDE_SCRIPT],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    )
    assert "TF_IN_SERVER False False" in out.stdout, out.stderr[-2000:]


def test_stop_ends_a_running_job_and_keeps_its_curves(manager):
    job_id = manager.submit(long_spec("run-stop"))
    wait_for(lambda: len(manager.status(job_id).history.get("loss", [])) >= 1)
    manager.stop(job_id)
    status = manager.wait(job_id, timeout=60)
    assert status.state == "stopped" and status.stop_requested
    assert 1 <= len(status.history["loss"]) < 400
    assert status.result["model_path"] and "Stopped" in status.message


def test_stop_is_acknowledged_by_the_worker_before_the_job_ends(manager):
    job_id = manager.submit(long_spec("run-stop-ack"))
    wait_for(lambda: manager.status(job_id).start is not None)  # pressed while the first step may be tracing
    pressed = time.time()
    manager.stop(job_id)
    status = manager.wait(job_id, timeout=60)
    kinds = [e["type"] for e in status.events]
    stopping = next(e for e in status.events if e["type"] == "stopping")
    end = next(e for e in status.events if e["type"] == "end")
    assert status.state == "stopped" and kinds.count("stopping") == 1, kinds
    assert pressed <= stopping["t"] <= end["t"] and status.stop_acknowledged == stopping["t"]
    assert stopping["t"] - pressed < 2.0  # sent from its own thread: no waiting for the training step


def test_queue_position_cancel_and_session_limit(manager):
    running = manager.submit(long_spec("run-busy", session="a"))
    wait_for(lambda: manager.status(running).state == "running")
    first = manager.submit(spec("run-q1", session="b"))
    second = manager.submit(spec("run-q2", session="c"))
    assert manager.status(first).queue_position == 1 and manager.status(second).queue_position == 2
    assert manager.cancel(first) is True
    cancelled = manager.status(first)
    assert cancelled.state == "stopped" and "Cancelled" in cancelled.message
    assert manager.status(second).queue_position == 1
    # session "a" has one running; two more queued reach its limit of three
    manager.submit(spec("run-a2", session="a"))
    manager.submit(spec("run-a3", session="a"))
    with pytest.raises(QueueFull, match="at most 3 trainings"):
        manager.submit(spec("run-a4", session="a"))
    manager.stop(running)
    assert manager.wait(second, timeout=180).state == "finished"
    for job in manager.jobs(session_id="a"):
        manager.wait(job.job_id, timeout=180)
    assert not any(j.active for j in manager.jobs())


def test_killed_worker_fails_its_job_and_the_pool_refills(manager):
    job_id = manager.submit(long_spec("run-killed"))
    wait_for(lambda: len(manager.status(job_id).history.get("loss", [])) >= 1)
    pid = manager.running_pid(job_id)
    os.kill(pid, signal.SIGKILL)
    status = manager.wait(job_id, timeout=60)
    assert status.state == "failed" and "SIGKILL" in status.message
    assert status.history["loss"]  # the curves up to the crash are kept
    outcome = [c for c in manager.recorder_double.calls if c[0] == "finish_run" and c[1] == "run-killed"]
    assert outcome and outcome[0][2]["status"] == "failed"
    after = manager.submit(spec("run-after-kill"))
    assert manager.wait(after, timeout=180).state == "finished"
    assert pid not in manager.worker_pids()


def test_workers_run_at_a_lower_cpu_priority_than_the_server(manager):
    from rnnlab.core import settings

    psutil = pytest.importorskip("psutil")
    wait_for(lambda: manager.worker_pids())
    lower = min(19, psutil.Process().nice() + settings.worker_nice())
    assert settings.worker_nice() > 0 and all(
        psutil.Process(pid).nice() >= lower for pid in manager.worker_pids()
    )


def test_worker_nice_setting(monkeypatch):
    from rnnlab.core import settings

    monkeypatch.delenv("RNNLAB_WORKER_NICE", raising=False)
    assert settings.worker_nice() == 10
    monkeypatch.setenv("RNNLAB_WORKER_NICE", "0")
    assert settings.worker_nice() == 0
    monkeypatch.setenv("RNNLAB_WORKER_NICE", "99")
    assert settings.worker_nice() == 19


def test_each_worker_gets_its_share_of_the_cores(manager):
    assert manager.runner.threads() == [os.cpu_count() or 1]  # one worker: every core
    jm = JobManager(n_workers=2)
    try:
        wait_for(lambda: len(jm.runner.threads()) == 2 and None not in jm.runner.threads(), timeout=240)
        assert jm.runner.threads() == [max(1, (os.cpu_count() or 1) // 2)] * 2
    finally:
        jm.shutdown()


def test_workers_are_recycled_after_n_jobs():
    jm = JobManager(n_workers=1, jobs_per_worker=1)
    try:
        first = jm.wait(jm.submit(spec("run-r1")), timeout=240)
        second = jm.wait(jm.submit(spec("run-r2")), timeout=240)
        assert first.state == second.state == "finished"
        assert first.worker_pid != second.worker_pid
    finally:
        jm.shutdown()


def test_death_reason_and_status_folding():
    assert "SIGKILL" in death_reason(-9) and "out of memory" in death_reason(-9)
    assert "exit code 3" in death_reason(3)
    job = JobStatus("j", "r", "s")
    job.apply({"type": "start", "epochs": 4, "steps_per_epoch": 10})
    job.apply({"type": "batch", "epoch": 1, "step": 5, "steps": 10, "logs": {"loss": 1.0},
               "samples_per_s": 100.0, "eta_s": 3.0})  # fmt: skip
    job.apply({"type": "epoch", "epoch": 1, "logs": {"loss": 0.9, "val_loss": 1.1}, "seconds": 2.0})
    assert job.batches[0]["x"] == 0.5 and job.history == {"loss": [0.9], "val_loss": [1.1]}
    assert job.progress["fraction"] == 0.25 and job.progress["eta_s"] == 6.0


def test_progress_line_and_result_rows():
    job = JobStatus("j", "r", "s", state="running")
    job.progress = {"epoch": 2, "epochs": 5, "step": 3, "steps": 10, "samples_per_s": 812.4, "eta_s": 75}
    assert progress_line(job) == "epoch 2/5 · step 3/10 · 812 samples/s · 1 min 15 s left"
    assert progress_line(JobStatus("j", "r", "s", queue_position=3)) == "waiting in the queue (position 3)"
    summary = {"test": {"mae": 1.23456}, "best_baseline": {"name": "last value", "test": {"mae": 2.0}}}
    assert result_rows(summary) == [{"metric": "mae", "model": 1.2346, "last value (chosen on val)": 2.0}]
    # the baselines the verdict names as better on test get a column too
    summary["scoreboard"] = [{"name": "last value", "test": {"mae": 2.0}}, {"name": "drift", "test": {"mae": 1.1}},
                             {"name": "train mean", "test": {"mae": 9.0}}]  # fmt: skip
    summary["judgement"] = {"better": [{"name": "drift", "value": 1.1}]}
    assert result_rows(summary) == [
        {"metric": "mae", "model": 1.2346, "last value (chosen on val)": 2.0, "drift": 1.1}
    ]
    # the classical reference is shown beside them, better or not, never as a rival
    summary["scoreboard"].append({"name": "ETS (classical reference)", "reference": True, "test": {"mae": 1.5}})
    assert result_rows(summary)[0]["ETS (classical reference)"] == 1.5
    assert result_rows(None) == []


def test_jobs_of_all_workspaces_start_round_robin(manager):
    busy = manager.submit(long_spec("run-fifo-busy", session="x"))
    wait_for(lambda: manager.status(busy).state == "running")
    order = [("y", "run-fifo-1"), ("z", "run-fifo-2"), ("y", "run-fifo-3"), ("w", "run-fifo-4")]
    # each session in a workspace of its own (one student each): y's second job waits behind w's first
    ids = [manager.submit(spec(run_id, session=s, epochs=1, workspace=f"ws-{s}")) for s, run_id in order]
    # each session sees where its own jobs wait in the one shared queue, and only its own
    assert [j.queue_position for j in manager.jobs(session_id="y")] == [1, 4]
    assert [j.queue_position for j in manager.jobs(session_id="z")] == [2]
    assert progress_line(manager.jobs(session_id="w")[0]) == "waiting in the queue (position 3)"
    # the per-session limit names the limit and what was received, as a ValueError pages can show
    manager.submit(spec("run-fifo-5", session="y", epochs=1, workspace="ws-y"))
    with pytest.raises(ValueError) as info:
        manager.submit(spec("run-fifo-6", session="y", epochs=1, workspace="ws-y"))
    assert isinstance(info.value, QueueFull)
    assert str(info.value).startswith("A session may have at most 3 trainings queued or running. Received:")
    assert manager.status(ids[-1]).queue_position == 3  # a refused job takes no place in the queue
    manager.stop(busy)
    done = [manager.wait(job_id, timeout=240) for job_id in ids]
    assert [s.state for s in done] == ["finished"] * 4
    starts = [s.started for s in done]
    assert [starts[i] for i in (0, 1, 3, 2)] == sorted(starts), "round-robin: y, z, w, then y's second"
    for job in manager.jobs(session_id="y"):
        manager.wait(job.job_id, timeout=240)


# ---- lab ("call") jobs: a whitelisted rnnlab function run in a worker -------------------------------------
TINY_RACE = {"k": 1, "epochs": 1, "n": 16, "units": 2}


def test_call_job_runs_the_k_steps_race_in_a_worker(manager):
    job_id = manager.submit_call("k_steps_race", TINY_RACE, "s-call")
    status = manager.wait(job_id, timeout=180)
    assert status.state == "finished", status.message
    assert status.kind == "call" and status.worker_pid != os.getpid()
    result = status.result
    assert result["k"] == 1 and result["epochs"] == 1
    assert [r["cell"] for r in result["results"]] == ["simple_rnn", "lstm", "gru"]
    for r in result["results"]:
        assert 0.0 <= r["accuracy"] <= 1.0 and len(r["history"]["loss"]) == 1
        assert len(r["gradient"]) == len(r["steps_before_end"]) == 1 + 5  # one value per step (k + 5 steps)
    assert status.progress["fraction"] == 1.0 and status.progress["total"] == 3
    assert not any(c[1] == status.run_id for c in manager.recorder_double.calls)  # not a stored run


def test_call_job_refuses_unknown_names_and_bad_kwargs(manager):
    before = len(manager.jobs())
    for name in ("os:system", "rnnlab.inside.synthetic:race_cells", "k_steps"):
        with pytest.raises(ValueError, match="`name` must be one of"):
            manager.submit_call(name, {}, "s-bad")
    with pytest.raises(ValueError, match="on_progress"):
        manager.submit_call("k_steps_race", {"k": 1, "on_progress": print}, "s-bad")
    with pytest.raises(ValueError, match="picklable"):
        manager.submit_call("k_steps_race", {"k": lambda: 1}, "s-bad")
    assert len(manager.jobs()) == before  # a refused call takes no place in the queue


def test_call_job_error_fails_only_that_job(manager):
    job_id = manager.submit_call("k_steps_race", {**TINY_RACE, "k": -1}, "s-call")
    status = manager.wait(job_id, timeout=120)
    assert status.state == "failed" and "`k` must be ≥ 0" in status.message and status.result is None


def test_call_jobs_queue_cancel_stop_and_a_killed_worker(manager):
    slow = {"k": 1, "epochs": 400, "n": 64, "units": 2, "until_solved": False}  # minutes unless stopped
    first = manager.submit_call("k_steps_race", slow, "s-ca")
    wait_for(lambda: manager.status(first).progress.get("label", "").startswith("SimpleRNN, epoch"))
    queued = manager.submit_call("k_steps_race", TINY_RACE, "s-cb")
    cancelled = manager.submit_call("k_steps_race", TINY_RACE, "s-cc")
    assert manager.status(queued).queue_position == 1 and manager.status(cancelled).queue_position == 2
    assert progress_line(manager.status(cancelled)) == "waiting in the queue (position 2)"
    line = progress_line(manager.status(first))
    assert line.startswith("training SimpleRNN, epoch ") and line.endswith(" (1 of 3)")
    assert manager.cancel(cancelled) and manager.status(cancelled).state == "stopped"
    # the same per-session limit as trainings
    manager.submit_call("k_steps_race", TINY_RACE, "s-ca")
    manager.submit_call("k_steps_race", TINY_RACE, "s-ca")
    with pytest.raises(QueueFull):
        manager.submit_call("k_steps_race", TINY_RACE, "s-ca")
    os.kill(manager.running_pid(first), signal.SIGKILL)
    died = manager.wait(first, timeout=60)
    assert died.state == "failed" and "SIGKILL" in died.message and died.result is None
    done = manager.wait(queued, timeout=180)  # the next job runs in the replacement worker
    assert done.state == "finished" and len(done.result["results"]) == 3
    for job in manager.jobs(session_id="s-ca"):
        manager.wait(job.job_id, timeout=180)


def test_stop_ends_a_running_call_job_within_an_epoch(manager):
    race = {"k": 1, "epochs": 400, "n": 64, "units": 2, "until_solved": False}  # minutes unless stopped
    job_id = manager.submit_call("k_steps_race", race, "s-stop")
    wait_for(lambda: manager.status(job_id).progress.get("label", "").startswith("SimpleRNN, epoch 2"))
    asked = time.monotonic()
    manager.stop(job_id)
    status = manager.wait(job_id, timeout=120)
    assert status.state == "stopped" and "Stopped" in status.message and status.result is None
    assert time.monotonic() - asked < 20  # at the next epoch's end, not after the 400 epochs of 3 cells


SERVER_SIDE_CALL_SCRIPT = """
import sys
from rnnlab.inside import padding_lab
from rnnlab.jobs.manager import JobManager
jm = JobManager(n_workers=1)
race = jm.submit_call("k_steps_race", {"k": 1, "epochs": 1, "n": 16, "units": 2}, "s")
lab = jm.submit_call(
    "padding_lab", {"dataset": padding_lab.demo_dataset(n=24), "epochs": 1, "units": 2, "n_show": 3}, "s"
)
for job_id in (race, lab):
    status = jm.wait(job_id, timeout=240)
    assert status.state == "finished", status.message
assert jm.status(lab).result["lab"]["variants"] and jm.status(race).result["results"]
jm.shutdown()
print("TF_IN_SERVER", "tensorflow" in sys.modules, "keras" in sys.modules)
"""


def test_server_side_of_lab_jobs_never_imports_tensorflow(tmp_path):
    import subprocess

    env = {**os.environ, "RNNLAB_DATA_DIR": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", SERVER_SIDE_CALL_SCRIPT], capture_output=True, text=True, env=env, timeout=300,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    )  # fmt: skip
    assert "TF_IN_SERVER False False" in out.stdout, out.stderr[-2000:]


# ---- the typed seams: one outcome builder, the runner interface --------------------------------------------
def test_run_outcome_is_built_once_from_a_summary(tmp_path):
    from rnnlab.jobs.outcome import failed_summary, run_outcome, write_model

    summary = {"status": "finished", "traceback": "tb", "model_bytes": b"keras",
               "predictions": {"index": [0], "y_true": [1.0], "y_pred": [0.5]}}  # fmt: skip
    assert run_outcome(summary) == {"status": "finished", "predictions": [0.5], "y_true": [1.0]}
    written = write_model(summary, tmp_path / "models", "run-x")
    assert "model_bytes" not in written and (tmp_path / "models" / "run-x.keras").read_bytes() == b"keras"
    assert written["model_path"] == str(tmp_path / "models" / "run-x.keras")
    assert write_model({"status": "failed"}, tmp_path, "run-y") == {"status": "failed"}
    failed = failed_summary("boom", device="/CPU:0", tb="trace")
    assert run_outcome(failed) == {"status": "failed", "message": "boom", "history": {}, "device": "/CPU:0"}


def test_both_runners_satisfy_the_runner_interface(manager):
    from rnnlab.jobs.ray_runner import RayRunner
    from rnnlab.jobs.runner import Runner

    assert isinstance(manager.runner, Runner) and manager.runner_name == "local"
    methods = [name for name in dir(Runner) if not name.startswith("_")]
    assert "poll" in methods and [m for m in methods if not callable(getattr(RayRunner, m, None))] == []
    assert manager.problem() is None


def test_a_failed_ray_init_is_told_by_its_cause_not_by_its_announcement():
    from rnnlab.jobs.cluster import failure_reason

    client = ConnectionAbortedError(
        'Initialization failure from server:\nTraceback (most recent call last):\n  File "proxier.py", '
        "line 765, in Datapath\nRuntimeError: Proxy failed to Connect to backend! Check the logs.\n"
    )
    assert failure_reason(client) == (
        "Initialization failure from server: RuntimeError: Proxy failed to Connect to backend! Check the logs."
    )
    assert failure_reason(ConnectionError("Could not find any running Ray instance.\nPlease start one.")) == (
        "Could not find any running Ray instance."
    )
    assert failure_reason(TimeoutError()) == "TimeoutError"


def test_a_ray_client_connection_is_tried_a_second_time_when_the_heads_server_failed_to_start(monkeypatch):
    import ray

    from rnnlab.jobs import cluster
    from rnnlab.jobs.types import ClusterUnreachable

    failure = ConnectionAbortedError(
        "Initialization failure from server:\nRuntimeError: Starting Ray client server failed."
    )
    calls = []

    def init(address, **kwargs):
        calls.append(address)
        if len(calls) == 1 or "10002" in address:
            raise failure

    monkeypatch.delenv("RAY_AUTH_MODE", raising=False)  # connect sets both; restored after the test
    monkeypatch.delenv("RAY_gcs_rpc_server_reconnect_timeout_s", raising=False)
    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    monkeypatch.setattr(ray, "init", init)
    monkeypatch.setattr(cluster.socket, "create_connection", lambda *a, **k: _Connection())
    assert cluster.connect("ray://127.0.0.1:10001") is ray and calls == ["ray://127.0.0.1:10001"] * 2
    calls.clear()
    with pytest.raises(ClusterUnreachable, match="RuntimeError: Starting Ray client server failed"):
        cluster.connect("ray://127.0.0.1:10002")
    assert len(calls) == 2  # once more, not for ever
    calls.clear()
    with pytest.raises(ClusterUnreachable):
        cluster.connect("127.0.0.1:6379")  # not Ray Client: no second try
    assert len(calls) == 1


class _Connection:
    def close(self) -> None:
        pass


def test_ray_addresses_and_which_jobs_ask_for_a_gpu(monkeypatch):
    from rnnlab.core import settings
    from rnnlab.jobs.cluster import _host_port, cluster_problem
    from rnnlab.jobs.ray_runner import kind_of
    from rnnlab.jobs.types import CallSpec, ClusterUnreachable

    assert _host_port("auto") is None and _host_port("ray://10.0.0.5:10001") == ("10.0.0.5", 10001)
    assert _host_port("head:6379") == ("head", 6379)
    with pytest.raises(ClusterUnreachable, match="must be `auto`, `host:port` or `ray://host:port`"):
        _host_port("head")
    monkeypatch.setenv("RNNLAB_RAY_ADDRESS", "  ")
    assert settings.ray_address() is None and cluster_problem() is None  # unset: the local pool, no problem
    gpu = spec("g")
    gpu.train = TrainConfig(epochs=1, device="/GPU:0")
    assert (
        kind_of(gpu) == "gpu"
        and kind_of(spec("c")) == "cpu"
        and kind_of(CallSpec("k_steps_race", {}, "s")) == "cpu"
    )
