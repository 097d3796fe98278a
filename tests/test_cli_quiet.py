"""A quiet command line: TensorFlow's start-up lines stay off the terminal unless ``--verbose`` is given."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from rnnlab.cli.quiet import is_noise

ROOT = Path(__file__).resolve().parent.parent
NOTES = ("oneDNN", "cuda", "absl::InitializeLog", "rebuild TensorFlow")


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)  # as a user's shell has it
    return subprocess.run([sys.executable, "-m", "rnnlab", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300, check=False)  # fmt: skip


def test_train_prints_its_epoch_lines_and_none_of_tensorflows_start_up_notes():
    done = _cli("train", "three_cities", "--epochs", "2", "--units", "2")
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert [line.split()[1] for line in lines if line.startswith("epoch ")] == ["1/2", "2/2"]
    assert not [line for line in lines if any(note in line for note in NOTES)], lines


def test_verbose_lets_them_through_and_errors_always_pass():
    loud = _cli("--verbose", "params", "--cell", "gru", "--units", "4", "--features", "1")
    assert loud.returncode == 0 and any("oneDNN" in line or "absl" in line for line in loud.stderr.splitlines())
    bad = _cli("train", "no_such_dataset.csv", "--epochs", "1")
    assert bad.returncode == 2 and "error: file not found" in bad.stderr


def test_what_counts_as_a_start_up_note():
    assert is_noise(b"W0000 00:00:1796612959.031818    1864 cudart_stub.cc:31] Could not find cuda drivers")
    assert is_noise(b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR")
    assert not is_noise(b"error: `units` must be positive. Received: units=0")
    assert not is_noise(b"Traceback (most recent call last):")
