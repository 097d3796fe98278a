"""Compare: every run of this workspace — overlay, race the cells, seed bands, class board, export/import."""

import contextlib

import streamlit as st

from rnnlab.plots import compare as plots_compare
from rnnlab.runs import compare, export
from rnnlab.ui import state as ui_state

st.title("🏁 Compare runs")
try:
    ui_state.apply_link()  # a lesson or shared link opened straight on this page (no-op once applied)
except ValueError as err:
    st.error(str(err))
ws = ui_state.workspace()
store = ui_state.run_store()

box = ui_state.advanced(
    f"Workspace `{ws}` — bookmark this page's URL to come back to these runs"
)  # hidden in presentation mode
if box is not None:
    with box:
        st.caption(
            "Runs belong to a workspace; other workspaces see them only when shared to the class board."
        )
        left, right = st.columns(2)
        if left.button("New workspace", key="compare-new-ws"):
            ui_state.open_workspace(None)
            st.rerun()
        other = right.text_input("Open a workspace by id", key="compare-open-ws-id")
        if right.button("Open", key="compare-open-ws") and other:
            try:
                ui_state.open_workspace(other)
                st.rerun()
            except ValueError as err:
                st.error(str(err))

        st.markdown(
            "**Link to this workspace with the current settings** (copy it with the icon on the right):"
        )
        st.code(ui_state.share_url(), language=None)

runs = store.list_runs(ws)
by_id = {run["id"]: run for run in runs}

# ---- the table ----------------------------------------------------------------------------
if runs:
    st.subheader(f"{len(runs)} runs in this workspace")
    st.caption("Click a column header to sort.")
    st.dataframe(compare.table_rows(runs), hide_index=True, width="stretch", key="compare-table")
else:
    st.info(
        "No runs yet in this workspace: train a model on the Train page, race the cells below, or import a run."
    )

selected = st.multiselect(
    "Runs to compare",
    options=list(by_id),
    default=[r for r in ui_state.get(ui_state.COMPARE_SELECTED) if r in by_id] or list(by_id)[:3],
    format_func=lambda run_id: compare.run_label(by_id[run_id]),
    key=f"compare-select-{len(by_id)}",  # a new run refreshes the choice (newest three unless chosen)
)
ui_state.set(ui_state.COMPARE_SELECTED, selected)
chosen = [by_id[r] for r in selected]
if chosen:
    metrics = sorted({r.get("main_metric") or "mae" for r in chosen})
    metric = st.radio("Curve", ["loss", *metrics], horizontal=True, key="compare-metric")
    histories = {r["id"]: store.history(r["id"]) for r in chosen}
    ui_state.chart(plots_compare.overlay_curves(chosen, histories, metric))
    finished = [r for r in chosen if r.get("test_metrics")]
    if finished:
        ui_state.chart(plots_compare.metric_bars(finished, metrics[0]))
    groups = {
        compare.run_label(group[0]) + f" ×{len(group)}": [histories[r["id"]] for r in group]
        for group in compare.same_setting_groups(chosen).values()
        if len(group) >= 2
    }
    if groups:
        st.markdown("**Seed bands** — the same setting trained with several seeds")
        key = compare.band_key([h for hs in groups.values() for h in hs], metrics[0])
        ui_state.chart(plots_compare.seed_bands(groups, key))


# ---- race the cells and seed bands (jobs) ----------------------------------------------------
def _submit(mode: str, n_seeds: int = 3) -> list[str]:
    manager_factory = getattr(ui_state, "job_manager", None)
    dataset, task = ui_state.current_dataset(), ui_state.get(ui_state.TASK_CONFIG)
    model, train = ui_state.get(ui_state.MODEL_CONFIG), ui_state.get(ui_state.TRAIN_CONFIG)
    if manager_factory is None:
        raise ValueError("Training is not available on this server yet (no job manager).")
    if dataset is None or task is None or model is None or train is None:
        raise ValueError(
            "Choose the data, the task, the model and the training settings first (Data → Train)."
        )
    specs = compare.variant_specs(dataset, ui_state.dataset_ref(), task, model, train, ws,
                                  ui_state.browser_session_id(), mode, n_seeds)  # fmt: skip
    manager = manager_factory()
    return [manager.submit(spec) for spec in specs]


st.subheader("Race the cells")
st.caption(
    "Trains SimpleRNN, LSTM and GRU with the current units, data, seed and epochs — plus a dense network on "
    "the flattened window as the non-recurrent reference — and overlays them as they train."
)
race_col, seed_col, n_col = st.columns([2, 2, 1])
n_seeds = n_col.number_input("Seeds", min_value=2, max_value=10, value=3, key="compare-n-seeds")
if race_col.button("🏁 Race the cells", key="compare-race", type="primary"):
    try:
        ui_state.set(ui_state.RACE_JOBS, _submit("race"))
    except ValueError as err:
        st.error(str(err))
if seed_col.button(f"🎲 Train the current setting with {n_seeds} seeds", key="compare-seeds"):
    try:
        ui_state.set(ui_state.SEED_JOBS, _submit("seeds", int(n_seeds)))
    except ValueError as err:
        st.error(str(err))


def _statuses(job_ids: list[str]) -> list:
    out = []
    for job_id in job_ids:
        with contextlib.suppress(
            ValueError
        ):  # the server restarted since: the job is gone, its run is stored
            out.append(ui_state.job_manager().status(job_id))
    return out


def _job_panel(key: str, title: str) -> None:
    statuses = _statuses(ui_state.get(key))
    if not statuses:
        return
    stored = {r["id"]: r for r in store.list_runs(ws, limit=100)}
    st.markdown(f"**{ui_state.plain(title)}**")
    for status in statuses:
        p = status.progress
        text = f"{status.state} · epoch {p.get('epoch', 0)}/{p.get('epochs', '?')}"
        if status.queue_position:
            text += f" · place {status.queue_position} in the queue"
        name = compare.run_label(stored[status.run_id]) if status.run_id in stored else "waiting"
        st.progress(min(1.0, float(p.get("fraction") or 0.0)), text=f"{name}: {text}")
    race_runs = [stored[s.run_id] for s in statuses if s.run_id in stored]
    if race_runs:
        hist = {r["id"]: store.history(r["id"]) for r in race_runs}
        ui_state.chart(plots_compare.race_overlay(race_runs, hist, "val_loss"))


def _live_jobs() -> None:
    _job_panel(ui_state.RACE_JOBS, "Race progress")
    _job_panel(ui_state.SEED_JOBS, "Seed runs progress")
    if len(store.list_runs(ws)) != len(runs):
        st.rerun(scope="app")  # a new run was recorded: refresh the table and the overlays


our_jobs = ui_state.get(ui_state.RACE_JOBS) + ui_state.get(ui_state.SEED_JOBS)
if our_jobs and getattr(ui_state, "job_manager", None) is not None:
    active = any(status.active for status in _statuses(our_jobs))
    st.fragment(run_every=2.0 if active else None)(_live_jobs)()

# ---- one run: share, delete, export ----------------------------------------------------------
if runs:
    st.subheader("One run")
    target_id = st.selectbox(
        "Run", list(by_id), format_func=lambda r: compare.run_label(by_id[r]), key="compare-target"
    )
    target = by_id[target_id]
    share_col, delete_col, export_col = st.columns(3)
    label = share_col.text_input(
        "Name on the class board", value=target.get("label") or "", key="compare-label"
    )
    shared = share_col.toggle(
        "Shared to the class board", value=target["shared"], key=f"compare-share-{target_id}"
    )
    if shared != target["shared"] or (shared and label and label != target.get("label")):
        store.share_run(target_id, shared, label=label or None)
        st.rerun()
    if share_col.button("Load its settings (to train it again)", key="compare-load"):
        try:
            ui_state.load_run_settings(target)
            st.success("Settings loaded: the Task, Model and Train pages now show this run's configuration.")
        except ValueError as err:
            st.error(str(err))
    confirm = delete_col.checkbox("Yes, delete it (and its model file)", key="compare-delete-confirm")
    if delete_col.button("Delete run", key="compare-delete", disabled=not confirm):
        store.delete_run(target_id, workspace=ws)
        st.toast(f"Deleted {compare.run_label(target)}")
        st.rerun()
    if export_col.button("Prepare export zip", key="compare-export"):
        try:
            export_col.download_button(
                "Download zip",
                data=export.export_bytes(
                    store, target_id, workspace=ws, dataset=ui_state.dataset_for(target)
                ),
                file_name=f"{target_id}.zip",
                mime="application/zip",
                key="compare-download",
                on_click="ignore",
            )
        except ValueError as err:
            st.error(str(err))

# ---- import ------------------------------------------------------------------------------------
box = ui_state.advanced("Import a run zip")  # hidden in presentation mode
if box is not None:
    with box:
        upload = st.file_uploader("A zip exported by rnnlab", type=["zip"], key="compare-import-file")
        if upload is not None and st.button("Import", key="compare-import"):
            try:
                with st.spinner("Checking the model with Keras's safe mode…"):
                    new_id = export.import_run(store, upload.getvalue(), ws)
                st.success(f"Imported as {new_id}")
            except ValueError as err:
                st.error(str(err))

# ---- class board -------------------------------------------------------------------------------
st.subheader("Class board")
pairs = sorted({(r["dataset_name"], r["task_kind"]) for r in runs if r.get("task_kind")})
task = ui_state.get(ui_state.TASK_CONFIG)
choice = ui_state.get(ui_state.DATASET_CHOICE)
if choice and task is not None and (choice["name"], task.kind) not in pairs:
    pairs.insert(0, (choice["name"], task.kind))
if pairs:
    board_key = st.selectbox(
        "Dataset and task", pairs, format_func=lambda p: f"{p[0]} · {p[1]}", key="compare-board"
    )
    board = store.class_board(*board_key)
    if board:
        st.dataframe(compare.table_rows(board), hide_index=True, width="stretch", key="compare-board-table")
    else:
        st.caption("Nobody has shared a run on this dataset and task yet.")
else:
    st.caption("Shared runs of every workspace on this server appear here, best test metric first.")
