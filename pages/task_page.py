"""Task: what to predict, how the data is cut and split, padding — with the shapes and naive baselines live."""

import streamlit as st

from rnnlab.core import settings as server_settings
from rnnlab.core.values import parse_int_list
from rnnlab.plots import task as plots_task
from rnnlab.task import budget, framing, splits, trend
from rnnlab.task.types import PaddingConfig, TaskConfig, suggested_season
from rnnlab.ui import current, session, widgets
from rnnlab.ui.widgets import widget_max

TASK_LABELS = {
    "classify": "classify a whole sequence",
    "regress": "regress a value per sequence",
    "forecast": "forecast from windows of one series",
    "tag": "tag every step",
}
WHY_POST = (
    "**Why post-padding with a mask is the default.** The model's prediction is read after the *last real step*: "
    "with post-padding and a `Masking` layer the recurrent state simply stops updating on the pad steps, so the "
    "output is the state right after the real data. Without a mask, post-padding makes the RNN run over the pads "
    "and overwrite what it read; pre-padding without a mask mostly works because the pads come first and fade. "
    "On a GPU, Keras only uses the fast cuDNN kernel for a masked LSTM/GRU when the mask is *right-padded* "
    "(post-padding) — pre-padding with a mask falls back to the slow generic kernel."
)
SPLIT_HELP = (
    "A series is split in time order: train, then validation, then test. A window belongs to the split of its "
    "target steps; windows whose targets would straddle two splits are dropped."
)
PANEL_SPLITS = {
    "temporal": "by time: the last part of every sequence",
    "sequence": "by sequence: whole ones held out",
}
PANEL_SPLIT_HELP = (
    "Windows are cut inside each sequence, never across two. By time, every sequence gives its last windows to "
    "test and the ones before to validation (windows whose targets would straddle two splits are dropped); by "
    "sequence, whole sequences are held out, so the test ones are never seen in training."
)
PREDICTS = {"level": "the level (the values)", "change": "the change over the window's last value"}


def _predict_change() -> None:
    st.session_state["task-predict"] = "change"


def forecast_settings(base: TaskConfig, features: list[str], frequency: str | None, panel: bool) -> dict:
    """Inputs, targets, window, horizon or offsets, what to predict, the split of a collection, stride and
    season length for a forecast."""
    out: dict = {}
    left, middle = st.columns(2)
    with left:
        default_inputs = [c for c in base.input_columns if c in features] or features
        out["input_columns"] = tuple(
            st.multiselect("Input columns", features, default_inputs, key="task-inputs")
        )
        default_targets = [c for c in base.target_columns if c in features] or list(out["input_columns"][:1])
        out["target_columns"] = tuple(
            st.multiselect("Target columns", features, default_targets, key="task-targets")
        )
    with middle:
        out["window"] = int(
            st.number_input(
                "Window W (input steps)", 1, widget_max(100_000, base.window), base.window, key="task-window"
            )
        )
        modes = ["next H steps", "chosen offsets"]
        mode = st.radio(
            "Horizon", modes, index=1 if base.offsets else 0, horizontal=True, key="task-horizon-mode"
        )
        if mode == modes[0]:
            out["horizon"] = int(
                st.number_input(
                    "H (steps after the window)",
                    1,
                    widget_max(10_000, base.horizon),
                    base.horizon,
                    key="task-horizon",
                )  # fmt: skip
            )
        else:
            default = ", ".join(str(o) for o in base.offsets) or "1"
            text = st.text_input("Offsets after the window (e.g. 1, 7, 14)", default, key="task-offsets")
            try:
                out["offsets"] = parse_int_list(text, "offsets", minimum=1, example="1, 7, 14")
            except ValueError as err:
                widgets.error(err)
                st.stop()
    out["predict"] = st.radio("Predict", list(PREDICTS), index=list(PREDICTS).index(base.predict),
                              format_func=PREDICTS.get, horizontal=True, key="task-predict",
                              help="The change: the model learns target − last value (scaled on the training "
                              "changes); predictions and every metric are back in the target's units.")  # fmt: skip
    out["split_mode"], out["seed"] = "temporal", base.seed
    if panel:
        modes = list(PANEL_SPLITS)
        out["split_mode"] = st.radio("Split", modes, index=modes.index(base.split_mode) if base.split_mode in modes
                                     else 0, format_func=PANEL_SPLITS.get, horizontal=True,
                                     key="task-panel-split")  # fmt: skip
        if out["split_mode"] == "sequence":
            out["seed"] = int(
                st.number_input("Seed", 0, widget_max(2**31 - 1, base.seed), base.seed, key="task-panel-seed")
            )
    out["season_length"], out["stride"] = base.season_length, base.stride
    box = widgets.advanced()  # rarely needed: hidden in presentation mode, the stored values stay
    if box is not None:
        with box:
            suggested = suggested_season(frequency)
            label = f"Season length for seasonal naive (0 = none; suggested: {suggested or 'none'})"
            season_default = base.season_length or suggested or 0
            season = st.number_input(
                label, 0, widget_max(100_000, season_default), season_default, key="task-season"
            )
            out["season_length"] = int(season) or None
            top = widget_max(10_000, base.stride)
            out["stride"] = int(
                st.number_input("Stride (steps between windows)", 1, top, base.stride, key="task-stride")
            )
    return out


def collection_settings(base: TaskConfig, dataset) -> dict:
    """Inputs, split mode and seed, and the padding of a collection of sequences."""
    features = list(dataset.feature_names)
    default_inputs = [c for c in base.input_columns if c in features] or features
    out: dict = {
        "input_columns": tuple(st.multiselect("Input columns", features, default_inputs, key="task-inputs"))
    }
    modes = splits.offered_modes(base.kind, dataset.splits is not None)
    index = modes.index(base.split_mode) if base.split_mode in modes else 0
    out["split_mode"] = st.selectbox("Split", modes, index=index, key="task-split-mode",
                                     help="auto: the archive's own test split when the data has one, else "
                                     "stratified by class (classify) or random")  # fmt: skip
    st.markdown("**Padding**")
    pad = base.padding
    sides = ["post", "pre"]
    side = st.radio("Pad side", sides, index=sides.index(pad.side), horizontal=True, key="task-pad-side")
    label = f"Length (0 = the longest, {dataset.tensor_shape[1]} steps)"
    length = st.number_input(
        label, 0, widget_max(1_000_000, pad.length), pad.length or 0, key="task-pad-length"
    )
    mask = st.checkbox("Mask padded steps (Masking layer)", pad.mask, key="task-pad-mask")
    out["seed"], truncating, value = base.seed, pad.truncating, pad.value
    box = widgets.advanced()  # rarely needed: hidden in presentation mode, the stored values stay
    if box is not None:
        with box:
            out["seed"] = int(
                st.number_input("Seed", 0, widget_max(2**31 - 1, base.seed), base.seed, key="task-seed")
            )
            truncating = st.radio("Truncate longer sequences at the", sides, index=sides.index(pad.truncating),
                                  horizontal=True, key="task-pad-trunc")  # fmt: skip
            automatic = st.checkbox(
                "Automatic pad value (outside the data's range)", pad.value is None, key="task-pad-auto"
            )
            value = None
            if not automatic:
                value = st.number_input("Pad value", value=float(pad.value if pad.value is not None else -1.0),
                                        key="task-pad-value")  # fmt: skip
    out["padding"] = PaddingConfig(
        side=side, length=int(length) or None, truncating=truncating, value=value, mask=mask
    )
    return out


session.init()
st.title("🎯 Task — what to predict")

try:
    dataset = current.current_dataset()
    stored = current.task_config() if dataset is not None else None
except ValueError as err:
    widgets.error(err)
    st.stop()
if dataset is None or stored is None:  # with a dataset there is always a task: the stored or the default one
    st.info("Pick a dataset on the Data page (or Open one on the Home page) first.")
    st.stop()

allowed = dataset.allowed_tasks()
panel = dataset.is_collection_forecast
labels = {**TASK_LABELS, "forecast": "forecast inside each sequence"} if panel else TASK_LABELS
kind = st.radio("Task", allowed, index=allowed.index(stored.kind) if stored.kind in allowed else 0,
                format_func=labels.__getitem__, horizontal=True, key="task-kind")  # fmt: skip
base = stored if stored.kind == kind else current.default_task(dataset, kind)
shapes_box = st.container(border=True)  # filled once the task is framed: the shapes sit above the settings

settings_col, split_col = st.columns([2, 1])
with settings_col:
    st.subheader("Inputs, targets and window" if kind == "forecast" else "Inputs, split and padding")
    if kind == "forecast":
        settings = forecast_settings(base, list(dataset.feature_names), dataset.frequency, panel)
    else:
        settings = collection_settings(base, dataset)
with split_col:
    st.subheader("Split sizes")
    if kind == "forecast":
        st.caption(PANEL_SPLIT_HELP if panel else SPLIT_HELP)
    settings["val_share"] = st.slider(
        "Validation share", 0.0, widget_max(0.5, base.val_share), float(base.val_share), 0.01, key="task-val"
    )
    mode = settings["split_mode"]
    archive = splits.archive_test(kind, mode, dataset.splits is not None)
    if archive:
        st.caption("Test = the archive's own test split; the validation share is taken from its train split.")
    settings["test_share"] = st.slider(
        "Test share",
        0.0,
        widget_max(0.5, base.test_share),
        float(base.test_share),
        0.01,
        key="task-test",
        disabled=archive,
    )
    settings["scale"] = st.checkbox(
        "Standardise (fitted on the training split only)", base.scale, key="task-scale"
    )

try:
    config = TaskConfig(kind=kind, **settings)
    framed = current.current_framed(config)
    scores = current.current_scoreboard(config)
except ValueError as err:  # the framing budget's refusal too: it says what to change
    with shapes_box:
        widgets.error(err)
    st.stop()
if framed is None or scores is None:  # never with a dataset chosen (both read it)
    st.info("Pick a dataset on the Data page (or Open one on the Home page) first.")
    st.stop()
board, best, skipped = scores
current.store_task_config(config)

with shapes_box:
    x_line, y_line = framing.shape_text(framed)
    st.code(f"{x_line}\n{y_line}", language="text")
    cost = budget.estimate(dataset, config)
    st.caption(f"Framed size: {cost.values:,} values of the {server_settings.max_framed_values():,} one task may hold "
               "(RNNLAB_MAX_FRAMED_VALUES).")  # fmt: skip
    sizes, metric = framed.sizes(), framed.main_metric
    cols = st.columns(5)
    cols[0].metric("train", sizes["n_train"])
    cols[1].metric("validation", sizes["n_val"])
    cols[2].metric("test", sizes["n_test"])
    cols[3].metric("padded share", f"{framed.padded_share:.1%}")
    cols[4].metric("best baseline, test", f"{best['test'][metric]:.4g}", help=f"{best['name']}, {metric}")
    for note in framed.notes:
        st.caption(widgets.plain(note))
    advice = trend.trend_advice(framed)
    if advice:
        st.info(widgets.plain(advice))
        st.button("Predict the change", on_click=_predict_change, key="task-use-change")

if kind == "forecast" and panel:
    st.subheader("Timeline of each sequence")
    widgets.chart(plots_task.sequence_timeline(framed))
elif kind == "forecast":
    st.subheader("Timeline")
    total = plots_task.n_windows(framed)
    number = st.slider("Example window", 1, total, 1, key="task-example-window") if total > 1 else 1
    fig = plots_task.timeline(framed, number - 1)
    if st.checkbox("Zoom to the window", False, key="task-zoom"):
        fig.update_xaxes(range=plots_task.zoom_range(framed, number - 1))
    widgets.chart(fig)
elif dataset.is_ragged or framed.pad_value is not None:
    st.subheader("Padding preview")
    if framed.pad_value is not None:
        st.caption(f"Pad value {framed.pad_value:g} (original units), {framed.model_pad_value:g} in the "
                   f"standardised inputs the model sees; masking {'on' if framed.mask else 'off'}; "
                   f"padded share {framed.padded_share:.1%}.")  # fmt: skip
        widgets.chart(plots_task.padding_example(dataset, framed))
    else:
        st.caption("No sequence needs padding at this length.")
    st.markdown(WHY_POST)

st.subheader("Naive baselines — every model must beat these")
st.caption(f"Fitted on train, scored on exactly the validation and test samples a model will see, in original "
           f"units. ★ = best on validation by {framed.main_metric}: **{best['name']}**.")  # fmt: skip
st.markdown(f"**Main metric: {framed.main_metric.replace('_', ' ')}** — {framed.main_metric_reason} It is chosen "
            "now, before training, and the verdict compares the model with the best baseline on it.")  # fmt: skip
st.dataframe(plots_task.scoreboard_table(board, best["name"]), hide_index=True, width="stretch")
for note in skipped + [f"{row['name']}: {row['note']}" for row in board if row.get("note")]:
    st.caption(widgets.plain(note))
widgets.chart(plots_task.scoreboard_bars(board, framed.main_metric, best["name"]))
