"""Inside the RNN: weights, a NumPy step-through, hidden states, gradient through time, the k-steps task,
the padding lab and the failure detectors."""

import streamlit as st

from rnnlab.core.words import plural
from rnnlab.inside import cell_steps, gradients, numpy_rnn, padding_lab, synthetic, weights
from rnnlab.inside import page_data as inside_data
from rnnlab.plots import inside as plots_inside
from rnnlab.plots import padding_lab as plots_padding
from rnnlab.ui import actions, caches, current, resources, session, widgets, workspace_state

POLL_SECONDS = 1.0

EQUATIONS = {
    "simple_rnn": r"h_t = \tanh(x_t W + h_{t-1} U + b)",
    "lstm": r"\begin{aligned} i,f,o &= \sigma(x_t W_{i,f,o} + h_{t-1} U_{i,f,o} + b_{i,f,o}),\quad "
    r"\tilde c = \tanh(x_t W_c + h_{t-1} U_c + b_c) \\ c_t &= f \odot c_{t-1} + i \odot \tilde c,\quad "
    r"h_t = o \odot \tanh(c_t) \end{aligned}",
    "gru": r"\begin{aligned} z,r &= \sigma(x_t W_{z,r} + b_{z,r} + h_{t-1} U_{z,r} + b'_{z,r}),\quad "
    r"\tilde h = \tanh(x_t W_h + b_h + r \odot (h_{t-1} U_h + b'_h)) \\ h_t &= z \odot h_{t-1} + (1 - z) "
    r"\odot \tilde h \end{aligned}",
    "gru_reset_before": r"\begin{aligned} z,r &= \sigma(x_t W_{z,r} + h_{t-1} U_{z,r} + b_{z,r}),\quad "
    r"\tilde h = \tanh(x_t W_h + (r \odot h_{t-1}) U_h + b_h) \\ h_t &= z \odot h_{t-1} + (1 - z) "
    r"\odot \tilde h \end{aligned}",
}


def _submit(slot: str, kwargs: dict) -> None:
    """Queue the lab job whose result goes to ``slot`` in the worker pool, for the workspace (training never
    runs in this server process; any tab of the workspace finds the job again)."""
    try:
        resources.job_manager().submit_call(
            session.LAB_CALLS[slot], kwargs, resources.session_id(), ws, resources.client_address()
        )
    except ValueError as err:
        widgets.error(err)


def _job_panel(slot: str, was_active: bool) -> None:
    """The lab job's queue position or progress while it runs; its result is kept once it finished."""
    status = workspace_state.lab_status(ws, session.LAB_CALLS[slot])
    if status is None:
        return
    if status.active:
        widgets.job_progress(status, key=session.LAB_CALLS[slot])
        return
    if status.state == "finished" and status.lab_result is not None:
        session.set_lab_result(slot, status.lab_result)
    elif status.state != "finished":
        (st.error if status.state == "failed" else st.warning)(status.message or f"The job {status.state}.")
    if was_active:
        st.rerun()  # the job has ended: stop polling, show the result below


def _poll(slot: str) -> bool:
    """Show the lab job's panel (a fragment polling every second while it runs); return whether it runs."""
    status = workspace_state.lab_status(ws, session.LAB_CALLS[slot])
    active = status is not None and status.active
    st.fragment(_job_panel, run_every=POLL_SECONDS if active else None)(slot, active)
    return active


session.init()
st.title("Inside the RNN")
st.caption(
    "A recurrent layer concatenates the input x_t with its previous state h_{t-1} and feeds them through a "
    "dense layer per gate to get h_t. Here that is recomputed in NumPy from your trained weights."
)

ws = actions.workspace()
models = workspace_state.model_choices(ws)  # this workspace's models and class-board ones, nobody else's
model = framed = trace = X = None
layers: list = []
if not models:
    st.info(
        "No trained model yet: train one on the Train page. The k-steps task and the padding lab below work without one."
    )
else:
    # only a session that submitted jobs asks the manager (asking would otherwise start the worker pool)
    manager = resources.job_manager() if session.job_ids() else None
    latest = inside_data.latest_finished_run(manager, session.job_ids())
    choice = st.selectbox(
        "Trained model",
        range(len(models)),
        index=inside_data.default_model_index(models, latest),
        format_func=lambda i: models[i]["label"],
        key="inside_model",
    )
    entry = models[choice]
    try:
        with st.spinner("Loading the model — the first visit also loads TensorFlow here, a few seconds…"):
            model = caches.saved_model(str(entry["path"]), entry["mtime"])
    except (ValueError, OSError) as err:
        widgets.error(f"Could not load {entry['path'].name}: {err}")
    if model is not None:
        layers = numpy_rnn.recurrent_layers(model)
        if not layers:
            st.info("This model has no recurrent layer (a dense reference model): nothing to look inside.")
if layers:
    try:
        framed = current.current_framed()
    except ValueError:
        framed = None
    X, source = inside_data.example_inputs(model, framed)
    c1, c2 = st.columns(2)
    layer_index = c1.selectbox(
        "Recurrent layer", range(len(layers)), format_func=lambda i: layers[i].name, key="inside_layer"
    )
    sample = c2.number_input("Sequence", 0, len(X) - 1, 0, key="inside_sample")
    st.caption(f"Inputs: {source}.")
    trace = numpy_rnn.trace_model(model, X, layer_index)
    gap = numpy_rnn.keras_difference(model, X, trace, layer_index)
    st.caption(f"NumPy recomputation vs Keras's own output: largest difference {gap:.1e}.")

tabs = st.tabs(
    [
        "Weights",
        "Step-through",
        "Hidden state",
        "Gradient through time",
        "k-steps task",
        "Padding lab",
        "Detectors",
    ]
)

with tabs[0]:
    if not layers:
        st.info("Pick a trained recurrent model above.")
    else:
        info = weights.layer_weights(layers[layer_index])
        st.markdown(f"**{info['cell_title']}**, {info['units']} units, input width d = {info['input_width']}")
        st.markdown(f"Parameters: `{info['formula']}` (Keras counts {info['params']})")
        st.dataframe(inside_data.weight_rows(info), hide_index=True)
        direction = 0
        if info["bidirectional"]:
            direction = st.radio(
                "Direction",
                [0, 1],
                format_func=lambda d: ["forward", "backward"][d],
                horizontal=True,
                key="inside_direction",
            )
        widgets.chart(plots_inside.weight_heatmaps(info, direction))

with tabs[1]:
    if trace is None:
        st.info("Pick a trained recurrent model above.")
    else:
        st.latex(EQUATIONS[inside_data.equation_key(trace)])
        t = st.slider("Step t", 0, inside_data.n_steps(trace) - 1, 0, key="inside_step")
        details = cell_steps.step_details(trace, t, sample)
        widgets.chart(plots_inside.step_detail_bars(details))
        if trace.backward is not None:
            st.caption(
                "Bidirectional layer: the forward direction is shown; the backward one reads the sequence reversed."
            )

with tabs[2]:
    if trace is None or X is None:  # both are set together
        st.info("Pick a trained recurrent model above.")
    else:
        names = inside_data.feature_labels(framed, X)
        widgets.chart(
            plots_inside.hidden_state_heatmap(trace, sample, names, st.session_state.get("inside_step"))
        )
        if trace.cell != "simple_rnn":
            widgets.chart(plots_inside.gates_heatmaps(trace, sample, names))

with tabs[3]:
    if trace is None or X is None:
        st.info("Pick a trained recurrent model above.")
    else:
        curve = gradients.gradient_through_time(model, X)
        widgets.chart(
            plots_inside.gradient_curves(
                {
                    f"sequence {sample}": curve["per_sample"][sample],
                    f"mean of {plural(len(X), 'sequence')}": curve["mean"],
                },
                title="How strongly each earlier step moves the prediction",
            )
        )
        st.caption(
            "A curve that falls steeply to the right means early steps barely reach the output: the vanishing gradient."
        )

with tabs[4]:
    st.markdown(
        "Random signs (−1 or +1); the label is the sign **k steps before the end** (chance = 50 %). SimpleRNN, "
        "LSTM and GRU get the same budget, and each stops once it has solved the task. The gradient chart "
        "shows how strongly each earlier step still moves the trained model's prediction; the dotted line "
        "marks the step it has to remember. A cell that learned the task has a peak at that line; "
        "a SimpleRNN at k = 40 usually stays at chance, its gradient dying out long before the line: the "
        "vanishing gradient. Near the edge it is partly luck: in our runs SimpleRNN solved k = 40 in one "
        "of three seeds and k = 60 in neither of two; GRU solved k = 60 both times, while LSTM ran out of "
        "epochs there (more under Advanced)."
    )
    k = st.slider("k (steps back)", 1, 80, 40, key="inside_k")
    epochs, box = synthetic.BUDGET["epochs"], widgets.advanced()  # hidden in presentation mode
    if box is not None:
        with box:
            epochs = st.slider("Epochs at most", 1, 100, epochs, key="inside_race_epochs")
    running = workspace_state.lab_status(ws, session.LAB_CALLS[session.INSIDE_RACE])
    busy = running is not None and running.active
    blocked = widgets.training_problem()  # the cluster cannot be reached or went away
    if st.button("Train SimpleRNN, LSTM and GRU", key="inside_race", disabled=busy or blocked):
        _submit(session.INSIDE_RACE, {"k": k, "epochs": epochs})
    _poll(session.INSIDE_RACE)
    race = session.lab_result(session.INSIDE_RACE)
    if race:
        widgets.chart(plots_inside.race_accuracy(race["results"], race["k"]))
        widgets.chart(plots_inside.race_learning_curves(race["results"], race["k"]))
        curves = {r["cell"]: r["gradient"] for r in race["results"]}
        widgets.chart(
            plots_inside.gradient_curves(
                curves, title=f"Gradient through time, k = {race['k']}", mark=race["k"]
            )
        )

with tabs[5]:
    options = ["built-in ragged demo", "current dataset"]
    source_choice = st.radio("Data", options, horizontal=True, key="inside_lab_source")
    running = workspace_state.lab_status(ws, session.LAB_CALLS[session.INSIDE_LAB])
    busy = running is not None and running.active
    blocked = widgets.training_problem()
    if st.button("Run the padding lab", key="inside_lab_run", disabled=busy or blocked):
        try:
            dataset = None if source_choice == options[0] else current.current_dataset()
            if source_choice != options[0]:
                if dataset is None:
                    raise ValueError("Choose a dataset on the Data page first, or use the built-in demo.")
                padding_lab.check_dataset(dataset)
            _submit(session.INSIDE_LAB, {"dataset": dataset})
        except ValueError as err:
            widgets.error(err)
    _poll(session.INSIDE_LAB)
    result = session.lab_result(session.INSIDE_LAB)
    if result:
        lab = result["lab"]
        st.caption(
            f"Data: {result['source']}. Safe pad value {lab['safe_value']:.3g}; colliding pad value "
            f"{lab['collide_value']:.3g} (equal to {lab['collide_share']:.0%} of real steps)."
        )
        for v in lab["variants"]:
            st.markdown(f"- **{v['key']}** — {lab['metric']} {v['val_metric']:.3g}: {v['explanation']}")
        widgets.chart(plots_padding.padding_metrics(lab))
        widgets.chart(plots_padding.padding_predictions(lab))
        widgets.chart(plots_padding.padding_states(lab))

with tabs[6]:
    if not models:
        st.info("The detectors check a trained run: train a model first.")
    else:
        store = resources.run_store()
        run = entry["run"]  # read through the workspace: its own run or one shared to the class board
        history, predictions = store.history(entry["run_id"]), store.predictions(entry["run_id"])
        findings = inside_data.run_findings(run, history, predictions, framed)
        if not findings:
            st.success(
                "No problems found: no flat line, no divergence, no overfitting, scaling and padding look fine."
            )
        for finding in findings:
            st.warning(f"**{finding['name'].replace('_', ' ')}** — {widgets.plain(finding['message'])}")
            st.caption(f"Hint: {widgets.plain(finding['hint'])}")
