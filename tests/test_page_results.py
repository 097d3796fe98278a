"""AppTest of the Results page with a finished job from the fake job manager."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rnnlab.jobs.types import JobStatus
from rnnlab.ui import session
from tests.fakes import FakeJobManager, install

ROOT = Path(__file__).resolve().parent.parent
pytest.importorskip("keras")


def _finished_job(tmp_path, state="finished"):
    """A GRU built for ECG200's default task, evaluated, and summarised like the worker does."""
    from rnnlab.data import catalog
    from rnnlab.evaluation import judge as evaluation
    from rnnlab.models import build as models
    from rnnlab.models.config import ModelConfig
    from rnnlab.task import framing

    dataset = catalog.load_dataset("ecg200")
    task = framing.default_task(dataset, catalog.get_entry("ecg200").label)
    framed = framing.frame(dataset, task)
    model = models.build_model(ModelConfig(cell="gru", units=(2,)), framed)
    ev = evaluation.evaluate(model, framed)
    result = {k: ev[k] for k in ("test", "scoreboard", "best_baseline", "skill", "verdict", "judgement")}
    result.update(
        status=state,
        message="",
        history={"loss": [1.0]},
        task=task.to_dict(),
        dataset_ref={"source": "bundled", "name": "ecg200", "read_options": {}},
        predictions={"y_pred": ev["predictions"].tolist()},
    )
    return (
        JobStatus(job_id="j1", run_id="r1", session_id="s", state=state, result=result, workspace=WS),
        task,
        ev,
    )


WS = "wResultsTest1"


def _page(monkeypatch, statuses, task=None):
    install(monkeypatch, FakeJobManager(statuses), started=True)
    at = AppTest.from_file(str(ROOT / "pages" / "results_page.py"), default_timeout=90)
    at.session_state[session.WORKSPACE] = (
        WS  # the workspace's trainings are shown, whichever tab started them
    )
    at.session_state[session.DATASET_CHOICE] = {"source": "bundled", "name": "ecg200", "title": "ECG200"}
    at.session_state[session.JOB_IDS] = [s.job_id for s in statuses]
    if task is not None:
        at.session_state[session.TASK_CONFIG] = task
    return at


def test_no_jobs_asks_to_train(monkeypatch):
    at = _page(monkeypatch, []).run()
    assert not at.exception
    assert any("Train a model" in i.value for i in at.info)


def test_running_job_is_not_shown_as_a_result(monkeypatch):
    at = _page(
        monkeypatch, [JobStatus(job_id="j0", run_id="r0", session_id="s", state="running", workspace=WS)]
    ).run()
    assert not at.exception
    assert any("No training" in i.value for i in at.info)


def test_finished_job_shows_metrics_baselines_verdict_and_plots(monkeypatch, tmp_path):
    status, task, ev = _finished_job(tmp_path)
    at = _page(monkeypatch, [status], task).run()
    assert not at.exception, at.exception
    verdicts = [m.value for m in [*at.success, *at.warning, *at.info]]
    assert f"The model {ev['verdict']}." in verdicts
    assert any("chosen on the validation split and judged on the same" in c.value for c in at.caption)
    table = at.dataframe[0].value
    assert list(table["model"])[0] == "your model"
    assert set(table["model"]) >= {"most frequent class"}
    assert table["accuracy"][0] == pytest.approx(ev["test"]["accuracy"])
    charts = at.get("plotly_chart")
    assert len(charts) == 2  # confusion matrix, probability histograms
    assert "Confusion matrix" in charts[0].proto.spec


def test_plots_follow_the_runs_own_task_even_after_the_session_changed_it(monkeypatch, tmp_path):
    status, task, _ = _finished_job(tmp_path, state="stopped")
    at = _page(monkeypatch, [status], task.replace(padding=task.padding.replace(length=50))).run()
    assert not at.exception, at.exception
    assert any("Stopped" in c.value for c in at.caption)
    assert len(at.get("plotly_chart")) == 2


def test_another_dataset_chosen_since_the_run_shows_a_note_not_a_traceback(monkeypatch, tmp_path):
    status, task, _ = _finished_job(tmp_path)
    at = _page(monkeypatch, [status], task)
    at.session_state[session.DATASET_CHOICE] = {"source": "bundled", "name": "sunspots", "title": "Sunspots"}
    at.run()
    assert not at.exception, at.exception
    assert any("choose it again" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def test_results_page_never_loads_a_model_in_the_server():
    source = (ROOT / "pages" / "results_page.py").read_text()
    assert "load_model" not in source and "import keras" not in source


def _collection_job(predict: str):
    """A model that predicts the last value − 0.3 on the unemployment collection (level), judged as the worker
    judges it, kept in the run store as the worker's run would be."""
    import numpy as np

    from rnnlab.data import catalog
    from rnnlab.evaluation import judge as evaluation
    from rnnlab.evaluation import scoreboard
    from rnnlab.runs import lessons
    from rnnlab.ui import resources

    task, model, train = lessons.get_lesson("many_series").configs()
    task = task.replace(predict=predict)
    framed = framing_of(catalog.load_dataset("us_unemployment"), task)
    board, test_predictions = scoreboard.judged_scoreboard(framed)
    best = scoreboard.best(board, framed.main_metric)
    predictions = np.asarray(test_predictions["last value"]) - 0.3
    test = evaluation._task_metrics(framed, framed.test.y, predictions)
    verdict = evaluation.judge_test(framed, "mae", test["mae"], predictions, board, best, test_predictions)
    ref = {"source": "bundled", "name": "us_unemployment", "read_options": {}}
    result = {"test": test, "scoreboard": board, "best_baseline": best, "skill": verdict.skill,
              "verdict": verdict.text, "judgement": verdict.to_dict(), "status": "finished", "message": "",
              "history": {"loss": [1.0], "val_loss": [1.0]}, "task": task.to_dict(), "dataset_ref": ref,
              "main_metric": "mae", "predictions": {"y_pred": predictions.tolist()}}  # fmt: skip
    store = resources.run_store()
    store.start_run("run-coll02", {"workspace": WS, "dataset_ref": ref, "task": task, "model": model, "train": train})
    status = JobStatus(job_id="j2", run_id="run-coll02", session_id="s", state="finished", result=result, workspace=WS)
    return status, task, verdict


def framing_of(dataset, task):
    from rnnlab.task import framing

    return framing.frame(dataset, task)


def test_a_collection_shows_its_verdict_rivals_a_sequence_picker_a_table_and_the_next_step(monkeypatch):
    status, task, verdict = _collection_job("level")
    at = _page(monkeypatch, [status], task)
    at.session_state[session.DATASET_CHOICE] = {"source": "bundled", "name": "us_unemployment", "title": "U"}
    at.run()
    assert not at.exception, at.exception
    assert verdict.outcome != "win" and [r.name for r in verdict.better][:1] == ["last value"]
    assert f"The model {verdict.text}." in [w.value for w in at.warning]  # never green
    table = at.dataframe[0].value
    assert list(table["better on test"][table["model"] == "last value"]) == ["✓"]
    per_sequence = at.dataframe[1].value
    assert len(per_sequence) == 14 and "last value MAE" in per_sequence.columns
    picker = at.selectbox(key="results-sequence")
    assert len(picker.options) == 14
    from rnnlab.data import catalog
    from rnnlab.evaluation.judge import tested_sequences

    index, name = list(tested_sequences(framing_of(catalog.load_dataset("us_unemployment"), task)).items())[3]
    picker.set_value(index).run()
    assert f"in sequence {name}" in at.get("plotly_chart")[0].proto.spec
    # the rates trend out of the training range: predict the change, one click away
    assert any("Next step" in m.value for m in at.markdown)
    at.button(key="results-next-step").click().run()
    assert at.session_state[session.TASK_CONFIG].predict == "change"
