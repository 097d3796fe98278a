"""The job queue protocol: the real JobManager and the tests' fake both provide every member, same shape."""

from __future__ import annotations

import inspect

import pytest

from rnnlab.jobs.manager import JobManager
from rnnlab.jobs.protocol import JobQueue, latest_result
from rnnlab.jobs.types import JobSpec, JobStatus
from rnnlab.models.config import ModelConfig
from rnnlab.task.types import TaskConfig
from rnnlab.training.config import TrainConfig
from tests import tiny_datasets
from tests.fakes import FakeJobManager


def protocol_members() -> list[str]:
    return [
        name
        for name, value in vars(JobQueue).items()
        if inspect.isfunction(value) and not name.startswith("_")
    ]


def mismatches(cls: type) -> list[str]:
    """What in ``cls`` does not fit :class:`JobQueue`: missing methods, renamed or reordered parameters,
    a required parameter the protocol does not pass, a default the protocol has and ``cls`` lacks."""
    problems = []
    for name in protocol_members():
        impl = getattr(cls, name, None)
        if not callable(impl):
            problems.append(f"{name}: missing")
            continue
        wanted = list(inspect.signature(getattr(JobQueue, name)).parameters.values())[1:]
        given = list(inspect.signature(impl).parameters.values())[1:]
        for i, param in enumerate(wanted):
            if i >= len(given) or given[i].name != param.name or given[i].kind != param.kind:
                problems.append(f"{name}: parameter {i + 1} must be {param.name} ({param.kind.description})")
            elif param.default is not inspect.Parameter.empty and given[i].default is inspect.Parameter.empty:
                problems.append(f"{name}: {param.name} must have a default")
        problems += [f"{name}: extra required {p.name}" for p in given[len(wanted) :] if p.default is p.empty]
    return problems


def test_the_protocol_lists_what_the_pages_call():
    members = {"submit", "submit_call", "status", "stop", "cancel", "devices", "jobs", "problem"}
    assert set(protocol_members()) == members


@pytest.mark.parametrize("cls", [JobManager, FakeJobManager])
def test_the_real_manager_and_the_fake_fit_the_protocol(cls):
    assert mismatches(cls) == []


def test_the_check_fails_when_a_method_is_renamed_or_changes_shape():
    class Renamed(FakeJobManager):
        stop = None  # as if renamed: the attribute is no longer a method

    class Reshaped(FakeJobManager):
        def status(self, job):  # the parameter renamed
            return super().status(job)

        def jobs(self, session_id):  # the default dropped
            return super().jobs(session_id)

    assert mismatches(Renamed) == ["stop: missing"]
    assert mismatches(Reshaped) == [
        "status: parameter 1 must be job_id (positional or keyword)",
        "jobs: session_id must have a default",
    ]


def _spec(run_id: str, session_id: str = "s") -> JobSpec:
    return JobSpec(tiny_datasets.series(), {"source": "bundled", "name": "x"}, TaskConfig("forecast", window=3),
                   ModelConfig(units=(2,)), TrainConfig(epochs=1), "ws-test", session_id, run_id)  # fmt: skip


def test_fake_queue_keeps_fifo_positions_and_cancels_like_the_real_one():
    fake = FakeJobManager()
    first, second = fake.submit(_spec("r1")), fake.submit(_spec("r2", "other"))
    assert isinstance(fake, JobQueue)
    assert [fake.status(j).queue_position for j in (first, second)] == [1, 2]
    fake.stop(first)  # stopping a queued job takes it out of the queue
    assert fake.status(first).state == "stopped" and fake.status(second).queue_position == 1
    assert fake.cancel(first) is False and [j.job_id for j in fake.jobs("other")] == [second]
    with pytest.raises(ValueError, match="Received: job_id='nope'"):
        fake.status("nope")


def test_latest_result_is_the_newest_job_that_ended_with_a_result():
    done = JobStatus("a", "r", "s", state="finished", result={"test": {"mae": 1.0}})
    stopped = JobStatus("b", "r", "s", state="stopped", result={"test": {"mae": 2.0}})
    failed = JobStatus("c", "r", "s", state="failed", result=None)
    fake = FakeJobManager([done, stopped, failed])
    assert latest_result(fake, ["a", "b", "c", "gone"]) is stopped  # unknown ids (a restart) are skipped
    assert latest_result(fake, ["a"]) is done and latest_result(fake, ["c"]) is None


def test_a_problem_refuses_trainings_alike_in_the_real_manager_and_the_fake(monkeypatch):
    from rnnlab.jobs import manager as manager_module
    from rnnlab.jobs.types import ClusterUnreachable

    reason = "Cannot reach the Ray cluster at 10.0.0.9:6379 (Connection refused)"

    def unreachable(*args, **kwargs):
        raise ClusterUnreachable(reason)

    monkeypatch.setattr(manager_module, "make_runner", unreachable)
    real = JobManager(n_workers=1)
    try:
        for queue in (real, FakeJobManager(problem=reason)):
            assert queue.problem() == reason
            with pytest.raises(ValueError, match="workers cannot start: Cannot reach the Ray cluster"):
                queue.submit(_spec("r1"))
            with pytest.raises(ValueError, match="Cannot reach the Ray cluster"):
                queue.submit_call("k_steps_race", {"k": 2}, "s")
            assert queue.jobs() == []
    finally:
        real.shutdown(timeout=2)
    assert FakeJobManager().problem() is None
