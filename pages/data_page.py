"""Data: pick a bundled dataset or upload a CSV, see what was understood, and look at it."""

import streamlit as st

from rnnlab.core.words import plural
from rnnlab.data import catalog, summary
from rnnlab.data.read_options import (
    FILL_LABELS,
    FILLS,
    LAYOUTS,
    NO_LABEL,
    PADDING,
    PADDING_LABELS,
    read_options,
)
from rnnlab.plots import data as plots_data
from rnnlab.ui import actions, current, session, widgets

AUTO = "(detect)"

st.title("Data")
st.caption("Pick a bundled real dataset or upload your own CSV (long, wide or one long series).")

entries = {e.key: e for e in catalog.list_datasets()}
choice = session.dataset_choice()
if note := current.link_upload_note():  # a link made from an uploaded file: which file to upload
    st.info(note)


def _choose_bundled() -> None:
    key = st.session_state["data-bundled"]
    if key:
        actions.choose_bundled(key)
        session.clear_data_option_widgets()


def _choose_upload(key: str) -> None:
    upload = st.session_state[key]
    if upload is not None:
        problem = actions.choose_upload(upload.name, upload.getvalue())
        session.release_upload(upload, key)  # the uploader starts empty; the page below names the kept file
        if problem:  # refused: nothing of the file stays in this session or the server's memory
            widgets.error(f"This file was not used: {problem}")
        else:
            session.clear_data_option_widgets()


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
    uploader = session.uploader_key()
    st.file_uploader(
        ("Upload another CSV" if choice and choice["source"] == "upload" else "CSV file")
        + " (.csv, .csv.gz, .tsv, .txt — up to the server's size limit)",
        type=["csv", "gz", "tsv", "txt"],
        key=uploader,
        on_change=_choose_upload,
        args=(uploader,),
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
elif session.upload_bytes() is not None:  # handed to the session directly (a test's or a script's file)
    st.caption(
        f"Using the file **{widgets.plain(choice['name'])}** handed to this session (not kept on the server)."
    )
else:
    st.caption(
        f"Using the uploaded file **{widgets.plain(choice['name'])}** (kept for this workspace on the server)."
    )

# ---- reading options (overrides): fresh boxes for every file, whatever chose it ----
if current.file_key() != session.options_made_for():
    session.clear_data_option_widgets()
    session.set_options_made_for(current.file_key())
options = dict(session.read_options())
columns = current.file_columns()
try:
    with st.spinner("Reading the file…"):
        dataset = current.current_dataset()
    error = None
except ValueError as err:
    dataset, error = None, str(err)
roles = dict(dataset.roles) if dataset is not None else {}
unreadable = current.dataset_key() if error else None
if session.unreadable() != unreadable:  # the sidebar must not name a file that cannot be read
    session.set_unreadable(unreadable)
    st.rerun()


def _with_roles(column: str) -> str:
    can = roles.get(column)
    return f"{column} ({', '.join(can)})" if can else column


box = widgets.advanced(
    "Reading options: layout, column roles, padding, missing values"
)  # hidden when presenting
if box is not None:
    with box:
        left, middle, right = st.columns(3)
        layouts = [AUTO, *LAYOUTS]

        def _pick(container, label, name, key, extra=()):
            choices = [AUTO, *[e for e in extra if e not in columns], *columns]  # extra: NO_LABEL
            value = options.get(name)
            index = choices.index(value) if value in choices else 0
            picked = container.selectbox(label, choices, index=index, key=key,
                                         format_func=lambda c: c if c == AUTO else _with_roles(c))  # fmt: skip
            return None if picked == AUTO else picked

        layout = left.selectbox(
            "Layout", layouts, index=layouts.index(options.get("layout") or AUTO), key="data-opt-layout"
        )
        id_column = _pick(middle, "Sequence id column", "id_column", "data-opt-id")
        time_column = _pick(right, "Time / step column", "time_column", "data-opt-time")
        label_column = _pick(left, "Label or per-step target column", "label_column", "data-opt-label",
                             extra=(NO_LABEL,))  # fmt: skip
        fill = middle.selectbox(
            "Gaps inside a sequence",
            FILLS,
            index=FILLS.index(options.get("fill", FILLS[0])),
            format_func=FILL_LABELS.__getitem__,
            key="data-opt-fill",
        )
        one_hot = right.multiselect(
            "One-hot encode (non-numeric columns)",
            columns,
            default=[c for c in options.get("one_hot", []) if c in columns],
            key="data-opt-onehot",
        )
        padding = left.selectbox(
            "Padding at the end of wide rows",
            PADDING,
            index=PADDING.index(options.get("trailing_zeros_as_padding")),
            format_func=PADDING_LABELS.__getitem__,
            key="data-opt-padding",
            help="When most rows end in a run of one value (MIT-BIH's trailing zeros), it is padding.",
        )
        keep = middle.multiselect(
            "Keep as features",
            columns,
            default=[c for c in options.get("keep_columns", []) if c in columns],
            key="data-opt-keep",
            help="Row numbers and step counters are left out of the features; pick any to put it back.",
        )
        chosen = read_options(None if layout == AUTO else layout, id_column, time_column, label_column,
                              fill, one_hot, padding, keep)  # fmt: skip
        if roles:
            by_role = summary.columns_by_role(roles)
            st.caption(
                "Which column can play which role: "
                + "; ".join(
                    f"**{role}** — {', '.join(map(widgets.plain, cs))}" for role, cs in by_role.items()
                )
            )
        if chosen != options:
            session.set_read_options(chosen)
            st.rerun()

# ---- read and summarise ----
if error:
    widgets.error(error)
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
if info["min_length"] == info["max_length"]:
    b.metric("Length (steps)", f"{info['max_length']:,}")
else:
    b.metric("Length (steps), min – max", f"{info['min_length']:,} – {info['max_length']:,}",
             help=f"median {info['median_length']:,g}")  # fmt: skip
c.metric("Features", info["n_features"])
d.metric("Missing values filled", info["missing_filled"])
st.caption(
    "Features: "
    + ", ".join(widgets.code(f) for f in info["features"][:40])
    + (" …" if info["n_features"] > 40 else "")
)
if info["classes"]:
    st.markdown(
        f"**Label {widgets.code(info['label'])}** — {plural(len(info['classes']), 'class', 'classes')}"
    )
    st.dataframe(
        {"class": list(info["classes"]), "sequences": list(info["classes"].values())},
        hide_index=True,
        width=300,
    )
elif info["step_classes"]:
    st.markdown(
        f"**Class per step `{info['step_targets']}`** — {plural(len(info['step_classes']), 'class', 'classes')}"
    )
    st.dataframe(
        {"class": list(info["step_classes"]), "steps": list(info["step_classes"].values())},
        hide_index=True,
        width=300,
    )
elif info["target_summary"]:
    t = info["target_summary"]
    column = info["label"] or info["step_targets"]
    per = "per step" if info["step_targets"] else "per sequence"
    st.markdown(
        f"**Target {widgets.code(column)}** ({per}): min {t['min']:g}, mean {t['mean']:.4g}, max {t['max']:g}, "
        f"std {t['std']:.4g}"
    )
if info["time_column"]:
    span = (
        f", {widgets.plain(info['start'])} … {widgets.plain(info['end'])}"
        if info["start"] is not None
        else ""
    )
    st.markdown(
        f"**Time:** {widgets.code(info['time_column'])}, {info['frequency'] or 'frequency not recognised'}{span}"
    )
if info["splits"]:
    st.caption(
        "The archive's own split: " + ", ".join(f"{widgets.plain(k)} {v}" for k, v in info["splits"].items())
    )
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
