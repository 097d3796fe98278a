"""Train: training settings, Start, and the live panel (curves, progress, Stop) of this session's job.

Training runs in the server's worker processes (rnnlab.jobs.manager); this page only submits
the job and polls its status, so the user can leave and come back. No TensorFlow here.
"""

import streamlit as st

from rnnlab.evaluation import findings as train_findings
from rnnlab.jobs.types import JobSpec, progress_line, result_rows
from rnnlab.models.config import ModelConfig
from rnnlab.plots import train as plots_train
from rnnlab.task.types import TaskConfig
from rnnlab.training.config import OPTIMIZERS, TrainConfig
from rnnlab.ui import state as ui_state

POLL_SECONDS = 1.0

st.title("Train")
manager = ui_state.job_manager()

try:
    ui_state.apply_link()  # a shared configuration link (?ds=…&model=…&train=…) lands ready to Start
    dataset = ui_state.current_dataset()
    task = ui_state.task_config() if dataset is not None else None
except ValueError as err:
    st.error(str(err))
    dataset = task = None
model = ui_state.get(ui_state.MODEL_CONFIG) or ModelConfig()
saved = ui_state.get(ui_state.TRAIN_CONFIG) or TrainConfig()
job_ids = ui_state.get(ui_state.JOB_IDS)
try:
    latest = manager.status(job_ids[-1]) if job_ids else None
except ValueError:  # the server restarted since: that job is in the run store, not in this pool
    ui_state.set(ui_state.JOB_IDS, [])
    job_ids, latest = [], None

if dataset is None and latest is None:
    st.info("Pick a dataset on the Data page first.")
    st.stop()

# ---- settings ---------------------------------------------------------------------------------
if dataset is not None and task is not None:
    units = ", ".join(str(u) for u in model.units)
    st.caption(
        f"Data **{ui_state.plain(dataset.name)}** · task **{task.kind}** · model **{model.cell}({units})**"
    )
    c2, c3, c4 = st.columns(3)
    learning_rate = c2.number_input(
        "Learning rate", min_value=1e-6, max_value=10.0, value=float(saved.learning_rate), format="%.5f",
        key="train-lr",
    )  # fmt: skip
    batch_size = c3.number_input("Batch size", 1, 4096, int(saved.batch_size), key="train-batch")
    epochs = c4.number_input("Epochs", 1, 1000, int(saved.epochs), key="train-epochs")
    # advanced settings: hidden in presentation mode (the saved values stay), else in an expander
    optimizer, seed, device, fast = saved.optimizer, saved.seed, saved.device, saved.fast
    early, patience = saved.patience is not None, saved.patience if saved.patience is not None else 5
    if not ui_state.presenting():
        with st.expander("Advanced settings (optimizer, early stopping, seed, device, speed)"):
            devices = [d["name"] for d in manager.devices()] or [saved.device]
            c1, c5, c6 = st.columns(3)
            optimizer = c1.selectbox(
                "Optimizer", OPTIMIZERS, index=OPTIMIZERS.index(saved.optimizer), key="train-optimizer"
            )
            early = c5.checkbox("Early stopping", value=early, key="train-early")
            patience = c6.number_input(
                "Patience (epochs)", 0, 100, int(patience), disabled=not early, key="train-patience"
            )
            c7, c8 = st.columns(2)
            seed = c7.number_input("Seed", 0, 2**31 - 1, int(saved.seed), key="train-seed")
            device = c8.selectbox(
                "Device", devices, index=devices.index(saved.device) if saved.device in devices else 0,
                key="train-device",
            )  # fmt: skip
            fast = st.checkbox(
                "Fast settings (several batches per step, tf.data input, XLA for long fits)", value=saved.fast,
                key="train-fast", help="Measured in bench/bench_training.py; results stay the same to rounding.",
            )  # fmt: skip
    try:
        config = TrainConfig(
            optimizer=optimizer, learning_rate=float(learning_rate), batch_size=int(batch_size),
            epochs=int(epochs), patience=int(patience) if early else None, seed=int(seed),
            device=device, fast=bool(fast),
        )  # fmt: skip
        ui_state.set(ui_state.TRAIN_CONFIG, config)
    except ValueError as err:
        st.error(str(err))
        config = None
    if config is not None:
        st.code(ui_state.share_url(), language=None)
        st.caption("Copy this link to share the whole configuration — data, task, model and training.")
    busy = latest is not None and latest.active
    if st.button("Start training", type="primary", disabled=busy or config is None, key="train-start"):
        from rnnlab.runs.store import new_run_id

        spec = JobSpec(
            dataset=dataset, dataset_ref=ui_state.dataset_ref() or {}, task=task, model=model, train=config,
            workspace=ui_state.workspace(), session_id=ui_state.session_id(), run_id=new_run_id(),
        )  # fmt: skip
        try:
            ui_state.set(ui_state.JOB_IDS, [*job_ids, manager.submit(spec)])
            st.rerun()
        except ValueError as err:
            st.error(str(err))


# ---- the live panel ------------------------------------------------------------------------------
def _job_run(run_id: str) -> dict:
    """The job's run in the store (its task and data), or ``{}`` when the store does not have it."""
    try:
        return ui_state.run_store().get_run(run_id, ui_state.workspace())
    except (ValueError, OSError):
        return {}


def _ghosts(run: dict, run_id: str) -> list[dict]:
    """Histories of this workspace's earlier runs on the job's data and task."""
    if not run:
        return []
    store = ui_state.run_store()
    runs = store.list_runs(ui_state.workspace(), limit=100)
    ids = plots_train.earlier_runs(runs, run.get("dataset_ref"), run.get("task_config"), exclude=run_id)
    return [store.history(i) for i in ids]


def _job_framed(task: dict | None, job_ref: dict | None):
    """The job's framed data (cached) when the session still has the job's dataset, else ``None``."""
    if not task or not train_findings.same_data(job_ref, ui_state.dataset_ref()):
        return None
    try:
        framed = ui_state.current_framed(TaskConfig.from_dict(task))
    except ValueError:
        return None
    return train_findings.matching_framed(framed, task, job_ref, ui_state.dataset_ref())


def _panel() -> None:
    ids = ui_state.get(ui_state.JOB_IDS)
    if not ids:
        st.caption("No training yet in this session: press Start.")
        return
    try:
        status = manager.status(ids[-1])
    except ValueError as err:
        st.error(str(err))
        return
    start = status.start or {}
    if status.state == "queued":
        st.info(f"Waiting for a free worker — position {status.queue_position} in the queue.")
        if st.button("Cancel", key="train-cancel"):
            manager.cancel(status.job_id)
            st.rerun()
    elif status.state == "running":
        fraction = min(max(float(status.progress.get("fraction", 0.0)), 0.0), 1.0)
        st.progress(fraction, text=progress_line(status))
        if st.button("Stop", key="train-stop", disabled=status.stop_requested):
            manager.stop(status.job_id)
        if status.stop_requested:
            st.caption("Stopping at the next batch…")
    run = _job_run(status.run_id)
    if status.history or status.batches:
        metric = start.get("main_metric", "mae")
        fig = plots_train.training_figure(
            status.history, status.batches, metric, start.get("reference"), epoch_x=status.epoch_x
        )
        plots_train.add_run_ghosts(fig, _ghosts(run, status.run_id), metric, start.get("reference"))
        ui_state.chart(fig, key="train-curves")
    result = status.result or {}
    framed = _job_framed(
        result.get("task") or run.get("task_config"), result.get("dataset_ref") or run.get("dataset_ref")
    )
    if status.active:
        for finding in train_findings.live_findings(status.history, framed):
            st.warning(train_findings.finding_text(finding))
        if not was_active:
            st.rerun()  # the whole page, so the settings show the job as running
        return
    if status.state == "failed":
        st.error(status.message or "Training failed.")
    elif status.state == "stopped":
        st.warning(status.message)
    else:
        st.success(status.message)
    if result.get("verdict"):
        st.subheader(f"Verdict: the model {result['verdict']}")
        st.table(result_rows(result))
        st.caption("The Results page shows predictions against truth and every baseline.")
    for finding in train_findings.final_findings(result, framed) if result else []:
        st.warning(train_findings.finding_text(finding))
    if was_active:
        st.rerun()  # stop polling: the job has ended


was_active = latest is not None and latest.active
st.subheader("Training")
st.fragment(_panel, run_every=POLL_SECONDS if was_active else None)()
