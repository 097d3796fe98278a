"""AppTest of the Results page's intervals and calibration: a forecast says how often its intervals cover
the test values beside their level and draws them as a band; a classifier shows its ECE and reliability
diagram. The finished runs are faked as in tests/test_page_results.py, judged by the real ``evaluate``
with stand-in models (no Keras)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from rnnlab.data import catalog
from rnnlab.evaluation import judge as evaluation
from rnnlab.jobs.types import JobStatus
from rnnlab.task import framing
from rnnlab.ui import session
from tests.fakes import FakeJobManager, install

ROOT = Path(__file__).resolve().parent.parent
WS = "wResultsUncert1"


class LastValue:
    """Repeats the window's last value, answered in the model's scaled units."""

    def __init__(self, framed):
        self.framed = framed

    def predict(self, X, batch_size=None, verbose=0):
        fd = self.framed
        last = np.asarray(X)[:, -1, 0] * fd.x_std.ravel()[0] + fd.x_mean.ravel()[0]
        return ((last - fd.y_mean.ravel()[0]) / fd.y_std.ravel()[0])[:, None]


class MeanSign:
    """Two classes from the sign of the window's mean, 70 % sure every time."""

    def predict(self, X, batch_size=None, verbose=0):
        positive = np.asarray(X).mean(axis=(1, 2)) > 0
        return np.where(positive[:, None], [0.3, 0.7], [0.7, 0.3])


def _finished(key: str, model_of) -> tuple[JobStatus, object, dict]:
    dataset = catalog.load_dataset(key)
    task = framing.default_task(dataset, catalog.get_entry(key).label)
    framed = framing.frame(dataset, task)
    ev = evaluation.evaluate(model_of(framed), framed)
    result = {k: ev[k] for k in ("test", "scoreboard", "best_baseline", "skill", "verdict", "judgement", "uncertainty")}
    result.update(status="finished", message="", history={"loss": [1.0]}, task=task.to_dict(),
                  dataset_ref={"source": "bundled", "name": key, "read_options": {}},
                  predictions={"y_pred": np.asarray(ev["predictions"]).tolist()})  # fmt: skip
    status = JobStatus(job_id="j1", run_id="r1", session_id="s", state="finished", result=result, workspace=WS)
    return status, task, ev


def _page(monkeypatch, status, task, key: str) -> AppTest:
    install(monkeypatch, FakeJobManager([status]), started=True)
    at = AppTest.from_file(str(ROOT / "pages" / "results_page.py"), default_timeout=90)
    at.session_state[session.WORKSPACE] = WS
    at.session_state[session.DATASET_CHOICE] = {"source": "bundled", "name": key, "title": key}
    at.session_state[session.JOB_IDS] = [status.job_id]
    at.session_state[session.TASK_CONFIG] = task
    return at.run()


def test_a_forecast_shows_its_coverage_beside_the_level_and_the_band(monkeypatch):
    status, task, ev = _finished("sunspots", LastValue)
    at = _page(monkeypatch, status, task, "sunspots")
    assert not at.exception, at.exception
    u = ev["uncertainty"]
    said = f"90 % intervals cover {u['coverage_test'] * 100:.0f} % of the test values"
    assert any(said in m.value for m in at.markdown)
    assert any("Prediction intervals" in h.value for h in at.subheader)
    assert any("Split-conformal" in c.value and f"n = {u['n_calibration']}" in c.value for c in at.caption)
    forecast = at.get("plotly_chart")[0].proto.spec
    assert "90 % interval" in forecast and "tonexty" in forecast
    table = at.dataframe[0].value  # the scoreboard: the classical reference shown as its own row
    assert "ETS (classical reference)" in list(table["model"])
    assert ev["best_baseline"]["name"] != "ETS (classical reference)"


def test_a_classifier_shows_its_ece_and_reliability_diagram(monkeypatch):
    status, task, ev = _finished("ecg200", lambda framed: MeanSign())
    at = _page(monkeypatch, status, task, "ecg200")
    assert not at.exception, at.exception
    ece = ev["uncertainty"]["ece"]
    assert any(f"Expected calibration error {ece:.3f}" in m.value for m in at.markdown)
    charts = [c.proto.spec for c in at.get("plotly_chart")]
    assert "Reliability of the predicted probabilities" in charts[0] and "perfectly calibrated" in charts[0]
    assert len(charts) == 3  # reliability, then the confusion matrix and the probability histograms
    assert not any("Prediction intervals" in h.value for h in at.subheader)


def test_a_run_without_validation_says_there_is_no_calibration_set(monkeypatch):
    status, task, _ = _finished("sunspots", LastValue)
    status.result["uncertainty"] = {"kind": "intervals", "level": 0.9, "q": None, "coverage_test": None,
                                    "note": "No validation split: there is no calibration set, so no intervals"}  # fmt: skip
    at = _page(monkeypatch, status, task, "sunspots")
    assert not at.exception, at.exception
    assert any("no calibration set" in i.value for i in at.info)
    assert "tonexty" not in at.get("plotly_chart")[0].proto.spec
