"""The Results page's backtest: start one for the current forecast, follow its origins, read its verdict.

The origins are ordinary trainings in one group (:mod:`rnnlab.runs.backtest`): any tab of the workspace
follows them while they train, and the run store keeps them, so the verdict over the origins is shown
again after a reload or a server restart.
"""

from __future__ import annotations

import math

import streamlit as st

from rnnlab.core import settings
from rnnlab.core.metric_registry import metric_label
from rnnlab.models.config import ModelConfig
from rnnlab.plots import backtest as plots_backtest
from rnnlab.runs import backtest
from rnnlab.runs.compare import cell_name
from rnnlab.runs.record import RunRecord
from rnnlab.task import origins as task_origins
from rnnlab.task.types import TaskConfig
from rnnlab.training.config import TrainConfig
from rnnlab.ui import actions, current, resources, session, widgets, workspace_state

POLL_SECONDS = 2.0
EXPLAIN = (
    "One split can decide by luck: a different cut-off year can tell another story. A backtest retrains the "
    "model at several **forecast origins** — each one trains on the past up to its origin and is tested on "
    "the windows just after it, with the scaling and the baselines fitted on that origin's past only — and "
    "judges the model over all of them."
)


def submit(n_origins: int, sliding: bool) -> list[str]:
    """Queue one training per origin of the current forecast; return the job ids.

    Raises:
        ValueError: a setting is missing, the task cannot be backtested, the data is too short, or the queue
            is full.
    """
    dataset, task = current.current_dataset(), current.task_config()
    model, train = session.model_config() or ModelConfig(), session.train_config() or TrainConfig()
    if dataset is None or task is None:
        raise ValueError("Choose the data and the task first (Data → Task).")
    specs = backtest.backtest_specs(dataset, current.dataset_ref() or {}, task, model, train, actions.workspace(),
                                    resources.session_id(), n_origins, sliding, client=resources.client_address())  # fmt: skip
    manager = resources.job_manager()
    return [manager.submit(spec) for spec in specs]


def _launcher(task: TaskConfig) -> None:
    limit = max(2, min(task_origins.MAX_ORIGINS, settings.max_queued_per_session()))
    cols = st.columns([1, 1, 2])
    n = cols[0].number_input("Origins", min_value=2, max_value=limit, value=min(5, limit), key="backtest-origins",
                             help=f"At most {limit}: the trainings one browser may have queued at once.")  # fmt: skip
    sliding = cols[1].toggle("Sliding window", key="backtest-sliding",
                             help="Every origin trains on the same number of past steps (off: all the past).")  # fmt: skip
    if cols[2].button(
        f"🔁 Backtest over {int(n)} origins", key="backtest-start", disabled=widgets.training_problem()
    ):
        try:
            submit(int(n), bool(sliding))
        except ValueError as err:
            widgets.error(err)
        else:
            st.rerun()


def _progress(statuses: list) -> None:
    for k, status in enumerate(statuses, start=1):
        widgets.job_progress(
            status, name=f"origin {k} of {len(statuses)}", key=f"backtest-job-{status.job_id}"
        )


def _verdict(summary: dict, subject: str) -> None:
    outcome = summary.get("outcome")
    if outcome is None:
        widgets.info(summary.get("text") or "No origin finished.")
        return
    banner = st.success if outcome == "win" else st.info if outcome == "tie" else st.warning
    banner(
        f"Over {summary['n_scored']} origins, {subject} {summary['text']}."
    )  # rnnlab's own words and numbers
    st.caption(
        f"The baseline to beat is the one with the best mean {metric_label(summary['main_metric'])} on "
        f"{'validation' if summary['chosen_on'] == 'validation' else 'test (no validation split)'} over the "
        "origins. The interval is Student's t over the origins' skills (1 − model error / baseline error): "
        "the spread between origins is the noise here, so an interval that holds 0 is a tie."
    )


def _table(report: dict, spans: list[dict] | None) -> list[dict]:
    summary = report["summary"]
    metric, chosen = summary["main_metric"], summary.get("baseline")
    rows = []
    for i, origin in enumerate(report["origins"]):
        span = spans[i] if spans and i < len(spans) else None
        row = {"origin": origin["origin"],
               "test from": (span.get("times") or {}).get("test_start", span["test_start"]) if span else "",
               "status": origin["status"], f"model {metric}": (origin["model"] or {}).get(metric)}  # fmt: skip
        for b in origin["baselines"]:
            if not b.get("sees_targets"):
                row[f"{b['name']} {metric}" + (" (chosen)" if b["name"] == chosen else "")] = b.get(metric)
        skills = summary.get("skills") or []
        scored = [o for o in report["origins"] if o["status"] in ("finished", "early_stopped")]
        if origin in scored and len(skills) == len(scored):
            skill = skills[scored.index(origin)]
            row["skill vs chosen"] = f"{skill * 100:+.0f} %" if math.isfinite(skill) else ""
        rows.append(row)
    return rows


def _show_report(runs: list[RunRecord]) -> None:
    report = backtest.report(runs)
    cell = cell_name((runs[0].get("model_config") or {}).get("cell")) if runs else "model"
    _verdict(report["summary"], f"the {cell}")
    if report["summary"].get("wins"):
        n = report["summary"]["n_scored"]
        st.markdown("**Wins per origin:** " + " · ".join(
            f"beats {widgets.plain(name)} at {won} of {n}" for name, won in report["summary"]["wins"].items()))  # fmt: skip
    spans = None
    dataset = current.current_dataset()
    ref, mine = runs[0].get("dataset_ref") or {}, current.dataset_ref() or {}
    if dataset is not None and (ref.get("name"), ref.get("sha256")) == (mine.get("name"), mine.get("sha256")):
        tasks = [
            TaskConfig.from_dict(r["task_config"])
            for r in sorted(runs, key=lambda r: -task_origins.origin_of(r.get("task_config") or {})[0])
        ]
        spans = task_origins.origin_spans(dataset, tasks)
    st.dataframe(_table(report, spans), hide_index=True, width="stretch", key="backtest-table")
    if spans:
        widgets.chart(plots_backtest.origins_figure(spans, report))
    else:
        st.caption("The timeline of the origins needs the backtest's dataset: choose it on the Data page.")
    widgets.chart(plots_backtest.origin_errors_figure(report))


def _live(workspace: str, was_active: bool) -> None:
    statuses = workspace_state.group_jobs(workspace, backtest.GROUP_PREFIX)
    active = any(status.active for status in statuses)
    if active:
        st.info(
            "The backtest is training; its verdict over the origins appears here when every origin has ended."
        )
        if st.button("⏹ Stop every origin", key="backtest-stop-all"):
            for status in statuses:
                if status.active:
                    workspace_state.stop(
                        status
                    )  # a queued origin is cancelled, a running one stops at its next batch
            st.rerun(scope="app")
        _progress(statuses)
    if was_active and not active:
        st.rerun(scope="app")


def show(workspace: str, manager) -> None:
    """The backtest section: the launcher for a forecast, the origins' progress, the newest backtest's verdict."""
    store = resources.run_store()
    group = store.latest_group(workspace, backtest.GROUP_PREFIX)
    task = current.task_config()
    can_start = task is not None and task.kind == "forecast" and current.dataset_usable()
    if group is None and not can_start:
        return
    statuses = workspace_state.group_jobs(workspace, backtest.GROUP_PREFIX) if manager is not None else []
    active = any(status.active for status in statuses)
    with st.expander("🔁 Backtest — is the win real beyond one split?", expanded=group is not None):
        st.markdown(EXPLAIN)
        if can_start and task is not None and not active:
            _launcher(task)
        if active:
            st.fragment(run_every=POLL_SECONDS)(_live)(workspace, True)
        elif group is not None:
            _show_report(store.group_runs(workspace, group))
