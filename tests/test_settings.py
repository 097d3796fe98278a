"""The job pool's limits, read from the environment in core/settings.py, with their defaults and floors."""

from __future__ import annotations

from rnnlab.core import settings


def test_waiting_jobs_and_jobs_per_worker_defaults_and_overrides(monkeypatch):
    monkeypatch.delenv("RNNLAB_MAX_WAITING_JOBS", raising=False)
    monkeypatch.delenv("RNNLAB_JOBS_PER_WORKER", raising=False)
    assert settings.max_waiting_jobs() == 64 and settings.jobs_per_worker() == 6
    monkeypatch.setenv("RNNLAB_MAX_WAITING_JOBS", "5")
    monkeypatch.setenv("RNNLAB_JOBS_PER_WORKER", "2")
    assert settings.max_waiting_jobs() == 5 and settings.jobs_per_worker() == 2
    monkeypatch.setenv("RNNLAB_MAX_WAITING_JOBS", "0")
    monkeypatch.setenv("RNNLAB_JOBS_PER_WORKER", "-3")
    assert settings.max_waiting_jobs() == 1 and settings.jobs_per_worker() == 1
