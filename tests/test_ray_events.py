"""The Ray actor's event box (no cluster needed): the server's waiting drain gets each event the moment it
exists, a quiet job costs one call per wait, a stream of events is gathered, and a job's end wakes the wait."""

from __future__ import annotations

import threading
import time

from rnnlab.jobs.ray_actor import EventBox


def _put_later(box: EventBox, delay: float, event: dict) -> None:
    threading.Timer(delay, box.put, args=(event,)).start()


def test_a_waiting_take_returns_as_soon_as_an_event_exists():
    box = EventBox()
    box.start()
    _put_later(box, 0.2, {"type": "start", "epochs": 1})
    t0 = time.monotonic()
    events = box.take(wait_s=5.0)
    taken = time.time()
    assert [e["type"] for e in events] == ["start"] and 0.15 < time.monotonic() - t0 < 1.0
    assert 0 <= taken - events[0]["t"] < 0.1  # stamped when put, handed over at once


def test_without_events_a_take_waits_its_time_and_a_jobs_end_wakes_it():
    box = EventBox()
    box.start()
    t0 = time.monotonic()
    assert box.take(wait_s=0.3) == [] and 0.25 < time.monotonic() - t0 < 1.0
    assert box.take() == []  # no wait: at once
    threading.Timer(0.2, box.end).start()
    t0 = time.monotonic()
    assert box.take(wait_s=5.0) == [] and time.monotonic() - t0 < 1.0


def test_a_stream_of_events_is_gathered_for_the_gap_after_a_take_with_events():
    box = EventBox(gap_s=0.3)
    box.start()
    box.put({"type": "progress", "done": 0})
    assert len(box.take(wait_s=1.0)) == 1
    for i in range(1, 4):
        _put_later(box, 0.05 * i, {"type": "progress", "done": i})
    t0 = time.monotonic()
    events = box.take(wait_s=1.0)
    assert [e["done"] for e in events] == [1, 2, 3] and time.monotonic() - t0 >= 0.25  # one call, not three


def test_an_event_keeps_its_own_stamp_and_only_a_running_job_takes_while_running_events():
    box = EventBox()
    assert not box.put({"type": "stopping", "t": 1.0}, while_running=True)  # no job: no acknowledgement
    box.start()
    assert box.put({"type": "stopping", "t": 1.0}, while_running=True)
    assert box.take() == [{"type": "stopping", "t": 1.0}]
