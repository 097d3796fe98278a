"""Model: cell, units, stacking, dropout, head — the Keras summary and each layer's parameter formula."""

import streamlit as st

from rnnlab.core.words import plural
from rnnlab.models import build as models
from rnnlab.models.config import (
    CELL_ACTIVATIONS,
    HEAD_ACTIVATIONS,
    RECURRENT_CELLS,
    ModelConfig,
    from_choices,
    parse_units,
)
from rnnlab.ui import actions, current, resources, session, widgets

CELL_LABELS = {
    "gru": "GRU — gated, 3 gates",
    "lstm": "LSTM — gated, 4 gates",
    "simple_rnn": "SimpleRNN — one dense layer over [x_t, h_{t-1}]",
    "dense": "Dense — flattened window (non-recurrent reference)",
}

session.init()
st.title("🧱 Model — architecture and parameters")
resources.job_manager()  # warm the training workers (they import TensorFlow) while the model is designed
try:
    actions.apply_link()  # a shared configuration link (?ds=…&model=…) opened straight on this page
except ValueError as err:
    widgets.error(err)

stored = session.model_config() or ModelConfig()
cells = list(CELL_LABELS)
left, right = st.columns(2)
with left:
    cell = st.selectbox(
        "Cell", cells, index=cells.index(stored.cell), format_func=CELL_LABELS.__getitem__, key="model-cell"
    )
    units_text = st.text_input(
        "Units per layer (several = stacked)",
        value=", ".join(str(u) for u in stored.units),
        help="e.g. `32` for one layer, `64, 32` for two stacked layers (each but the last returns sequences).",
        key="model-units",
    )
    recurrent = cell in RECURRENT_CELLS  # the dense reference ignores the recurrent-only settings
    bidirectional = st.checkbox(
        "Bidirectional", value=stored.bidirectional, key="model-bidirectional", disabled=not recurrent
    )
    normalization = st.checkbox(
        "Normalization layer (adapted on the training split's real steps, after Masking)",
        value=stored.normalization,
        key="model-normalization",
    )
with right:
    top = widgets.widget_max(0.9, max(stored.dropout, stored.recurrent_dropout))  # a link may carry 0.99
    dropout = st.slider("Dropout", 0.0, top, float(stored.dropout), 0.05, key="model-dropout")
    recurrent_dropout = st.slider(
        "Recurrent dropout", 0.0, top, float(stored.recurrent_dropout), 0.05, key="model-recurrent-dropout",
        disabled=not recurrent,
    )  # fmt: skip
    head_text = st.text_input(
        "Dense head units (optional)", value=", ".join(str(u) for u in stored.head_units), key="model-head"
    )
    head_activation = st.selectbox(
        "Head activation", HEAD_ACTIVATIONS, index=HEAD_ACTIVATIONS.index(stored.head_activation),
        key="model-head-activation",
    )  # fmt: skip
    head_dropout = st.slider(
        "Head dropout", 0.0, widgets.widget_max(0.9, stored.head_dropout), float(stored.head_dropout), 0.05,
        key="model-head-dropout", help="A Dropout layer after each Dense layer of the head.",
    )  # fmt: skip
activation, unroll, reset_after = stored.activation, stored.unroll, stored.reset_after
if not widgets.presenting():
    with st.expander("Advanced cell settings (these keep cuDNN off on a GPU)", expanded=False):
        activation = st.selectbox(
            "Cell activation", CELL_ACTIVATIONS, index=CELL_ACTIVATIONS.index(stored.activation),
            key="model-activation",
        )  # fmt: skip
        unroll = st.checkbox("Unroll the loop", value=stored.unroll, key="model-unroll")
        reset_after = st.checkbox(
            "GRU reset_after (Keras default)", value=stored.reset_after, key="model-reset-after"
        )

try:
    config = from_choices(
        cell,
        units=parse_units(units_text),
        bidirectional=bidirectional,
        dropout=dropout,
        recurrent_dropout=recurrent_dropout,
        head_units=parse_units(head_text, "head units"),
        head_activation=head_activation,
        head_dropout=head_dropout,
        normalization=normalization,
        activation=activation,
        unroll=unroll,
        reset_after=reset_after,
    )
except ValueError as err:
    widgets.error(err)
    st.stop()
session.set_model_config(config)

try:
    task = current.task_config()
    framed = current.current_framed(task) if task is not None else None
except ValueError as err:
    widgets.error(err)
    st.stop()

if any(
    d.get("kind") == "GPU" for d in resources.job_manager().devices()
):  # no GPU here: nothing to warn about
    for warning in models.cudnn_warnings(config, task):
        st.warning(f"GPU: {warning}")

if framed is None or task is None:  # framed only with a task
    st.info(
        "Pick a dataset (Data page) and a task (Task page) to see the model's summary and parameter counts."
    )
    st.stop()


try:
    summary, n_params, rows = current.model_tables(config, task)
except ValueError as err:
    widgets.error(err)
    st.stop()

st.subheader("Summary")
st.caption(
    f"Input: {plural(framed.n_steps, 'step')} × {plural(framed.n_features, 'feature')} · task: {framed.config.kind} · "
    f"loss and metric follow the task (main metric: {framed.main_metric})."
)
if framed.mask and framed.model_pad_value is not None and config.recurrent:
    st.caption(f"Masking(mask_value={framed.model_pad_value:g}) skips the padded steps.")
st.dataframe(summary, hide_index=True, width="stretch")
st.metric("Parameters", f"{n_params:,}")

st.subheader("Parameters, by formula")
st.markdown(
    "A recurrent layer concatenates $x_t$ (width $d$) with $h_{t-1}$ (width $u$) and feeds them through one "
    "dense layer per gate: SimpleRNN $u(u+d+1)$, LSTM $4u(u+d+1)$, GRU $3u(u+d+2)$ (Keras's `reset_after=True`), "
    "doubled when bidirectional."
)
st.dataframe(rows, hide_index=True, width="stretch")
st.caption(
    "Counted by these formulas, without building the model; they equal Keras's own `count_params()` "
    "(checked against Keras for every cell in the project's tests)."
)
