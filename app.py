"""rnnlab — entry point: page config, navigation and the shared sidebar.

Run with ``make run`` (or ``streamlit run app.py``). This file and the home
page never import TensorFlow.
"""

import streamlit as st

from rnnlab.jobs import admin

st.set_page_config(page_title="rnnlab", page_icon="🔁", layout="wide")
PAGES = [
    st.Page("pages/home_page.py", title="Home", icon=":material/explore:", default=True),
    st.Page("pages/data_page.py", title="Data", icon=":material/table_chart:", url_path="data"),
    st.Page("pages/task_page.py", title="Task", icon=":material/target:", url_path="task"),
    st.Page("pages/model_page.py", title="Model", icon=":material/account_tree:", url_path="model"),
    st.Page("pages/train_page.py", title="Train", icon=":material/play_circle:", url_path="train"),
    st.Page("pages/results_page.py", title="Results", icon=":material/leaderboard:", url_path="results"),
    st.Page(
        "pages/compare_page.py", title="Compare", icon=":material/stacked_line_chart:", url_path="compare"
    ),
    st.Page("pages/inside_page.py", title="Inside the RNN", icon=":material/biotech:", url_path="inside"),
]
if admin.enabled():  # only while RNNLAB_ADMIN_TOKEN is set: not in the menu, the teacher opens /admin
    PAGES.append(st.Page("pages/admin_page.py", title="Teacher", url_path="admin", visibility="hidden"))
# The page asked for is settled before anything slow (the imports below): on a server's first run after a
# (re)start, Streamlit's legacy pages/ router has just told the browser "main page", and until this line
# answers with the page in the URL a reload would land on Home.
navigation = st.navigation(PAGES, position="sidebar")

from rnnlab.jobs.types import progress_line  # noqa: E402
from rnnlab.ui import (  # noqa: E402
    actions,
    current,
    resources,
    security_headers,
    session,
    streamlit_patch,
    widgets,
    workspace_state,
)

SIDEBAR_POLL_SECONDS = 1.0  # the sidebar's training lines follow the job as the Train panel does


def _training_lines(jobs) -> None:
    for job in workspace_state.active_jobs_for_sidebar(jobs):
        st.caption(f"Training: {progress_line(job)}")


streamlit_patch.keep_keras_state()  # no keras.backend.clear_session() after every rerun of every session
security_headers.warn_if_unprotected()  # logged once when served by `streamlit run app.py`, not serve.py
session.init()

if workspace_state.sync_presenting():  # ?present=1 sticks to every page until switched off
    # Projector-friendly: bigger type everywhere (static CSS; no user text is ever injected).
    st.html(
        "<style>html, .stMarkdown p, .stMarkdown li, label, .stCaption {font-size: 1.3rem !important;}"
        " h1 {font-size: 3rem !important;} h2, h3 {font-size: 2.2rem !important;}"
        " .stButton button p {white-space: normal; overflow-wrap: anywhere;}</style>"
    )

resources.apply_upload_limit()  # Streamlit refuses a larger upload before its bytes are in memory
if problem := resources.data_dir_problem():  # one clear banner instead of every page failing its own way
    widgets.error(problem)
    st.stop()
# the workspace id stays in the URL (?ws=…) on every page, so a refresh brings the same runs back
workspace = actions.workspace()
for problem in workspace_state.restore_setup(workspace):  # the workspace's dataset and settings, once
    st.warning(f"Part of this workspace's saved setup could not be restored: {problem}")

with st.sidebar:
    # the places first: a tab that reconnects after a server restart drops the old "Training: epoch …" line
    # at once, instead of showing it while this run reads the link, the dataset and the job queue
    top, training_slot = st.container(), st.empty()
    with top:
        try:
            actions.apply_link()  # a shared configuration link (?ds=…&model=…&train=…), applied once
        except ValueError as err:
            widgets.error(err)
        choice = session.dataset_choice()
        st.caption("Current dataset")
        if choice and not current.dataset_usable():  # a file that could not be read is no current dataset
            st.markdown(f"_none: {widgets.plain(choice['title'])} could not be read (see the Data page)_")
        elif choice:  # an uploaded file's name is user text: shown inert
            st.markdown(
                f"**{choice['title'] if choice['source'] == 'bundled' else widgets.plain(choice['title'])}**"
            )
        else:
            st.markdown("_none yet — pick one on the Data page_")
        resources.warm_workers()  # the workers import TensorFlow while the user reads; the server never does
        jobs = resources.started_job_manager()
        if jobs is not None:
            devices = jobs.devices()
            st.caption("Devices")
            st.markdown(  # the description may name a cluster node: shown inert
                "\n".join(f"- `{d['name']}` {widgets.plain(d.get('description', ''))}" for d in devices)
                if devices
                else "_training workers starting…_"
            )
    if jobs is not None and workspace_state.active_jobs_for_sidebar(jobs):  # kept current while they run
        with training_slot.container():
            st.fragment(_training_lines, run_every=SIDEBAR_POLL_SECONDS)(jobs)
    presenting = st.toggle("Presentation mode", value=session.presenting(), key="sidebar-present")
    if presenting != session.presenting():
        session.set_presenting(presenting)
        st.query_params["present"] = "1" if presenting else "0"
        st.rerun()

try:
    navigation.run()
finally:  # also after st.rerun / st.switch_page / st.stop: every change of the setup is kept
    workspace_state.save_setup(session.workspace_id())
