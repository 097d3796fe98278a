"""AppTest for the Compare page: table, overlay, workspace from the URL, share, delete, race submission."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rnnlab.models.config import ModelConfig
from rnnlab.runs.store import RunStore, new_workspace_id
from rnnlab.task.types import TaskConfig
from rnnlab.training.config import TrainConfig
from rnnlab.ui import current, session
from tests import tiny_datasets
from tests.fakes import FakeJobManager, install

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "compare_page.py")


def _runs(ws: str, n: int = 2) -> RunStore:
    store = RunStore()
    for i, cell in enumerate(["gru", "lstm", "simple_rnn"][:n]):
        run_id = f"run-page{i:03d}"
        store.start_run(run_id, {"workspace": ws, "dataset_ref": {"source": "bundled", "name": "sunspots"},
                                 "task": {"kind": "forecast"}, "model": {"cell": cell, "units": [8]},
                                 "train": {"seed": 0}, "params": 100 + i})  # fmt: skip
        for epoch in range(3):
            store.record_epoch(run_id, epoch, {"loss": 1.0 / (epoch + 1), "val_loss": 1.2 / (epoch + 1),
                                               "mae": 0.5, "val_mae": 0.6 - 0.1 * epoch})  # fmt: skip
        store.finish_run(run_id, {"status": "finished", "test": {"mae": 0.3 + i}, "seconds": 3.0,
                                  "scoreboard": [{"name": "last value", "val": {"mae": 1}, "test": {"mae": 0.9}}]})  # fmt: skip
    return store


def _raced(ws: str) -> AppTest:
    """The page of workspace ``ws`` with sunspots, a forecast, GRU(5) and 2 epochs (seed 7), after "Race the cells"."""
    at = _app(ws)
    at.session_state[session.DATASET_CHOICE] = {"source": "bundled", "name": "sunspots", "title": "Sunspots"}
    at.session_state[session.TASK_CONFIG] = TaskConfig("forecast", window=6)
    at.session_state[session.MODEL_CONFIG] = ModelConfig(cell="gru", units=(5,))
    at.session_state[session.TRAIN_CONFIG] = TrainConfig(epochs=2, seed=7)
    at.run()
    at.button(key="compare-race").click().run()
    return at


def _app(ws: str | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    if ws:
        at.session_state[session.WORKSPACE] = ws
    return at


def test_empty_workspace_gets_an_id_in_the_url():
    at = _app().run()
    assert not at.exception
    ws = at.session_state[session.WORKSPACE]
    assert len(ws) >= 6 and at.query_params["ws"] in ([ws], ws)
    assert any("No runs yet" in i.value for i in at.info)


def test_table_overlay_and_bars():
    ws = new_workspace_id()
    _runs(ws)
    at = _app(ws).run()
    assert not at.exception
    assert len(at.dataframe) >= 1 and len(at.dataframe[0].value) == 2
    assert set(at.multiselect(key="compare-select-2").value) == {"run-page000", "run-page001"}
    charts = at.get("plotly_chart")
    assert len(charts) >= 2  # curves + test bars
    at.radio(key="compare-metric").set_value("mae").run()
    assert not at.exception


def test_workspace_from_the_url_shows_only_its_runs():
    ws_a, ws_b = new_workspace_id(), new_workspace_id()
    _runs(ws_a)
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["ws"] = ws_b
    at.run()
    assert not at.exception
    assert at.session_state[session.WORKSPACE] == ws_b
    assert any("No runs yet" in i.value for i in at.info)


def test_a_new_workspace_and_no_workspace_id_on_the_page_but_the_bookmark_link():
    ws = new_workspace_id()
    _runs(ws)
    at = _app(ws).run()
    # the id is a bearer secret: only inside the bookmark link (with a sentence saying so), nowhere to type one
    shown = [m.value for m in [*at.markdown, *at.caption, *at.info, *at.subheader]]
    assert not any(ws in text for text in shown)
    assert [f"ws={ws}" in c.value for c in at.code] == [True, False]  # the bookmark link, not the share link
    assert any("only key" in m.value for m in at.markdown)
    assert not [t for t in at.text_input if t.key and "ws" in t.key]
    at.button(key="compare-new-ws").click().run()
    assert at.session_state[session.WORKSPACE] != ws


def test_share_to_board_and_delete():
    ws = new_workspace_id()
    store = _runs(ws)
    at = _app(ws).run()
    at.selectbox(key="compare-target").set_value("run-page001").run()
    at.toggle(key="compare-share-run-page001").set_value(True).run()
    assert not at.exception
    assert store.get_run("run-page001")["shared"] is True
    assert [r["id"] for r in store.class_board("sunspots", "forecast")] == ["run-page001"]
    at.checkbox(key="compare-delete-confirm").check().run()
    at.button(key="compare-delete").click().run()
    assert not at.exception
    assert [r["id"] for r in store.list_runs(ws)] == ["run-page000"]


def test_race_without_settings_says_what_is_missing():
    at = _app(new_workspace_id()).run()
    at.button(key="compare-race").click().run()
    assert not at.exception
    assert any("first" in e.value or "not available" in e.value for e in at.error)


@pytest.fixture
def fake_manager(monkeypatch):
    manager = install(monkeypatch, FakeJobManager())
    monkeypatch.setattr(current, "current_dataset", tiny_datasets.series)
    return manager


def test_race_submits_four_cells_with_the_same_budget(fake_manager):
    at = _raced(new_workspace_id())
    assert not at.exception, at.exception
    specs = list(fake_manager.specs.values())
    assert [s.model.cell for s in specs] == ["simple_rnn", "lstm", "gru", "dense"]
    assert {s.model.units for s in specs} == {(5,)} and {s.train.seed for s in specs} == {7}
    assert len({s.run_id for s in specs}) == 4 and specs[0].dataset_ref["name"] == "sunspots"
    assert len(at.get("progress")) == 4
    at.number_input(key="compare-n-seeds").set_value(3)
    at.button(key="compare-seeds").click().run()
    assert [s.train.seed for s in list(fake_manager.specs.values())[4:]] == [7, 8, 9]


def test_a_race_belongs_to_the_workspace_not_to_the_tab(fake_manager):
    ws = new_workspace_id()
    first = _app(ws)
    first.session_state[session.DATASET_CHOICE] = {
        "source": "bundled",
        "name": "sunspots",
        "title": "Sunspots",
    }
    first.session_state[session.TASK_CONFIG] = TaskConfig("forecast", window=6)
    first.session_state[session.MODEL_CONFIG] = ModelConfig(cell="gru", units=(5,))
    first.session_state[session.TRAIN_CONFIG] = TrainConfig(epochs=2, seed=7)
    first.run()
    first.button(key="compare-race").click().run()
    assert not first.exception, first.exception
    race = list(fake_manager.statuses)
    assert len(race) == 4 and len({fake_manager.statuses[j].group for j in race}) == 1
    fake_manager.queue.remove(race[0])  # the first cell starts training
    fake_manager.statuses[race[0]].state = "running"

    again = _app(ws).run()  # a reload, or a second tab of the same workspace: nothing kept in its session
    assert not again.exception, again.exception
    texts = [p.proto.text for p in again.get("progress")]
    assert len(texts) == 4 and sum("waiting in the queue" in t for t in texts) == 3
    again.button(key=f"compare-job-{race[0]}-stop").click().run()
    assert not again.exception and fake_manager.statuses[race[0]].stop_requested
    again.button(key=f"compare-job-{race[3]}-cancel").click().run()
    assert fake_manager.statuses[race[3]].state == "stopped"

    other = _app(new_workspace_id()).run()  # another workspace sees no progress and no Stop
    assert not other.exception and not other.get("progress")
    assert not [b for b in other.button if b.key and b.key.startswith("compare-job-")]


def test_train_again_loads_the_settings_of_a_run_and_opens_train(monkeypatch):
    install(monkeypatch, FakeJobManager())
    ws = new_workspace_id()
    store = RunStore()
    store.start_run("run-load001", {"workspace": ws, "dataset_ref": {"source": "bundled", "name": "sunspots"},
                                    "task": TaskConfig("forecast", window=9), "model": ModelConfig(cell="lstm"),
                                    "train": TrainConfig(epochs=3), "owner_pid": 999_999_999})  # fmt: skip
    store.mark_interrupted()  # its server is gone
    at = AppTest.from_file(str(Path(PAGE).parent.parent / "app.py"), default_timeout=60)
    at.session_state[session.WORKSPACE] = ws
    at.switch_page("pages/compare_page.py").run()
    assert any("Train again to start it anew" in w.value for w in at.warning)
    at.button(key="compare-load").click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Train" and at.query_params["ws"] in (ws, [ws])
    assert at.session_state[session.TASK_CONFIG].window == 9
    assert at.session_state[session.MODEL_CONFIG].cell == "lstm"
    assert at.session_state[session.DATASET_CHOICE]["name"] == "sunspots"


def test_export_button_offers_the_zip():
    ws = new_workspace_id()
    _runs(ws, n=1)
    at = _app(ws).run()
    at.button(key="compare-export").click().run()
    assert not at.exception and not at.error
    assert len(at.get("download_button")) == 1


def test_an_unreachable_cluster_is_said_and_disables_the_race_and_seed_bands(monkeypatch):
    reason = "Cannot reach the Ray cluster at 10.0.0.9:6379 (Connection refused)"
    install(monkeypatch, FakeJobManager(problem=reason), started=True)
    at = _app(new_workspace_id()).run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [f"Nothing can train now. {reason}"]
    assert at.button(key="compare-race").disabled and at.button(key="compare-seeds").disabled


def test_a_finished_race_has_a_winner_line_a_verdict_per_cell_and_every_cell_selected(fake_manager):
    from rnnlab.evaluation.verdict import judge

    ws = new_workspace_id()
    _raced(ws)
    store = RunStore()
    board = [{"name": "linear AR (ridge)", "val": {"mae": 1.0}, "test": {"mae": 12.9}}]
    for job_id, mae in zip(list(fake_manager.statuses), (13.5, 13.0, 13.3, 13.9)):
        status, spec = fake_manager.statuses[job_id], fake_manager.specs[job_id]
        store.start_run(status.run_id, {"workspace": ws, "dataset_ref": {"source": "bundled", "name": "sunspots"},
                                        "task": spec.task, "model": spec.model, "train": spec.train})  # fmt: skip
        verdict = judge("mae", mae, board, board[0], n_test=465, unit="windows")
        store.finish_run(status.run_id, {"status": "finished", "test": {"mae": mae}, "main_metric": "mae",
                                         "scoreboard": board, "verdict": verdict.text,
                                         "judgement": verdict.to_dict()})  # fmt: skip
        if job_id in fake_manager.queue:
            fake_manager.queue.remove(job_id)
        status.state = "finished"
    again = _app(ws).run()
    assert not again.exception, again.exception
    assert "No cell beats linear AR (ridge), the baseline chosen on validation: the best, LSTM, scores MAE 13 " \
           "against 12.9." in [w.value for w in again.warning]  # fmt: skip
    cells = [m.value for m in again.markdown if m.value.startswith("- **")]
    assert [c.split("**")[1] for c in cells] == ["SimpleRNN", "LSTM", "GRU", "Dense (flattened)"]
    assert len(again.multiselect[0].value) == 4  # the whole race, SimpleRNN included
    table = again.dataframe[0].value
    assert set(table["verdict"]) == {f"loss {p} vs linear AR (ridge)" for p in ("−5 %", "−0.8 %", "−3 %", "−8 %")}
