"""Fuzzing past the reader: random files framed with random task settings, random zips imported.

Every random file that loads is framed with random settings: framing returns a task or raises
``ValueError`` (``DataError`` included) with a message, within bounded time and memory per example (the
budget refuses what is too large before anything is allocated). Every random zip either imports whole
or raises a one-line ``ValueError`` and leaves nothing behind. The default run uses a few examples; the
``slow`` set runs at least 2,000 of each.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import tracemalloc
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnlab.data.dataset import DataError, SequenceDataset
from rnnlab.data.reader import read_csv
from rnnlab.runs import run_import
from rnnlab.runs.store import RunStore, new_workspace_id
from rnnlab.task import framing
from rnnlab.task.types import PaddingConfig, TaskConfig
from tests.test_fuzz_reader import table_csv
from tests.test_import_limits import CONFIG, METRICS, history, make_zip

FAST = settings(
    max_examples=int(os.environ.get("RNNLAB_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
SLOW = settings(
    max_examples=int(os.environ.get("RNNLAB_FUZZ_SLOW_EXAMPLES", "2000")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
SECONDS, PEAK_BYTES = 5.0, 64 * 2**20  # per example
BUDGET = {"RNNLAB_MAX_FRAMED_VALUES": "300000", "RNNLAB_MAX_HISTORY_ROWS": "500"}


@pytest.fixture(autouse=True)
def _small_budget(monkeypatch):
    for key, value in BUDGET.items():
        monkeypatch.setenv(key, value)


@st.composite
def task_for(draw, dataset: SequenceDataset) -> TaskConfig | None:
    kinds = dataset.allowed_tasks()
    if not kinds:
        return None
    kind = draw(st.sampled_from(kinds))
    names = list(dataset.feature_names)
    inputs = tuple(draw(st.lists(st.sampled_from(names), unique=True, max_size=3))) if names else ()
    val = draw(st.sampled_from([0.0, 0.1, 0.15, 0.3]))
    test = draw(st.sampled_from([0.0, 0.15, 0.3]))
    common = {"input_columns": inputs, "val_share": val, "test_share": test, "seed": draw(st.integers(0, 9)),
              "scale": draw(st.booleans())}  # fmt: skip
    try:
        if kind == "forecast":
            offsets = tuple(sorted(set(draw(st.lists(st.integers(1, 30), max_size=3)))))
            return TaskConfig(kind, window=draw(st.integers(1, 400)), horizon=draw(st.integers(1, 20)),
                              offsets=offsets, stride=draw(st.integers(1, 5)), **common)  # fmt: skip
        padding = PaddingConfig(side=draw(st.sampled_from(["pre", "post"])),
                                length=draw(st.one_of(st.none(), st.integers(1, 2000))),
                                truncating=draw(st.sampled_from(["pre", "post"])),
                                value=draw(st.one_of(st.none(), st.floats(-5, 5))))  # fmt: skip
        mode = draw(st.sampled_from(["auto", "random", "temporal", "stratified", "archive"]))
        return TaskConfig(kind, padding=padding, split_mode=mode, **common)
    except ValueError:
        return None  # settings the Task page could not produce


def _frame_within_bounds(dataset: SequenceDataset, task: TaskConfig) -> None:
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        framed = framing.frame(dataset, task)
        assert framed.train.X.ndim == 3 and framed.train.X.dtype == np.float32
        assert np.isfinite(framed.scaled("train")[0]).all()
    except ValueError as err:  # DataError is a ValueError
        assert str(err).strip()
    finally:
        seconds = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert seconds < SECONDS and peak < PEAK_BYTES, (seconds, peak, task)


@st.composite
def shaped_dataset(draw) -> SequenceDataset:
    """Sequences of random, sometimes extreme lengths (a million steps among two-step ones)."""
    n = draw(st.integers(1, 60))
    lengths = draw(st.lists(st.sampled_from([2, 3, 5, 17, 120, 900]), min_size=n, max_size=n))
    if draw(st.booleans()):
        lengths[0] = draw(st.sampled_from([5_000, 200_000]))  # one outlier among short sequences
    width = draw(st.integers(1, 3))
    seqs = [np.linspace(0, 1, length * width).reshape(length, width) for length in lengths]
    if n == 1:
        return SequenceDataset("fuzz", "series", seqs, [f"f{j}" for j in range(width)])
    labels = np.array([i % 3 for i in range(n)])
    kind = draw(st.sampled_from(["class", "value", "tag"]))
    if kind == "tag":
        return SequenceDataset("fuzz", "long", seqs, [f"f{j}" for j in range(width)],
                               step_targets=[s[:, 0] for s in seqs], step_target_names=["t"])  # fmt: skip
    return SequenceDataset("fuzz", "long", seqs, [f"f{j}" for j in range(width)], labels=labels,
                           label_names=["y"], label_kind=kind)  # fmt: skip


def _check_file(data: bytes, draw) -> None:
    try:
        dataset = read_csv(data, name="fuzz.csv")
    except DataError:
        return
    task = draw(task_for(dataset))
    if task is not None:
        _frame_within_bounds(dataset, task)


@FAST
@given(table_csv(), st.data())
def test_random_files_frame_or_refuse_within_bounds(data, draw):
    _check_file(data, draw.draw)


@FAST
@given(shaped_dataset(), st.data())
def test_extreme_shapes_frame_or_refuse_within_bounds(dataset, draw):
    task = draw.draw(task_for(dataset))
    if task is not None:
        _frame_within_bounds(dataset, task)


@pytest.mark.slow
@SLOW
@given(
    st.one_of(table_csv().map(lambda d: ("file", d)), shaped_dataset().map(lambda d: ("shape", d))), st.data()
)
def test_two_thousand_random_framings(item, draw):
    kind, value = item
    if kind == "file":
        _check_file(value, draw.draw)
        return
    task = draw.draw(task_for(value))
    if task is not None:
        _frame_within_bounds(value, task)


# ---- import ---------------------------------------------------------------------------------------
STORE = RunStore(tempfile.mkdtemp(prefix="rnnlab-fuzz-"))
GOOD = {"config.json": json.dumps(CONFIG), "metrics.json": json.dumps(METRICS), "history.csv": history(4)}
json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


@st.composite
def random_zip(draw) -> bytes:
    choice = draw(st.integers(0, 3))
    if choice == 0:  # bytes flipped or cut in a good zip
        raw = bytearray(
            make_zip(GOOD, compression=draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])))
        )
        for at in draw(st.lists(st.integers(0, len(raw) - 1), max_size=4)):
            raw[at] = draw(st.integers(0, 255))
        return bytes(raw[: draw(st.integers(0, len(raw)))]) if draw(st.booleans()) else bytes(raw)
    if choice == 1:  # good members with random JSON in place of configs and metrics
        members = dict(GOOD)
        key = draw(st.sampled_from(["config.json", "metrics.json"]))
        if key == "config.json" and draw(st.booleans()):
            part = draw(st.sampled_from(["task", "model", "train"]))
            members[key] = json.dumps({**CONFIG, part: draw(json_value)})
        else:
            members[key] = json.dumps(draw(json_value))
        return make_zip(members)
    if choice == 2:  # random history
        rows = draw(
            st.lists(
                st.lists(st.one_of(st.floats(), st.text(max_size=4), st.integers()), min_size=1, max_size=4),
                max_size=8,
            )
        )
        members = {**GOOD, "history.csv": "\n".join(",".join(map(str, r)) for r in rows)}
        return make_zip(members)
    return draw(st.binary(max_size=2048))


def _check_zip(data: bytes) -> None:
    before = len(STORE.list_runs(None, limit=10**6))
    try:
        run_id = run_import.import_run(STORE, data, new_workspace_id())
    except ValueError as err:
        message = str(err)
        assert message and "\n" not in message and len(message) < 800
        assert len(STORE.list_runs(None, limit=10**6)) == before  # nothing left behind
        return
    run = STORE.get_run(run_id)
    assert run["status"] != "running"


@FAST
@given(random_zip())
def test_random_zips_import_whole_or_not_at_all(data):
    _check_zip(data)


@pytest.mark.slow
@SLOW
@given(random_zip())
def test_two_thousand_random_zips(data):
    _check_zip(data)


def test_the_fuzzed_zip_base_imports():
    run_id = run_import.import_run(STORE, make_zip(GOOD), new_workspace_id())
    assert STORE.get_run(run_id)["epochs_done"] == 4
