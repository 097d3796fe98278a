"""Results: the latest finished (or stopped) training of this session against every baseline, with plots."""

import streamlit as st

from rnnlab.evaluation import judge as evaluation
from rnnlab.jobs.protocol import latest_result
from rnnlab.plots import results as plots_results
from rnnlab.task.types import TaskConfig
from rnnlab.ui import actions, current, resources, session, widgets, workspace_state

session.init()
st.title("🏁 Results — does the model beat the baselines?")

manager = resources.started_job_manager()  # none started yet: no training to show, and none is started here
job_ids = workspace_state.train_job_ids(actions.workspace(), manager) if manager is not None else []
if not job_ids:
    st.info("Train a model on the Train page first; its results appear here.")
    st.stop()
status = latest_result(manager, job_ids)
if status is None:
    st.info("No training of this session has finished yet — the latest one is still running or failed.")
    st.stop()

result = status.result
if status.state == "stopped":
    st.caption("Stopped by you: these are the results of the model as trained so far.")
if not result.get("test") or not result.get("best_baseline"):
    widgets.warning(result.get("message") or "This run has no test evaluation.")
    st.stop()

skill = float(result.get("skill") or 0.0)
(st.success if skill > 0 else st.warning)(f"The model {result['verdict']}.")
cols = st.columns(3)
main = evaluation.result_main_metric(result)
cols[0].metric(f"Model test {main}", f"{result['test'][main]:.4g}")
cols[1].metric(
    f"{result['best_baseline']['name']} test {main}", f"{result['best_baseline']['test'][main]:.4g}"
)
cols[2].metric("Skill (error reduction)", f"{skill * 100:.1f} %")
st.caption(
    "The best baseline is chosen on the validation split and compared on the test split, in original units."
)
st.dataframe(evaluation.comparison_rows(result), hide_index=True, width="stretch")

st.subheader("Predictions on the test split")
predictions = evaluation.result_predictions(result)
if predictions is None or not result.get("task"):
    st.info("This run sent back no test predictions to plot.")
    st.stop()
if result.get("dataset_ref") != current.dataset_ref():
    st.info("The plots need the run's dataset: choose it again on the Data page to see them.")
    st.stop()
try:
    framed = current.current_framed(TaskConfig.from_dict(result["task"]))
except ValueError as err:
    widgets.info(f"No plots: {err}")
    st.stop()
for fig in plots_results.result_figures(framed, predictions):
    widgets.chart(fig)
