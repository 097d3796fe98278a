"""Results: the latest finished (or stopped) training of this session against every baseline, with plots."""

import streamlit as st

from rnnlab.evaluation import judge as evaluation
from rnnlab.evaluation.verdict import verdict_of
from rnnlab.jobs.protocol import latest_result
from rnnlab.plots import results as plots_results
from rnnlab.task.types import TaskConfig
from rnnlab.ui import actions, backtest_view, current, resources, session, widgets, workspace_state

session.init()
st.title("🏁 Results — does the model beat the baselines?")

manager = resources.started_job_manager()  # none started yet: no training to show, and none is started here
ws = actions.workspace()
job_ids = workspace_state.train_job_ids(ws, manager) if manager is not None else []
race = workspace_state.group_jobs(ws, "race:") if manager is not None else []
if race:  # the workspace's newest race of the cells: a verdict per cell and the winner line
    st.subheader("Race of the cells")
    if any(status.active for status in race):
        st.info("The race is still training; its verdicts appear here when every cell has finished.")
    else:
        widgets.race_verdicts(workspace_state.job_runs(race))
backtest_view.show(ws, manager)  # the newest backtest's verdict over its origins, or the button to start one
if not job_ids:
    if not race:
        st.info("Train a model on the Train page (or race the cells on Compare) first; its results appear here.")
    st.stop()
if race:
    st.subheader("Your latest training")
status = latest_result(manager, job_ids) if manager is not None else None
if status is None or status.summary is None:
    st.info("No training of this session has finished yet — the latest one is still running or failed.")
    st.stop()

result = status.summary
if status.state == "stopped":
    st.caption("Stopped by you: these are the results of the model as trained so far.")
test, chosen = result.get("test"), result.get("best_baseline")
if not test or not chosen:
    widgets.warning(result.get("message") or "This run has no test evaluation.")
    st.stop()

skill = float(result.get("skill") or 0.0)
widgets.verdict(result)
run = current.job_run(status.run_id)
step = widgets.next_step_offer(result, run)
if run is not None and step is not None and st.button(step["label"], key="results-next-step", type="primary"):
    try:
        actions.apply_next_step(run, step)
    except ValueError as err:
        widgets.error(err)
    else:
        st.switch_page("pages/train_page.py", query_params=workspace_state.page_params())
cols = st.columns(3)
main = evaluation.result_main_metric(result)
cols[0].metric(f"Model test {main}", f"{test[main]:.4g}")
cols[1].metric(f"{chosen['name']} (chosen on val) test {main}", f"{chosen['test'][main]:.4g}")
cols[2].metric("Skill (error reduction)", f"{skill * 100:.1f} %")
st.dataframe(evaluation.comparison_rows(result), hide_index=True, width="stretch")
widgets.uncertainty(result)  # prediction intervals (values) or calibration (classes)

st.subheader("Predictions on the test split")
predictions = evaluation.result_predictions(result)
task = result.get("task")
if predictions is None or not task:
    st.info("This run sent back no test predictions to plot.")
    st.stop()
if result.get("dataset_ref") != current.dataset_ref():
    st.info("The plots need the run's dataset: choose it again on the Data page to see them.")
    st.stop()
try:
    framed = current.current_framed(TaskConfig.from_dict(task))
except ValueError as err:
    widgets.info(f"No plots: {err}")
    st.stop()
if framed is None:  # the data went away meanwhile
    st.info("The plots need the run's dataset: choose it again on the Data page to see them.")
    st.stop()
sequence = None
choices = evaluation.tested_sequences(framed)
if choices:  # a collection forecast: pick the sequence to plot; every sequence's errors in a sortable table
    sequence = st.selectbox(
        "Sequence to plot", list(choices), format_func=choices.__getitem__, key="results-sequence"
    )
    judged = verdict_of(result)
    names = [chosen["name"]] + [r.name for r in (judged.better if judged else ())]
    names = list(dict.fromkeys(names))
    rows = evaluation.per_sequence_rows(framed, predictions, current.baseline_test_predictions(framed.config), names)
    st.markdown("**Test MAE per sequence** — click a column header to sort.")
    st.dataframe(rows, hide_index=True, width="stretch", key="results-per-sequence")
for fig in plots_results.result_figures(
    framed, predictions, sequence=sequence, uncertainty=result.get("uncertainty")
):
    widgets.chart(fig)
