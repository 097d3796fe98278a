"""AppTest of the Results page's backtest: starting one queues one training per origin as one request, and a
stored backtest shows its verdict over the origins, its table and its charts (also after a restart: it is
read from the run store)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from rnnlab.data import catalog
from rnnlab.runs.store import RunStore
from rnnlab.task import origins
from rnnlab.task.types import TaskConfig
from rnnlab.ui import session
from tests.fakes import FakeJobManager, install

ROOT = Path(__file__).resolve().parent.parent
WS = "wResultsBacktest1"
TASK = TaskConfig("forecast", window=24)


def _page(monkeypatch, manager):
    install(monkeypatch, manager, started=True)
    at = AppTest.from_file(str(ROOT / "pages" / "results_page.py"), default_timeout=90)
    at.session_state[session.WORKSPACE] = WS
    at.session_state[session.DATASET_CHOICE] = {"source": "bundled", "name": "sunspots", "title": "Sunspots"}
    at.session_state[session.TASK_CONFIG] = TASK
    return at


def _button(at, label: str):
    return next(b for b in at.button if b.label.startswith(label))


def test_backtest_button_queues_one_training_per_origin_as_one_request(monkeypatch):
    manager = FakeJobManager(recorder=RunStore())
    at = _page(monkeypatch, manager).run()
    assert not at.exception, at.exception
    assert at.number_input(key="backtest-origins").value == 5
    _button(at, "🔁 Backtest over 5 origins").click().run()
    assert not at.exception, at.exception
    specs = list(manager.specs.values())
    assert len(specs) == 5 and len({s.group for s in specs}) == 1 and specs[0].group.startswith("backtest:")
    assert [s.task.cutoff for s in specs] == sorted((s.task.cutoff for s in specs), reverse=True)
    assert specs[-1].task.cutoff == 0 and {s.workspace for s in specs} == {WS}
    assert any("backtest is training" in i.value for i in at.info)  # the origins' progress, not a verdict yet
    assert sum("origin" in p.proto.text for p in at.get("progress")) == 5
    _button(at, "⏹ Stop every origin").click().run()  # Stop stops them all
    assert not at.exception, at.exception
    assert not any(manager.status(j).active for j in manager.specs)


def _store_backtest(store: RunStore, maes: list[float]) -> list[TaskConfig]:
    tasks = origins.plan_origins(catalog.load_dataset("sunspots"), TASK, len(maes))
    for i, (task, mae) in enumerate(zip(tasks, maes)):
        run_id = f"run-resbt{i:03d}"
        store.start_run(run_id, {"workspace": WS, "task": task, "group": "backtest:stored", "model": {"cell": "gru", "units": [8]},
                                 "dataset_ref": {"source": "bundled", "name": "sunspots", "read_options": {}}})  # fmt: skip
        board = [{"name": "last value", "val": {"mae": 20.0}, "test": {"mae": 20.0}},
                 {"name": "drift", "val": {"mae": 22.0}, "test": {"mae": 21.0}}]  # fmt: skip
        store.finish_run(
            run_id, {"status": "finished", "test": {"mae": mae}, "main_metric": "mae", "scoreboard": board}
        )
    return tasks


def test_a_stored_backtest_shows_its_verdict_table_and_charts(monkeypatch):
    store = RunStore()
    _store_backtest(store, [15.0, 16.0, 14.0, 21.0, 15.0])
    at = _page(monkeypatch, FakeJobManager()).run()
    assert not at.exception, at.exception
    banner = next(s.value for s in at.success)
    assert banner.startswith(
        "Over 5 origins, the GRU beats last value, the baseline chosen on validation, at 4 of 5 origins"
    )
    assert "Student's t over the origins" in " ".join(c.value for c in at.caption)
    assert any("beats drift at 4 of 5" in m.value for m in at.markdown)
    table = at.dataframe[0].value
    assert list(table["origin"]) == [1, 2, 3, 4, 5] and list(table["model mae"]) == [
        15.0,
        16.0,
        14.0,
        21.0,
        15.0,
    ]
    assert "last value mae (chosen)" in table.columns and table["test from"].iloc[-1] == "1970-10-01"
    assert len(at.get("plotly_chart")) >= 2  # the origins on the timeline, the errors at each origin


def test_a_backtest_that_loses_is_a_warning_not_green(monkeypatch):
    _store_backtest(RunStore(), [25.0, 26.0, 24.0])
    at = _page(monkeypatch, FakeJobManager()).run()
    assert not at.exception, at.exception
    assert not at.success
    assert any(w.value.startswith("Over 3 origins, the GRU does not beat last value") for w in at.warning)


def test_no_backtest_section_without_a_forecast(monkeypatch):
    at = _page(monkeypatch, FakeJobManager())
    at.session_state[session.TASK_CONFIG] = None
    at.session_state[session.DATASET_CHOICE] = None
    at.run()
    assert not at.exception, at.exception
    assert not [e for e in at.expander if "Backtest" in e.label]
