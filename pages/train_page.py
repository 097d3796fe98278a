"""Train: training settings, Start, and the live panel (curves, progress, Stop) of this session's job.

Training runs in the server's worker processes (rnnlab.jobs.manager); this page only submits
the job and polls its status, so the user can leave and come back. No TensorFlow here. After a server
restart the workspace's interrupted training is shown with "Train again".
"""

import streamlit as st

from rnnlab.evaluation import findings as train_findings
from rnnlab.jobs.messages import StartEvent
from rnnlab.jobs.outcome import TrainSummary
from rnnlab.jobs.protocol import FIRST_POINT_POLL_SECONDS, POLL_SECONDS
from rnnlab.jobs.types import result_rows
from rnnlab.models.config import ModelConfig
from rnnlab.plots import train as plots_train
from rnnlab.runs.record import RunRecord
from rnnlab.training.config import OPTIMIZERS, TrainConfig
from rnnlab.training.estimate import shorter
from rnnlab.ui import actions, current, resources, session, widgets, workspace_state

# the layout first: the panel's place is emptied before anything is drawn or read, so a tab that reconnects
# after a server restart never shows the old progress ("epoch 5/40 … left") beside the new page
settings_box, panel_slot = st.container(), st.empty()
panel_slot.caption("Reading the state of this workspace's training…")
with settings_box:
    st.title("Train")
    manager = resources.job_manager()
    blocked = widgets.training_problem(manager)  # the cluster is unreachable or gone: Start stays disabled
    try:
        actions.apply_link()  # a shared configuration link (?ds=…&model=…&train=…) lands ready to Start
        dataset = current.current_dataset()
        task = current.task_config() if dataset is not None else None
    except ValueError as err:
        widgets.error(err)
        dataset = task = None
model = session.model_config() or ModelConfig()
saved = session.train_config() or TrainConfig()
# the workspace's trainings: after a reload or in a second tab, the running one is found again here
job_ids = workspace_state.train_job_ids(actions.workspace(), manager)
latest = manager.status(job_ids[-1]) if job_ids else None
# after a server restart: the training the stop interrupted (the job queue starts empty)
interrupted = workspace_state.interrupted_run(actions.workspace()) if latest is None else None

if dataset is None and latest is None and interrupted is None:
    with panel_slot.container():
        if note := current.link_upload_note():  # a link made from an uploaded file: which file to upload
            st.info(note)
            st.page_link("pages/data_page.py", label="Upload it on the Data page", icon=":material/upload:",
                         query_params=workspace_state.page_params())  # fmt: skip
        else:
            st.info("Pick a dataset on the Data page first.")
    st.stop()


# ---- settings ---------------------------------------------------------------------------------
def _upload_sharing() -> None:
    """For a kept upload: whether the file goes with the link, or the opener is told which file to upload."""
    shared = actions.upload_shared()
    if shared is None:
        return
    on = st.checkbox("Share my uploaded file with the link (whoever opens it gets the file in their workspace)",
                     value=shared, key="train-share-upload")  # fmt: skip
    if on != shared:
        actions.share_upload(on)
    if not on:
        st.caption("Without the file, whoever opens the link is told which file to upload.")


def _settings() -> None:
    """The training settings, the share and bookmark links, and Start (when the data and task are known)."""
    if dataset is not None and task is not None:
        units = ", ".join(str(u) for u in model.units)
        st.caption(
            f"Data **{widgets.plain(dataset.name)}** · task **{task.kind}** · model **{model.cell}({units})**"
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
        class_weight, intervals = saved.class_weight, saved.intervals
        early, patience = saved.patience is not None, saved.patience if saved.patience is not None else 5
        if not widgets.presenting():
            with st.expander("Advanced settings (optimizer, early stopping, seed, device, speed)"):
                # each device's name with what it is (on a Ray cluster: its nodes, e.g. "GPU on node gpu-1")
                offered = {d["name"]: widgets.device_label(d) for d in manager.devices()}
                devices = list(offered) or [saved.device]
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
                    format_func=lambda name: offered.get(name, name), key="train-device",
                )  # fmt: skip
                fast = st.checkbox(
                    "Fast settings (several batches per step, tf.data input, XLA for long fits)", value=saved.fast,
                    key="train-fast", help="Batches per call and XLA only where a timing of this machine says they pay; same initial weights and batch order as without, so the final validation loss and test metric agree to rounding (compared in tests/test_training.py and bench/bench_training.py).",
                )  # fmt: skip
                intervals = st.slider(
                    "Prediction intervals: level", 0.5, 0.99, float(saved.intervals), 0.01, key="train-intervals",
                    help="Results draws split-conformal intervals at this level (from the validation errors) and "
                    "says how many test values they cover; a classifier gets a calibration chart instead.",
                )  # fmt: skip
                if task.kind == "classify" or (task.kind == "tag" and dataset.step_target_kind == "class"):
                    balanced = st.checkbox(
                        "Balanced class weights (each class counts the same in the loss)",
                        value=saved.class_weight == "balanced", key="train-class-weight",
                        help="Class k weighs n / (K · n_k): a rare class is not drowned by the majority.",
                    )  # fmt: skip
                    class_weight = "balanced" if balanced else None
        try:
            config = TrainConfig(
                optimizer=optimizer, learning_rate=float(learning_rate), batch_size=int(batch_size),
                epochs=int(epochs), patience=int(patience) if early else None, seed=int(seed),
                device=device, fast=bool(fast), class_weight=class_weight, intervals=float(intervals),
            )  # fmt: skip
            session.set_train_config(config)
        except ValueError as err:
            widgets.error(err)
            config = None
        if config is not None:
            st.markdown("**Share this configuration** — data, task, model and training; whoever opens the link "
                        "gets a fresh workspace of their own:")  # fmt: skip
            _upload_sharing()
            st.code(actions.share_url(), language=None)
            box = widgets.advanced("Bookmark my workspace (my runs and settings — not for sharing)")
            if box is not None:
                with box:
                    st.code(actions.bookmark_url(), language=None)
                    st.caption("Anyone with this link can see, change and delete the runs of this workspace.")
        if config is not None:
            _expected_time(config)
        busy = latest is not None and latest.active
        disabled = busy or blocked or config is None
        if st.button("Start training", type="primary", disabled=disabled, key="train-start") and config is not None:
            try:
                actions.start_training(config)
                st.rerun()
            except ValueError as err:
                widgets.error(err)


def _expected_time(config: TrainConfig) -> None:
    """The wait, said before Start (this machine's calibration × the task's size), and what shortens a long one."""
    estimate = current.training_estimate(model, config)
    if estimate is None:
        return
    st.caption(f"Expected: {estimate.text}.")
    tips = shorter(estimate, task)
    if tips:
        st.info("Over a minute. What shortens it: " + "; ".join(tips) + ".")


with settings_box:
    _settings()


# ---- the live panel ------------------------------------------------------------------------------
def _panel() -> None:
    ids = workspace_state.train_job_ids(actions.workspace(), manager)
    if not ids:
        st.caption("No training yet in this session: press Start.")
        return
    try:
        status = manager.status(ids[-1])
    except ValueError as err:
        widgets.error(err)
        return
    if status.state == "queued":
        st.info(f"Waiting for a free worker — position {status.queue_position} in the queue.")
    if status.active:
        widgets.job_progress(status, key="train")  # Cancel while queued, Stop while running
    run = current.job_run(status.run_id)
    if status.history or status.batches:
        _curves(status, run, status.start)
    result = status.summary
    framed = current.ended_job_framed(result, run)
    if status.active:
        for finding in train_findings.live_findings(status.history, framed):
            widgets.finding(finding)
        if not was_active or (not had_points and (status.history or status.batches)):
            st.rerun()  # the whole page: the settings show the job as running; the poll slows to POLL_SECONDS
        return
    _ended(status, result, framed, run)
    if was_active:
        st.rerun()  # stop polling: the job has ended


def _curves(status, run: RunRecord | None, start: StartEvent | None) -> None:
    """The live curves, with the workspace's earlier runs of the same setting drawn faintly behind them."""
    metric = start.get("main_metric", "mae") if start else "mae"
    reference = start.get("reference") if start else None
    fig = plots_train.training_figure(status.history, status.batches, metric, reference, epoch_x=status.epoch_x)
    plots_train.add_run_ghosts(fig, current.earlier_histories(run, status.run_id), metric, reference)
    widgets.chart(fig, key="train-curves")


def _ended(status, result: TrainSummary | None, framed, run: RunRecord | None) -> None:
    """How the training ended, its verdict and result table, and the findings on the finished run."""
    if status.state == "failed":
        widgets.error(status.message or "Training failed.")
    elif status.state == "stopped":
        widgets.warning(status.message)
    else:
        widgets.success(status.message)
    if not result:
        return
    if result.get("verdict"):
        st.subheader("Verdict")
        widgets.verdict(result)
        st.table(result_rows(result))
        st.caption("The Results page shows predictions against truth and every baseline.")
    for finding in train_findings.final_findings(result, framed, run["model_config"] if run else None):
        widgets.finding(finding)


def _interrupted(run: RunRecord) -> None:
    """The workspace's newest training when a server stop interrupted it: what happened, the epochs it kept,
    and "Train again" (its settings and data, trained anew)."""
    widgets.warning(run.get("message") or "The server stopped while this run was training.")
    history = current.run_history(run["id"])
    if history.get("loss"):
        widgets.chart(plots_train.training_figure(history, (), run.get("main_metric") or "mae"),
                      key="train-interrupted-curves")  # fmt: skip
    st.caption(current.interrupted_caption(run))
    if st.button("Train again", type="primary", disabled=blocked, key="train-again"):
        try:
            actions.train_again(run)
            st.rerun()
        except ValueError as err:
            widgets.error(err)


was_active = latest is not None and latest.active
had_points = latest is not None and bool(latest.history or latest.batches)
poll = (POLL_SECONDS if had_points else FIRST_POINT_POLL_SECONDS) if was_active else None
with panel_slot.container():  # replaces "Reading the state…" only now that the job's state is read
    st.subheader("Training")
    if latest is None and interrupted is not None:
        _interrupted(interrupted)
    else:
        st.fragment(_panel, run_every=poll)()
