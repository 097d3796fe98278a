"""The queue's fair share: limits per session, workspace and computer; round-robin between the computers
(or workspaces) that asked — with the ledger alone (no worker processes)."""

from __future__ import annotations

import pytest

from rnnlab.jobs.ledger import JobLedger
from rnnlab.jobs.types import CallSpec, QueueFull


def _job(ledger: JobLedger, session: str, workspace: str, client: str = "") -> str:
    return ledger._enqueue(CallSpec("k_steps_race", {}, session, workspace, client), "call")


def test_one_students_reloads_cannot_reset_the_workspace_limit():
    ledger = JobLedger(max_queued=64, max_per_session=4, max_per_workspace=4)
    for reload in range(4):  # every reload is a fresh browser session of the same workspace
        _job(ledger, f"session-{reload}", "w-alice")
    with pytest.raises(QueueFull, match="A workspace may have at most 4"):
        _job(ledger, "session-5", "w-alice")
    _job(ledger, "session-bob", "w-bob")  # another student still gets in


def test_fresh_workspaces_from_one_computer_share_its_limit_unless_the_limit_is_off():
    ledger = JobLedger(max_queued=64, max_per_session=4, max_per_workspace=4, max_per_client=3)
    for i in range(3):
        _job(ledger, f"s{i}", f"w-fresh-{i}", client="10.0.0.7")
    with pytest.raises(QueueFull, match="One computer may have at most 3"):
        _job(ledger, "s9", "w-fresh-9", client="10.0.0.7")
    _job(ledger, "s-other", "w-other", client="10.0.0.8")
    _job(ledger, "s-local", "w-local")  # an unknown address (localhost) is not one computer
    off = JobLedger(max_queued=64, max_per_session=4, max_per_client=0)  # a class behind one proxy address
    for i in range(6):
        _job(off, f"s{i}", f"w{i}", client="10.0.0.1")


def test_the_queue_serves_computers_round_robin_and_shows_each_its_fair_place():
    ledger = JobLedger(max_queued=64, max_per_session=10, max_per_workspace=10)
    flood = [_job(ledger, "s-a", "w-alice", client="10.0.0.1") for _ in range(5)]
    bob = _job(ledger, "s-b", "w-bob", client="10.0.0.2")
    carol = _job(ledger, "s-c", "w-carol", client="10.0.0.3")
    order = ledger.fair_queue()
    assert order[:3] == [flood[0], bob, carol]  # Bob's and Carol's first jobs wait behind one of Alice's, not five
    assert order[3:] == flood[1:]
    assert ledger.status(bob).queue_position == 2 and ledger.status(flood[4]).queue_position == 7
    ledger._jobs[flood[0]].state = "running"  # Alice's first starts: she has one running …
    ledger._queue.remove(flood[0])
    assert ledger.fair_queue()[:2] == [bob, carol]  # … so the others come first


def test_without_addresses_workspaces_share_round_robin():
    ledger = JobLedger(max_queued=64, max_per_session=10, max_per_workspace=10)
    a = [_job(ledger, "s-a", "w-a") for _ in range(3)]
    b = _job(ledger, "s-b", "w-b")
    assert ledger.fair_queue() == [a[0], b, a[1], a[2]]
