"""Model: cell, units, stacking, dropout, head — the Keras summary and each layer's parameter formula."""

import streamlit as st

from rnnlab.models import build as models
from rnnlab.models.config import CELL_ACTIVATIONS, HEAD_ACTIVATIONS, ModelConfig, parse_units
from rnnlab.ui import state as ui_state

CELL_LABELS = {
    "gru": "GRU — gated, 3 gates",
    "lstm": "LSTM — gated, 4 gates",
    "simple_rnn": "SimpleRNN — one dense layer over [x_t, h_{t-1}]",
    "dense": "Dense — flattened window (non-recurrent reference)",
}

ui_state.init()
st.title("🧱 Model — architecture and parameters")
ui_state.job_manager()  # warm the training workers (they import TensorFlow) while the model is designed
try:
    ui_state.apply_link()  # a shared configuration link (?ds=…&model=…) opened straight on this page
except ValueError as err:
    st.error(str(err))

stored = ui_state.get(ui_state.MODEL_CONFIG) or ModelConfig()
cells = list(CELL_LABELS)
left, right = st.columns(2)
with left:
    cell = st.selectbox(
        "Cell", cells, index=cells.index(stored.cell), format_func=CELL_LABELS.get, key="model-cell"
    )
    units_text = st.text_input(
        "Units per layer (several = stacked)",
        value=", ".join(str(u) for u in stored.units),
        help="e.g. `32` for one layer, `64, 32` for two stacked layers (each but the last returns sequences).",
        key="model-units",
    )
    bidirectional = st.checkbox(
        "Bidirectional", value=stored.bidirectional, key="model-bidirectional", disabled=cell == "dense"
    )
    normalization = st.checkbox(
        "Normalization layer (adapted on the training split's real steps, after Masking)",
        value=stored.normalization,
        key="model-normalization",
    )
with right:
    top = max(0.9, stored.dropout, stored.recurrent_dropout)  # a shared link may carry up to 0.99…
    dropout = st.slider("Dropout", 0.0, top, float(stored.dropout), 0.05, key="model-dropout")
    recurrent_dropout = st.slider(
        "Recurrent dropout", 0.0, top, float(stored.recurrent_dropout), 0.05, key="model-recurrent-dropout",
        disabled=cell == "dense",
    )  # fmt: skip
    head_text = st.text_input(
        "Dense head units (optional)", value=", ".join(str(u) for u in stored.head_units), key="model-head"
    )
    head_activation = st.selectbox(
        "Head activation", HEAD_ACTIVATIONS, index=HEAD_ACTIVATIONS.index(stored.head_activation),
        key="model-head-activation",
    )  # fmt: skip
activation, unroll, reset_after = stored.activation, stored.unroll, stored.reset_after
if not ui_state.presenting():
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
    config = ModelConfig(
        cell=cell,
        units=parse_units(units_text),
        bidirectional=bidirectional and cell != "dense",
        dropout=dropout,
        recurrent_dropout=recurrent_dropout if cell != "dense" else 0.0,
        head_units=parse_units(head_text, "head units"),
        head_activation=head_activation,
        normalization=normalization,
        activation=activation,
        unroll=unroll,
        reset_after=reset_after,
    )
except ValueError as err:
    st.error(str(err))
    st.stop()
ui_state.set(ui_state.MODEL_CONFIG, config)

try:
    task = ui_state.task_config()
    framed = ui_state.current_framed(task) if task is not None else None
except ValueError as err:
    st.error(str(err))
    st.stop()

for warning in models.cudnn_warnings(config, task):
    st.warning(f"GPU: {warning}")

if framed is None:
    st.info(
        "Pick a dataset (Data page) and a task (Task page) to see the model's summary and parameter counts."
    )
    st.stop()


@st.cache_data(max_entries=64, show_spinner=False)
def _tables(config_json: str, data_key: str, task_json: str, _framed) -> tuple[list, int, list]:
    """Summary rows, Keras's count and the formula check for a model (built once per config and data)."""
    model_config = ModelConfig.from_json(config_json)
    model = models.build_model(model_config, _framed)
    return (
        models.summary_rows(model),
        model.count_params(),
        models.formula_check(model, model_config, _framed),
    )


try:
    summary, n_params, rows = _tables(config.to_json(), ui_state.dataset_key(), task.to_json(), framed)
except ValueError as err:
    st.error(str(err))
    st.stop()

st.subheader("Summary")
st.caption(
    f"Input: {framed.n_steps} steps × {framed.n_features} feature{'s' if framed.n_features != 1 else ''} · task: {framed.config.kind} · "
    f"loss and metric follow the task (main metric: {framed.main_metric})."
)
if framed.mask and framed.model_pad_value is not None and config.recurrent:
    st.caption(f"Masking(mask_value={framed.model_pad_value:g}) skips the padded steps.")
st.dataframe(summary, hide_index=True, width="stretch")
st.metric("Parameters (Keras count_params)", f"{n_params:,}")

st.subheader("Parameters, by formula")
st.markdown(
    "A recurrent layer concatenates $x_t$ (width $d$) with $h_{t-1}$ (width $u$) and feeds them through one "
    "dense layer per gate: SimpleRNN $u(u+d+1)$, LSTM $4u(u+d+1)$, GRU $3u(u+d+2)$ (Keras's `reset_after=True`), "
    "doubled when bidirectional."
)
st.dataframe(rows, hide_index=True, width="stretch")
if all(r["agrees"] for r in rows):
    st.success("Every formula agrees with Keras's own count.")
else:
    st.error("A formula disagrees with Keras's count — please report this.")
