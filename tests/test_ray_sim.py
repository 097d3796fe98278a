"""The class-size queueing simulation behind the README's capacity table (bench/sim_queue.py)."""

from __future__ import annotations

import random

from bench import sim_queue


def test_last_student_waits_for_every_earlier_training_on_the_free_slots():
    rng = random.Random(0)
    # 10 students, 2 slots, 20 s each: the 10th starts after four rounds and is done after five
    assert sim_queue.last_wait(10, 2, [20.0], rng) == (80.0, 100.0)
    assert sim_queue.last_wait(3, 8, [20.0], rng) == (0.0, 20.0)  # more slots than students: nobody waits
    wait, done = sim_queue.expected(30, 8, [10.0, 30.0], runs=200)
    assert done >= 20.0 * 3 and wait < done and wait <= 30.0 * 4


def test_table_has_a_row_per_cluster_and_a_gpu_row_only_when_measured():
    plain = sim_queue.table([20.0], runs=5).splitlines()
    assert len(plain) == 2 + len(sim_queue.CLUSTERS) and "1 node × 2 cores" in plain[2]
    assert "| 1 node × 2 cores | 1 min 20 s (1 min 40 s) |" in plain[2]  # 10 students, 2 slots, 20 s each
    with_gpu = sim_queue.table([20.0], runs=5, gpu_seconds=5.0).splitlines()
    assert with_gpu[-1].startswith("| 1 GPU node") and "45 s (50 s)" in with_gpu[-1]
