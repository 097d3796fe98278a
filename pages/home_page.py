"""Home: what rnnlab is, the path through it, and one-click starts."""

import streamlit as st

from rnnlab import catalog, ui_state

st.title("rnnlab — learn recurrent neural networks on real sequences")
st.markdown(
    "Pick a real dataset or upload your own CSV, frame a task, build a SimpleRNN, LSTM or GRU, "
    "watch it train live, and see whether it beats **honest naive baselines**."
)
st.markdown(
    "**The path:** 📂 Data → 🎯 Task → 🧱 Model → 🏋️ Train → 📊 Results → 🏁 Compare → 🔬 Inside the RNN"
)

st.subheader("Start from a bundled dataset")
entries = catalog.list_datasets()
columns = st.columns(3)
for i, entry in enumerate(entries):
    with columns[i % 3].container(border=True):
        st.markdown(f"**{entry.title}**")
        st.caption(f"{entry.description}  \n*{entry.layout} · {entry.task}*")
        if st.button("Open", key=f"home-open-{entry.key}"):
            ui_state.set(
                ui_state.DATASET_CHOICE, {"source": "bundled", "name": entry.key, "title": entry.title}
            )
            ui_state.set(ui_state.READ_OPTIONS, {})
            st.switch_page("pages/data.py")
