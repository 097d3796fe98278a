"""rnnlab — entry point: page config, navigation and the shared sidebar.

Run with ``make run`` (or ``streamlit run app.py``). This file and the home
page never import TensorFlow.
"""

import streamlit as st

from rnnlab import ui_state

st.set_page_config(page_title="rnnlab", page_icon="🔁", layout="wide")
ui_state.init()

if ui_state.presenting():
    # Projector-friendly: bigger type everywhere (static CSS; no user text is ever injected).
    st.html(
        "<style>html, .stMarkdown p, .stMarkdown li, label, .stCaption {font-size: 1.3rem !important;}"
        " h1 {font-size: 3rem !important;} h2, h3 {font-size: 2.2rem !important;}</style>"
    )

PAGES = [
    st.Page("pages/home.py", title="Home", icon="🏠", default=True),
    st.Page("pages/data.py", title="Data", icon="📂", url_path="data"),
    st.Page("pages/task.py", title="Task", icon="🎯", url_path="task"),
    st.Page("pages/model.py", title="Model", icon="🧱", url_path="model"),
    st.Page("pages/train.py", title="Train", icon="🏋️", url_path="train"),
    st.Page("pages/results.py", title="Results", icon="📊", url_path="results"),
    st.Page("pages/compare.py", title="Compare", icon="🏁", url_path="compare"),
    st.Page("pages/inside.py", title="Inside the RNN", icon="🔬", url_path="inside"),
]
navigation = st.navigation(PAGES, position="sidebar")

with st.sidebar:
    choice = ui_state.get(ui_state.DATASET_CHOICE)
    st.caption("Current dataset")
    st.markdown(f"**{choice['title']}**" if choice else "_none yet — pick one on the Data page_")

navigation.run()
