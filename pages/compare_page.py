"""Compare: every run of this workspace — overlay, race the cells, seed bands, class board, export/import."""

import streamlit as st

from rnnlab.core.words import plural
from rnnlab.plots import compare as plots_compare
from rnnlab.runs import compare, export
from rnnlab.ui import actions, current, resources, session, widgets, workspace_state

st.title("🏁 Compare runs")
try:
    actions.apply_link()  # a lesson or shared link opened straight on this page (no-op once applied)
except ValueError as err:
    widgets.error(err)
ws = actions.workspace()
try:
    store = resources.run_store()
except ValueError:  # the data directory cannot be written: app.py's banner says so
    st.stop()

box = widgets.advanced("Your workspace — its bookmark link and a share link")  # hidden in presentation mode
if box is not None:
    with box:
        st.caption(
            "Runs belong to a workspace; other workspaces see them only when shared to the class board."
        )
        if st.button("New workspace", key="compare-new-ws"):
            actions.open_workspace(None)
            st.rerun()
        st.markdown("**Bookmark my workspace** — this link brings back these runs and settings. It is the only "
                    "key to them: whoever has it can see, change and delete them, so keep it to yourself "
                    "(it is never in an export or a share link).")  # fmt: skip
        st.code(actions.bookmark_url(), language=None)
        st.markdown("**Share the current configuration** (no workspace: each person gets a fresh one):")
        st.code(actions.share_url(), language=None)

runs = store.list_runs(ws)
n_runs = store.count_runs(ws)  # exact, also past the newest 500 the table lists
by_id = {run["id"]: run for run in runs}

# ---- the table ----------------------------------------------------------------------------
if runs:
    st.subheader(f"{plural(n_runs, 'run')} in this workspace")
    shown = f"The newest {len(runs):,} are listed. " if n_runs > len(runs) else ""
    st.caption(f"{shown}Click a column header to sort.")
    st.dataframe(compare.table_rows(runs), hide_index=True, width="stretch", key="compare-table")
else:
    st.info(
        "No runs yet in this workspace: train a model on the Train page, race the cells below, or import a run."
    )

selected = st.multiselect(
    "Runs to compare",
    options=list(by_id),
    default=[r for r in session.compare_selected() if r in by_id] or compare.default_selection(
        runs, [s.run_id for s in workspace_state.group_jobs(ws, "race:")]
    ),
    format_func=lambda run_id: compare.run_label(by_id[run_id]),
    key=f"compare-select-{len(by_id)}",  # a new run refreshes the choice (newest three unless chosen)
)
session.set_compare_selected(selected)
chosen = [by_id[r] for r in selected]
if chosen:
    metrics = compare.curve_metrics(chosen)
    metric = st.radio("Curve", ["loss", *metrics], horizontal=True, key="compare-metric")
    histories = {r["id"]: store.history(r["id"]) for r in chosen}
    widgets.chart(plots_compare.overlay_curves(chosen, histories, metric))
    finished = [r for r in chosen if r.get("test_metrics")]
    if finished:
        widgets.chart(plots_compare.metric_bars(finished, metrics[0]))
    groups = compare.band_groups(chosen, histories)
    if groups:
        st.markdown("**Seed bands** — the same setting trained with several seeds")
        key = compare.band_key([h for hs in groups.values() for h in hs], metrics[0])
        widgets.chart(plots_compare.seed_bands(groups, key))


# ---- race the cells and seed bands (jobs) ----------------------------------------------------
st.subheader("Race the cells")
st.caption(
    "Trains SimpleRNN, LSTM and GRU with the current units, data, seed and epochs — plus a dense network on "
    "the flattened window as the non-recurrent reference — and overlays them as they train."
)
blocked = widgets.training_problem()  # the cluster cannot be reached or went away: no race, no seeds
race_col, seed_col, n_col = st.columns([2, 2, 1])
n_seeds = n_col.number_input("Seeds", min_value=2, max_value=10, value=3, key="compare-n-seeds")
if race_col.button("🏁 Race the cells", key="compare-race", type="primary", disabled=blocked):
    try:
        actions.submit_variants("race")
    except ValueError as err:
        widgets.error(err)
if seed_col.button(
    f"🎲 Train the current setting with {n_seeds} seeds", key="compare-seeds", disabled=blocked
):
    try:
        actions.submit_variants("seeds", int(n_seeds))
    except ValueError as err:
        widgets.error(err)


def _job_panel(statuses: list, title: str) -> None:
    if not statuses:
        return
    stored = {r["id"]: r for r in store.list_runs(ws, limit=100)}
    st.markdown(f"**{widgets.plain(title)}**")
    for status in statuses:
        name = compare.run_label(stored[status.run_id]) if status.run_id in stored else "waiting"
        widgets.job_progress(status, name=name, key=f"compare-job-{status.job_id}")  # Cancel / Stop
    race_runs = [stored[s.run_id] for s in statuses if s.run_id in stored]
    if race_runs:
        hist = {r["id"]: store.history(r["id"]) for r in race_runs}
        widgets.chart(plots_compare.race_overlay(race_runs, hist, "val_loss"))
    if race_runs and title.startswith("Race") and not any(status.active for status in statuses):
        widgets.race_verdicts(race_runs)


def _live_jobs(was_active: bool) -> None:
    # the workspace's newest race and seed band, whichever tab started them (a reload re-attaches here)
    race, seeds = workspace_state.group_jobs(ws, "race:"), workspace_state.group_jobs(ws, "seeds:")
    _job_panel(race, "Race progress")
    _job_panel(seeds, "Seed runs progress")
    still_active = any(status.active for status in race + seeds)
    if len(store.list_runs(ws)) != len(runs) or (was_active and not still_active):
        st.rerun(scope="app")  # a run was recorded or the jobs ended: refresh the table, overlays and sidebar


our_jobs = workspace_state.group_jobs(ws, "race:") + workspace_state.group_jobs(ws, "seeds:")
if our_jobs:
    active = any(status.active for status in our_jobs)
    st.fragment(run_every=2.0 if active else None)(_live_jobs)(active)

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
    if target.get("imported"):
        share_col.caption("Imported: its numbers were not made on this server, so it is never ranked on the board.")
    if shared != target["shared"] or (shared and label and label != target.get("label")):
        store.share_run(target_id, shared, label=label or None)
        st.rerun()
    if target["status"] == "interrupted":
        st.warning(target.get("message") or "This run was interrupted; the epochs done are kept.")
    if share_col.button("Train again (load its settings, open Train)", key="compare-load"):
        try:
            actions.load_run_settings(target)
        except ValueError as err:
            widgets.error(err)
        else:
            st.switch_page("pages/train_page.py", query_params=workspace_state.page_params())
    confirm = delete_col.checkbox("Yes, delete it (and its model file)", key="compare-delete-confirm")
    if delete_col.button("Delete run", key="compare-delete", disabled=not confirm):
        store.delete_run(target_id, workspace=ws)
        st.toast(f"Deleted {widgets.plain(compare.run_label(target))}")
        st.rerun()
    if export_col.button("Prepare export zip", key="compare-export"):
        try:
            export_col.download_button(
                "Download zip",
                data=export.export_bytes(store, target_id, workspace=ws, dataset=current.dataset_for(target)),
                file_name=f"{target_id}.zip",
                mime="application/zip",
                key="compare-download",
                on_click="ignore",
            )
        except ValueError as err:
            widgets.error(err)

# ---- import ------------------------------------------------------------------------------------
box = widgets.advanced("Import a run zip")  # hidden in presentation mode
if box is not None:
    with box:
        upload = st.file_uploader("A zip exported by rnnlab", type=["zip"], key="compare-import-file")
        if upload is not None and st.button("Import", key="compare-import"):
            try:
                with st.spinner("Checking the model with Keras's safe mode…"):
                    new_id = export.import_run(store, upload.getvalue(), ws)
            except ValueError as err:
                widgets.error(err)
            else:
                st.toast(f"Imported as {new_id}")
                st.rerun()  # the table, the overlays and the run picker show it at once

# ---- class board -------------------------------------------------------------------------------
st.subheader("Class board")
task, choice = session.task_config(), session.dataset_choice() or {}
pairs = compare.board_choices(runs, choice.get("name"), task.kind if task is not None else None)
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
