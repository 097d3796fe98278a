"""Home: what rnnlab is, the path through it, lessons and one-click starts. Never imports TensorFlow."""

from urllib.parse import urlencode

import streamlit as st

from rnnlab.data import catalog
from rnnlab.plots import data as plots_data
from rnnlab.runs import lessons as presets
from rnnlab.ui import actions, caches, widgets, workspace_state

st.title("rnnlab — learn recurrent neural networks on real sequences")
st.markdown(
    "Pick a real dataset or upload your own CSV, frame a task, build a SimpleRNN, LSTM or GRU, "
    "watch it train live, and see whether it beats **honest naive baselines** computed on exactly "
    "the same test samples."
)
st.markdown(
    "**The path:** 📂 Data → 🎯 Task → 🧱 Model → 🏋️ Train → 📊 Results → 🏁 Compare → 🔬 Inside the RNN"
)

left, right = st.columns([2, 3])
with left:
    st.markdown(
        "**A sequence is a small table:** one row per time step, one column per feature. The course's "
        "three cities each give 4 days × 3 features (temperature, wind speed, pollution), so together "
        "they form a tensor of shape `(n_sequences, n_observations, n_features) = (3, 4, 3)`; a recurrent "
        "network reads each city one day at a time."
    )


def _toy_figure():
    fig = plots_data.random_sequences(caches.bundled_dataset("three_cities"), seed=0, n=3)
    return fig.update_layout(height=440, title="The three cities: 4 days × 3 features each")


with right:
    widgets.shared_chart("home-toy", None, _toy_figure, of_dataset=False, key="home-toy")

st.subheader("Lessons")
st.caption("Each lesson loads a dataset and every setting; press Start on the page it opens.")
lesson_columns = st.columns(3)
for i, lesson in enumerate(presets.list_lessons()):
    with lesson_columns[i % 3].container(border=True):
        st.markdown(f"**{lesson.title}**")
        st.caption(f"{lesson.text}  \n*{lesson.time_note}*")
        # one below the other in presentation mode, where larger type would cut "Start lesson" short
        left, right = (st.container(), st.container()) if widgets.presenting() else st.columns(2)
        if left.button("Start lesson", key=f"home-lesson-{lesson.key}"):
            try:
                actions.open_lesson(lesson.key)
            except ValueError as err:
                widgets.error(err)
            else:
                page = "pages/compare_page.py" if lesson.race else "pages/train_page.py"
                st.switch_page(page, query_params=workspace_state.page_params())
        link = {**lesson.query(), **({"present": "1"} if widgets.presenting() else {})}
        right.markdown(f"[Link to share](?{urlencode(link)})")

st.subheader("Start from a bundled dataset")
entries = catalog.list_datasets()
columns = st.columns(3)
for i, entry in enumerate(entries):
    with columns[i % 3].container(border=True):
        st.markdown(f"**{entry.title}**")
        st.caption(f"{entry.description}  \n*{entry.layout} · {entry.task}*")
        if st.button("Open", key=f"home-open-{entry.key}"):
            actions.choose_bundled(entry.key)
            st.switch_page("pages/data_page.py", query_params=workspace_state.page_params())

st.caption("Tip for a class: add `?present=1` to the address for presentation mode (larger type and charts).")
