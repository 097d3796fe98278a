"""AppTest: the Train page trains on ECG200 through the worker pool, shows live curves and the verdict."""

from __future__ import annotations

import json
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from rnnlab.models.config import ModelConfig
from rnnlab.task.types import TaskConfig
from rnnlab.training.config import TrainConfig
from rnnlab.ui import session
from tests.fakes import FakeJobManager, install

ROOT = Path(__file__).resolve().parent.parent
ECG200 = {"source": "bundled", "name": "ecg200", "title": "ECG200"}


WORKSPACE = "test-ws-train"


def _page(epochs: int, dataset: dict = ECG200, task=None, present: bool = False) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "train_page.py"), default_timeout=180)
    at.session_state[session.DATASET_CHOICE] = dataset
    at.session_state[session.WORKSPACE] = WORKSPACE
    if task is not None:
        at.session_state[session.TASK_CONFIG] = task
    at.session_state[session.MODEL_CONFIG] = ModelConfig(cell="gru", units=(4,))
    at.session_state[session.TRAIN_CONFIG] = TrainConfig(epochs=epochs, batch_size=16, patience=None)
    if present:
        at.query_params["present"] = "1"
    at.run()
    assert not at.exception, at.exception
    return at


def _train_points(at: AppTest) -> int:
    """How many points the train-loss curve has (intra-epoch and epoch-end)."""
    charts = at.get("plotly_chart")
    if not charts:
        return 0
    spec = json.loads(charts[0].proto.spec)
    return sum(len(t.get("x", [])) for t in spec["data"] if t.get("name") == "train loss")


def _verdict(at: AppTest) -> str | None:
    return next((h.value for h in at.subheader if h.value.startswith("Verdict")), None)


def _running(at: AppTest) -> bool:
    return any(b.key == "train-stop" for b in at.button)


def _wait_for_verdict(at: AppTest) -> None:
    deadline = time.monotonic() + 240
    while _verdict(at) is None and time.monotonic() < deadline:
        time.sleep(1.0)
        at.run()
        assert not at.exception, at.exception
        assert not at.error, [e.value for e in at.error]
    assert _verdict(at) is not None, "no verdict within 4 minutes"


def _ecg200_task() -> dict:
    from rnnlab.data import catalog
    from rnnlab.task import framing

    return framing.default_task(catalog.load_dataset("ecg200"), catalog.get_entry("ecg200").label).to_dict()


def test_train_page_trains_one_epoch_and_shows_curves_and_verdict():
    from rnnlab.runs.store import RunStore

    store = RunStore()  # an earlier run of this workspace on the same data and task: drawn as a ghost
    ref = {"source": "bundled", "name": "ecg200", "read_options": {}}
    store.start_run("earlier-run", {"workspace": WORKSPACE, "dataset_ref": ref, "task": _ecg200_task()})
    store.record_epoch(
        "earlier-run", 0, {"loss": 0.7, "val_loss": 0.65, "accuracy": 0.6, "val_accuracy": 0.6}
    )
    store.finish_run("earlier-run", {"status": "finished"})
    at = _page(epochs=1)
    assert at.button(key="train-start").label == "Start training"
    at.button(key="train-start").click().run()
    _wait_for_verdict(at)
    assert _train_points(at) >= 1
    assert at.table  # test metrics beside the best baseline
    assert any("Finished" in s.value for s in at.success)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    ghosts = [t for t in spec["data"] if t.get("legendgroup") == "ghosts"]
    assert [t["y"] for t in ghosts] == [[0.65], [0.6]]  # val loss and val accuracy of the earlier run
    # the job went to this workspace, recorded with the dataset reference
    new = [r for r in store.list_runs(WORKSPACE) if r["id"] != "earlier-run"]
    assert len(new) == 1 and new[0]["dataset_ref"] == ref and new[0]["task_config"] == _ecg200_task()
    assert store.list_runs("someone-else") == []


def test_failure_detectors_explain_a_run_on_unscaled_inputs():
    from rnnlab.data import catalog
    from rnnlab.task import framing

    dataset = catalog.load_dataset("us_macro")
    task = framing.default_task(dataset, catalog.get_entry("us_macro").label).replace(scale=False)
    at = _page(epochs=300, dataset={"source": "bundled", "name": "us_macro", "title": "US macro"}, task=task)
    at.button(key="train-start").click().run()
    deadline = time.monotonic() + 240
    while not _running(at) and time.monotonic() < deadline:
        time.sleep(0.3)
        at.run()
    assert _running(at), "the job never ran"
    live = [w.value for w in at.warning]  # live, while the job runs
    assert any("Scaling is off" in t for t in live), live
    at.button(key="train-stop").click().run()
    _wait_for_verdict(at)
    texts = [w.value for w in at.warning]
    assert any("Scaling is off" in t and "**Hint:**" in t for t in texts), texts


def test_presentation_mode_hides_the_advanced_controls():
    advanced = (
        "train-optimizer",
        "train-early",
        "train-patience",
        "train-seed",
        "train-device",
        "train-fast",
    )
    at = _page(epochs=3)
    keys = {w.key for kind in ("selectbox", "checkbox", "number_input") for w in at.get(kind)}
    assert set(advanced) <= keys
    assert at.expander and "Advanced" in at.expander[0].label
    shown = _page(epochs=3, present=True)
    keys = {w.key for kind in ("selectbox", "checkbox", "number_input") for w in shown.get(kind)}
    assert not set(advanced) & keys and {"train-lr", "train-batch", "train-epochs"} <= keys
    assert not shown.expander
    assert shown.button(key="train-start")  # still ready to Start, with the saved advanced settings
    assert shown.session_state[session.TRAIN_CONFIG] == TrainConfig(epochs=3, batch_size=16, patience=None)


def test_copy_link_carries_the_whole_configuration_and_never_the_workspace():
    at = _page(epochs=7)
    link, bookmark = at.code[0].value, at.code[1].value
    assert "ds=ecg200" in link and "model=" in link and "train=" in link and "ws=" not in link
    assert bookmark.endswith(f"?ws={WORKSPACE}") and "Bookmark my workspace" in at.expander[1].label
    from urllib.parse import parse_qsl

    from rnnlab.runs import share_link

    shared = share_link.from_query(dict(parse_qsl(link.split("?", 1)[1])))
    assert shared.train.epochs == 7 and shared.model == ModelConfig(cell="gru", units=(4,))


def test_curves_keep_advancing_while_the_page_reruns():
    at = _page(epochs=40)
    at.button(key="train-start").click().run()
    seen: list[int] = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and (len(set(seen)) < 4):
        at.run()  # a full rerun, as when the user clicks around; training is not disturbed
        assert not at.exception, at.exception
        seen.append(_train_points(at))
        time.sleep(0.3)
    growth = sorted(set(seen))
    assert len(growth) >= 4 and seen == sorted(seen), seen  # more points each time, never fewer
    at.button(key="train-stop").click().run()
    deadline = time.monotonic() + 120
    # wait for the Stop's own line: a live finding (a warning too) may show while the last epoch ends
    while not any("Stopped" in w.value for w in at.warning) and time.monotonic() < deadline:
        time.sleep(0.5)
        at.run()
    assert any("Stopped" in w.value for w in at.warning), [w.value for w in at.warning]


CLUSTER_DEVICES = [
    {"name": "/CPU:0", "kind": "CPU", "description": "4 CPU slots on 2 cluster nodes"},
    {"name": "/GPU:0", "kind": "GPU", "description": "GPU on node gpu-1"},
]


def test_an_unreachable_cluster_is_said_and_start_stays_disabled(monkeypatch):
    reason = "Cannot reach the Ray cluster at 10.0.0.9:6379 (Connection refused)"
    manager = install(monkeypatch, FakeJobManager(problem=reason))
    at = _page(epochs=1)
    assert [e.value for e in at.error] == [f"Nothing can train now. {reason}"]
    assert at.button(key="train-start").disabled
    manager.broken = None  # all is well again: one Start
    assert not at.run().error and not at.button(key="train-start").disabled


def test_the_device_lists_show_the_cluster_devices(monkeypatch):
    install(monkeypatch, FakeJobManager(devices=CLUSTER_DEVICES), started=True)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state[session.DATASET_CHOICE] = ECG200
    at.session_state[session.WORKSPACE] = WORKSPACE
    at.session_state[session.TRAIN_CONFIG] = TrainConfig(epochs=1)
    at.run().switch_page("pages/train_page.py").run()
    assert not at.exception, at.exception
    device = at.selectbox(key="train-device")
    assert device.options == ["/CPU:0 — 4 CPU slots on 2 cluster nodes", "/GPU:0 — GPU on node gpu-1"]
    device.set_value("/GPU:0").run()
    assert at.session_state[session.TRAIN_CONFIG].device == "/GPU:0"  # the name, as training takes it
    sidebar = " ".join(m.value for m in at.sidebar.markdown)
    assert "`/GPU:0` GPU on node gpu\\-1" in sidebar and "`/CPU:0` 4 CPU slots" in sidebar


def _sidebar_captions(monkeypatch, manager) -> list[str]:
    install(monkeypatch, manager, started=True)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state[session.WORKSPACE] = WORKSPACE
    at.run()  # (AppTest drops the sidebar's elements on a second run of the same test app, so one run each)
    assert not at.exception, at.exception
    return [c.value for c in at.sidebar.caption]


def test_the_sidebar_shows_the_workspaces_running_training(monkeypatch):
    from rnnlab.jobs.types import JobStatus

    running = JobStatus("j1", "r1", "s", state="running", progress={"epoch": 1, "epochs": 3, "step": 2, "steps": 9},
                        workspace=WORKSPACE)  # fmt: skip
    assert "Training: epoch 1/3 · step 2/9" in _sidebar_captions(monkeypatch, FakeJobManager([running]))
    running.progress.update(epoch=2, step=5)  # in a browser its fragment reruns every second to show this
    assert "Training: epoch 2/3 · step 5/9" in _sidebar_captions(monkeypatch, FakeJobManager([running]))
    running.state = "finished"
    assert not any("Training:" in c for c in _sidebar_captions(monkeypatch, FakeJobManager([running])))


def test_the_expected_time_is_said_before_start_with_what_shortens_a_long_one(monkeypatch):
    from rnnlab.training import speed

    install(monkeypatch, FakeJobManager())
    at = _page(20, task=TaskConfig.from_dict(_ecg200_task()))
    expected = [c.value for c in at.caption if c.value.startswith("Expected: ")]
    assert (
        len(expected) == 1 and " (20 epochs of " in expected[0]
    )  # early stopping off: "about", not "at most"
    assert expected[0].startswith("Expected: about ") and not any("Over a minute" in i.value for i in at.info)
    slow = speed.Calibration(
        step_s=0.05, xla_step_s=0.05, measured=True
    )  # 500× slower per step than the defaults
    monkeypatch.setattr(speed, "load", lambda data_dir: slow)
    at.run()
    tips = next(i.value for i in at.info if i.value.startswith("Over a minute. What shortens it:"))
    assert "early stopping (patience 5)" in tips and "1 epoch instead of 20 (about a minute)" in tips


def test_the_intervals_level_is_a_training_setting(monkeypatch):
    install(monkeypatch, FakeJobManager())
    at = _page(2, task=TaskConfig.from_dict(_ecg200_task()))
    at.slider(key="train-intervals").set_value(0.8).run()
    assert not at.exception, at.exception
    assert at.session_state[session.TRAIN_CONFIG].intervals == 0.8
