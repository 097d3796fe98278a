"""Data: pick a bundled dataset or upload a CSV, see what was understood, and look at it."""

import streamlit as st

from rnnlab.data import catalog, summary
from rnnlab.data.read_options import FILL_LABELS, FILLS, LAYOUTS, read_options
from rnnlab.plots import data as plots_data
from rnnlab.ui import actions, current, session, widgets

OVERRIDE_KEYS = [
    "data-layout",
    "data-id",
    "data-time",
    "data-label",
    "data-fill",
    "data-onehot",
    "data-zeros",
]
AUTO = "(detect)"

st.title("Data")
st.caption("Pick a bundled real dataset or upload your own CSV (long, wide or one long series).")

entries = {e.key: e for e in catalog.list_datasets()}
choice = session.dataset_choice()


def _reset_override_widgets() -> None:
    for key in OVERRIDE_KEYS:
        st.session_state.pop(key, None)


def _choose_bundled() -> None:
    key = st.session_state["data-bundled"]
    if key:
        actions.choose_bundled(key)
        _reset_override_widgets()


def _choose_upload() -> None:
    upload = st.session_state["data-upload"]
    if upload is not None:
        problem = actions.choose_upload(upload.name, upload.getvalue())
        if problem:
            st.warning(f"This file is used in this session but not kept for the workspace: {problem}")
        _reset_override_widgets()


sources = ["Bundled dataset", "Upload a CSV"]
source = st.radio(
    "Source",
    sources,
    index=1 if choice and choice["source"] == "upload" else 0,
    horizontal=True,
    key="data-source",
)
if source == sources[0]:
    picked = choice["name"] if choice and choice["source"] == "bundled" else None
    keys = list(entries)
    st.selectbox(
        "Bundled dataset",
        keys,
        index=keys.index(picked) if picked in keys else None,
        format_func=lambda k: entries[k].title,
        placeholder="Choose a dataset",
        key="data-bundled",
        on_change=_choose_bundled,
    )
else:
    st.file_uploader(
        "CSV file (.csv, .csv.gz, .tsv, .txt — up to the server's size limit)",
        type=["csv", "gz", "tsv", "txt"],
        key="data-upload",
        on_change=_choose_upload,
    )

choice = session.dataset_choice()
if not choice:
    st.info("Choose a bundled dataset or upload a CSV to begin.")
    st.stop()
if choice["source"] == "bundled" and choice["name"] in entries:
    entry = entries[choice["name"]]
    with st.container(border=True):
        st.markdown(f"**{entry.title}** — {entry.description}")
        st.caption(f"Citation: {entry.citation}  \nLicence: {entry.licence}  \nSource: {entry.source}")
else:
    st.caption(
        f"Using the uploaded file **{widgets.plain(choice['name'])}** (kept for this workspace on the server)."
    )

# ---- reading options (overrides) ----
options = dict(session.read_options())
columns = current.file_columns()
box = widgets.advanced("Reading options: layout, column roles, missing values")  # hidden when presenting
if box is not None:
    with box:
        left, middle, right = st.columns(3)
        layouts = [AUTO, *LAYOUTS]
        column_choices = [AUTO, *columns]

        def _pick(container, label, name, key):
            value = options.get(name)
            index = column_choices.index(value) if value in column_choices else 0
            picked = container.selectbox(label, column_choices, index=index, key=key)
            return None if picked == AUTO else picked

        layout = left.selectbox(
            "Layout", layouts, index=layouts.index(options.get("layout") or AUTO), key="data-layout"
        )
        id_column = _pick(middle, "Sequence id column", "id_column", "data-id")
        time_column = _pick(right, "Time / step column", "time_column", "data-time")
        label_column = _pick(left, "Label / target column", "label_column", "data-label")
        fill = middle.selectbox(
            "Gaps inside a sequence",
            FILLS,
            index=FILLS.index(options.get("fill", FILLS[0])),
            format_func=FILL_LABELS.get,
            key="data-fill",
        )
        one_hot = right.multiselect(
            "One-hot encode (non-numeric columns)",
            columns,
            default=[c for c in options.get("one_hot", []) if c in columns],
            key="data-onehot",
        )
        zeros = left.checkbox(
            "Trailing zeros are padding (wide rows, MIT-BIH style)",
            value=bool(options.get("trailing_zeros_as_padding")),
            key="data-zeros",
        )
        chosen = read_options(None if layout == AUTO else layout, id_column, time_column, label_column,
                              fill, one_hot, zeros)  # fmt: skip
        if chosen != options:
            session.set_read_options(chosen)

# ---- read and summarise ----
try:
    with st.spinner("Reading the file…"):
        dataset = current.current_dataset()
except ValueError as err:
    st.error(str(err))
    st.stop()
if dataset is None:
    st.info("Upload the CSV again: this session no longer holds its bytes.")
    st.stop()
info = summary.dataset_summary(dataset)

st.subheader("What rnnlab understood")
st.markdown(f"**Layout** — {widgets.plain(info['detection'])}")
st.code(info["tensor_shape_text"], language=None)
a, b, c, d = st.columns(4)
a.metric("Sequences", f"{info['n_sequences']:,}")
b.metric(
    "Length min / median / max", f"{info['min_length']} / {info['median_length']:g} / {info['max_length']}"
)
c.metric("Features", info["n_features"])
d.metric("Missing values filled", info["missing_filled"])
st.caption("Features: " + ", ".join(info["features"][:40]) + (" …" if info["n_features"] > 40 else ""))
if info["classes"]:
    st.markdown(f"**Label `{info['label']}`** — {len(info['classes'])} classes")
    st.dataframe(
        {"class": list(info["classes"]), "sequences": list(info["classes"].values())},
        hide_index=True,
        width=300,
    )
elif info["target_summary"]:
    t = info["target_summary"]
    column = info["label"] or info["step_targets"]
    per = "per step" if info["step_targets"] else "per sequence"
    st.markdown(
        f"**Target `{column}`** ({per}): min {t['min']:g}, mean {t['mean']:.4g}, max {t['max']:g}, "
        f"std {t['std']:.4g}"
    )
if info["time_column"]:
    st.markdown(
        f"**Time:** `{info['time_column']}`, {info['frequency'] or 'frequency not recognised'}, "
        f"{info['start']} … {info['end']}"
    )
if info["splits"]:
    st.caption("The archive's own split: " + ", ".join(f"{k} {v}" for k, v in info["splits"].items()))
for note in info["notes"]:
    st.caption(f"Note: {widgets.plain(note)}")
st.caption("Tasks this data allows: " + ", ".join(info["tasks"]))

# ---- plots ----
st.subheader("Look at the data")
shown = None
if dataset.n_features > plots_data.MAX_PANELS:
    shown = (
        st.multiselect(
            "Features to plot",
            dataset.feature_names,
            default=dataset.feature_names[: plots_data.MAX_PANELS],
            max_selections=plots_data.MAX_PANELS,
            key="data-features",
        )
        or None
    )
if plots_data.one_series(dataset):
    widgets.shared_chart(
        "series", shown, lambda: plots_data.whole_series(dataset, shown), key="data-chart-series"
    )
else:
    if st.button("Draw others", key="data-draw"):
        session.set_draw_seed(session.draw_seed() + 1)
    seed = session.draw_seed()
    widgets.shared_chart(
        "random",
        [seed, shown],
        lambda: plots_data.random_sequences(dataset, seed=seed, features=shown),
        key="data-chart-random",
    )
    if dataset.label_kind == "class":
        widgets.shared_chart(
            "classes", seed, lambda: plots_data.class_grid(dataset, seed=seed), key="data-chart-classes"
        )
    widgets.shared_chart(
        "lengths", None, lambda: plots_data.length_histogram(dataset), key="data-chart-lengths"
    )
widgets.shared_chart(
    "histograms", shown, lambda: plots_data.feature_histograms(dataset, shown), key="data-chart-hist"
)
