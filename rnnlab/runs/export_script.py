"""The standalone ``train_again.py`` written into a run's export zip.

It is the code a student would write in a notebook: read ``data.csv`` with pandas, cut windows or pad
sequences with NumPy, standardise on the training split, build the same Keras model layer by layer, fit
it on the same seeded batches and score the test split in the data's units. It needs the pinned numpy,
pandas and keras, and TensorFlow (Keras's backend) only for ``tf.data``, whose seeded shuffling decides
the order of the batches. The run's settings are pasted in as Python literals at the top; nothing is
imported from rnnlab.

One template serves every task kind (a forecast of one series or of a collection, of the level or of the
change; classify, regress, tag values or a class per step; class weights; padding and masking): each
branch mirrors the framing code it stands for (:mod:`rnnlab.task.windows`, :mod:`rnnlab.task.panel`,
:mod:`rnnlab.task.collection`, :mod:`rnnlab.task.types`, :mod:`rnnlab.task.weights`,
:func:`rnnlab.models.build.build_model`, :func:`rnnlab.training.fit.train`, :mod:`rnnlab.evaluation.metrics`).
The module is over 300 lines because the template is one script, read from top to bottom.
"""

from __future__ import annotations

import pprint
import textwrap
from typing import Any

RELATIVE_TOLERANCE = 1e-6  # the script's test metrics against the run's, on a CPU (classes: the same)
TOLERANCE = (
    "on a CPU with the pinned library versions this script trains on the run's samples, split, scaling, "
    "initial weights and batches, so its test metrics equal the run's within 1e-6 relative "
    "(class metrics exactly, unless a probability within rounding of a tie flips). Measured on tiny runs of "
    "every task kind: identical to the last digit, also with several batches per call; where rnnlab's fast "
    "path used XLA (chosen by a timing of the machine, not recorded in this export) within 5e-8 relative "
    "after 2 to 30 epochs. A GPU computes with other kernels and is not covered by this tolerance."
)

TEMPLATE = '''"""Train run {run_id} again from data.csv, as rnnlab trained it.

Written by rnnlab; needs only the pinned numpy, pandas, keras and TensorFlow (Keras's backend, used
here for the seeded batches of tf.data).

    python train_again.py [data.csv] [--epochs N] [--summary summary.json]

It rebuilds the run step by step: the same samples (windows cut inside each sequence, or padded
sequences), the same train / validation / test split (written in DATA or in data.csv, never drawn
again), the standardisation fitted on the training split, the same model and initial weights, the same
seeded batches; then it trains and scores the test split in the data's own units. --summary writes the
test metrics (and the parameters, weight shapes, history and scaling) as JSON.

{tolerance}
"""

import argparse
import json

import keras
import numpy as np
import pandas as pd
import tensorflow as tf
from keras import layers

TASK = {task}
MODEL = {model}
TRAIN = {train}
DATA = {data}

parser = argparse.ArgumentParser()
parser.add_argument("csv", nargs="?", default="data.csv")
parser.add_argument("--epochs", type=int, default=TRAIN["epochs"])
parser.add_argument("--summary", default=None, help="write the test metrics, parameters and history as JSON")
args = parser.parse_args()
KIND, COL = TASK["kind"], DATA["columns"]  # COL: data.csv's own columns (sequence, step, split, label, …)
features, targets, class_names = DATA["feature_names"], DATA["target_names"], DATA["class_names"]
step_classes = KIND == "tag" and class_names is not None  # a class per step
text = [COL["label"]] if KIND == "classify" else COL["targets"] if step_classes else []
df = pd.read_csv(args.csv, dtype={{c: str for c in text}}, keep_default_na=False, na_values=[""],
                 float_precision="round_trip")  # exactly the numbers written; only empty cells are missing
if text:
    df[text] = df[text].fillna("")

# ---- 1. the samples: X (n, T, F) in the data's units, y, and the split of each ----------------
if KIND == "forecast":  # windows of W steps inside each sequence; targets W-1+offset steps after the start
    W, offsets = TASK["window"], np.array(DATA["offsets"])
    ranges = DATA["split_first_target"]  # {{split: [first, last]}} of the windows' first target step
    sequences = df.groupby(COL["sequence"], sort=False) if DATA["collection"] else [(None, df)]
    blocks, history = [], []  # blocks: (X, y, split) of each sequence's windows
    for key, g in sequences:
        inputs, values = g[features].to_numpy("float64"), g[targets].to_numpy("float64")
        starts = np.arange(0, len(g) - W - offsets.max() + 1, TASK["stride"])
        if len(starts) == 0:
            continue
        Xi = np.stack([inputs[s : s + W] for s in starts])  # (n, W, F)
        yi = np.stack([values[s + W - 1 + offsets] for s in starts])  # (n, H, k)
        first = starts + W - 1 + offsets[0]
        ok = np.isfinite(Xi).all(axis=(1, 2)) & np.isfinite(yi).all(axis=(1, 2))  # no missing value
        split_i = np.full(len(Xi), "", dtype=object)  # "": dropped, its targets would fall in two splits
        for name, (lo, hi) in (ranges if key is None else ranges.get(key, {{}})).items():
            split_i[ok & (first >= lo) & (first <= hi)] = name
        blocks.append((Xi[ok], yi[ok], split_i[ok]))
        trained = first[split_i == "train"]
        if len(trained):  # MASE's scale: one-step changes of the training steps
            by_time = TASK["split_mode"] != "sequence"  # … up to the last training target
            history.append(values[: int(trained.max()) + offsets[-1] - offsets[0] + 1] if by_time else values)
    X, y, split = (np.concatenate(arrays) for arrays in zip(*blocks))
    real = np.ones(X.shape[:2], dtype=bool)
    if None not in DATA["target_in_inputs"]:
        last = X[:, -1, DATA["target_in_inputs"]]  # (n, k): each target's last value in the window
    diffs = [np.abs(np.diff(h, axis=0)) for h in history if len(h) > 1]
    mase_scale = np.nanmean(np.concatenate(diffs), axis=0) if diffs else np.full(len(targets), np.nan)
else:  # one sample per sequence, padded (or cut) to T steps
    groups = [g for _, g in df.groupby(COL["sequence"], sort=False)]
    split = np.array([g[COL["split"]].iloc[0] for g in groups], dtype=object)
    T, pad = DATA["n_steps"], TASK["padding"]

    def pad_one(a, fill):
        a = a[:T] if pad["truncating"] == "post" else a[-T:]
        block = np.full((T - len(a),) + a.shape[1:], fill)
        return np.concatenate([a, block]) if pad["side"] == "post" else np.concatenate([block, a])

    fill = DATA["pad_value"] if DATA["pad_value"] is not None else 0.0
    X = np.stack([pad_one(g[features].to_numpy("float64"), fill) for g in groups])  # (n, T, F)
    real = np.stack([pad_one(np.ones(len(g), bool), False) for g in groups])  # (n, T): True on real steps
    if KIND == "classify":
        codes = {{name: i for i, name in enumerate(class_names)}}
        y = np.array([codes[g[COL["label"]].iloc[0]] for g in groups])
    elif KIND == "regress":
        y = np.stack([g[COL["targets"]].iloc[0].to_numpy("float64") for g in groups])  # (n, k)
    elif step_classes:  # class ids per step, -1 on padded steps
        codes = {{name: i for i, name in enumerate(class_names)}}
        y = np.stack([pad_one(np.array([codes[v] for v in g[COL["targets"][0]]]), -1) for g in groups])
    else:  # values per step, missing on padded steps
        y = np.stack([pad_one(g[COL["targets"]].to_numpy("float64"), np.nan) for g in groups])  # (n, T, k)
    if KIND == "tag" and not step_classes:
        steps = y[split == "train"]
        mase_scale = np.nanmean(np.abs(np.diff(steps, axis=1)).reshape(-1, steps.shape[-1]), axis=0)
    else:
        mase_scale = np.full(len(targets), np.nan)
parts = {{name: split == name for name in ("train", "val", "test")}}
train = parts["train"]


# ---- 2. standardise on the training split's real steps, per column ----------------------------
def mean_and_std(values):
    """Per-column mean and std of the finite values (as rnnlab computes them); empty: 0, flat: std 1."""
    values = values.reshape(-1, values.shape[-1])
    mean, std = np.zeros(values.shape[1]), np.ones(values.shape[1])
    for j in range(values.shape[1]):
        col = values[:, j][np.isfinite(values[:, j])]
        if col.size:
            mean[j], sd = col.mean(), col.std()
            std[j] = sd if sd > 0 else 1.0
    return mean, std


classes = KIND == "classify" or step_classes
scaling = {{}}
Xs = X.astype("float32").astype("float64")  # the inputs are kept as float32, scaled from there
if TASK["scale"]:
    x_mean, x_std = mean_and_std(X[train][real[train]])  # over (real training steps, F)
    Xs = (Xs - x_mean) / x_std
    scaling.update(x_mean=x_mean.tolist(), x_std=x_std.tolist())
target = y.astype("float64") if not classes else None  # values: what the model learns, before scaling
if KIND == "forecast" and TASK["predict"] == "change":
    target = target - last[:, None, :]  # the change over the window's last value
y_mean, y_std = np.zeros(1), np.ones(1)
if TASK["scale"] and not classes:
    y_mean, y_std = mean_and_std(target[train])
    target = (target - y_mean) / y_std
    scaling.update(y_mean=y_mean.tolist(), y_std=y_std.tolist())
if DATA["model_pad_value"] is not None:
    Xs[~real] = DATA["model_pad_value"]  # padded steps: one value below every scaled real value
Xs = Xs.astype("float32")
y_shape = tuple(DATA["y_shape"])
if classes:
    y_model = np.maximum(y, 0).astype("int64")  # padded steps hold class 0 and weigh 0
else:
    y_model = np.nan_to_num(target, nan=0.0).reshape((len(target),) + y_shape).astype("float32")
weights = real.astype("float32") if KIND == "tag" else None  # per step: 1 real, 0 padded
train_weights = weights
if TRAIN["class_weight"] == "balanced" and classes:  # weight of class k: n / (K · n_k) on the training split
    counts = np.bincount(y[train][y[train] >= 0].astype("int64")).astype("float64")
    present = counts > 0
    per_class = np.zeros_like(counts)
    per_class[present] = counts.sum() / (present.sum() * counts[present])
    train_weights = per_class[np.clip(y_model, 0, len(counts) - 1)].astype("float32")
    if weights is not None:
        train_weights = train_weights * weights

# ---- 3. the model ------------------------------------------------------------------------------
keras.utils.set_random_seed(TRAIN["seed"])  # the same initial weights, dropout masks and batches
RNN = {{"simple_rnn": layers.SimpleRNN, "lstm": layers.LSTM, "gru": layers.GRU}}
recurrent = MODEL["cell"] in RNN
inputs = keras.Input(shape=(DATA["n_steps"], DATA["n_features"]), name="sequence")
x = inputs
if recurrent and DATA["mask"] and DATA["model_pad_value"] is not None:
    x = layers.Masking(mask_value=DATA["model_pad_value"], name="masking")(x)
if MODEL["normalization"]:
    norm = layers.Normalization(axis=-1, name="normalization")
    norm.adapt(Xs[train][real[train]])
    x = norm(x)
if recurrent:
    for i, units in enumerate(MODEL["units"], start=1):
        extra = {{"reset_after": MODEL["reset_after"]}} if MODEL["cell"] == "gru" else {{}}
        layer = RNN[MODEL["cell"]](
            units, activation=MODEL["activation"], dropout=MODEL["dropout"],
            recurrent_dropout=MODEL["recurrent_dropout"], unroll=MODEL["unroll"],
            return_sequences=i < len(MODEL["units"]) or KIND == "tag", name=f"{{MODEL['cell']}}_{{i}}",
            **extra,
        )
        if MODEL["bidirectional"]:
            layer = layers.Bidirectional(layer, name=f"bidirectional_{{i}}")
        x = layer(x)
else:  # the dense reference: the whole window flattened
    x = layers.Flatten(name="flatten")(x)
    for i, units in enumerate(MODEL["units"], start=1):
        x = layers.Dense(units, activation=MODEL["head_activation"], name=f"dense_{{i}}")(x)
        if MODEL["dropout"]:
            x = layers.Dropout(MODEL["dropout"], name=f"dropout_{{i}}")(x)
for i, units in enumerate(MODEL["head_units"], start=1):
    x = layers.Dense(units, activation=MODEL["head_activation"], name=f"head_{{i}}")(x)
    if MODEL["head_dropout"]:
        x = layers.Dropout(MODEL["head_dropout"], name=f"head_dropout_{{i}}")(x)
if KIND == "classify" or (step_classes and recurrent):  # class probabilities (per step when tagging)
    outputs = layers.Dense(len(class_names), activation="softmax", name="output")(x)
elif step_classes:  # a class per step from the flattened window
    outputs = layers.Dense(DATA["n_steps"] * len(class_names), name="output")(x)
    outputs = layers.Reshape((DATA["n_steps"], len(class_names)), name="reshape")(outputs)
    outputs = layers.Softmax(name="softmax")(outputs)
elif KIND == "tag" and recurrent:  # values per step (batch, T, k): no Reshape, which would drop the mask
    outputs = layers.Dense(int(np.prod(y_shape[1:])), name="output")(x)
else:
    outputs = layers.Dense(int(np.prod(y_shape)), name="output")(x)
    if tuple(outputs.shape[1:]) != y_shape:
        outputs = layers.Reshape(y_shape, name="reshape")(outputs)
model = keras.Model(inputs, outputs)
model.summary()


# ---- 4. train on the same seeded batches -----------------------------------------------------------
def per_step(error):
    """Tagging values: the error of each step, averaged over the targets; padded steps weigh 0."""

    def fn(y_true, y_pred):
        y_true = keras.ops.reshape(keras.ops.cast(y_true, y_pred.dtype), keras.ops.shape(y_pred))
        err = error(y_true - y_pred)
        return keras.ops.mean(err, axis=-1) if len(err.shape) > 2 else err

    return fn


class PerStepMSE(keras.losses.Loss):  # sum(weight · squared error) / sum(weight): the real steps' mean
    def __init__(self):
        super().__init__(name="mse", reduction="mean_with_sample_weight")

    def call(self, y_true, y_pred):
        return per_step(keras.ops.square)(y_true, y_pred)


if classes:
    loss, metrics = "sparse_categorical_crossentropy", ["accuracy"]
elif KIND == "tag":
    loss, metrics = PerStepMSE(), [keras.metrics.MeanMetricWrapper(per_step(keras.ops.abs), name="mae")]
else:
    loss, metrics = "mse", ["mae"]
optimizers = {{"rmsprop": keras.optimizers.RMSprop, "adam": keras.optimizers.Adam, "sgd": keras.optimizers.SGD}}
optimizer = optimizers[TRAIN["optimizer"]](learning_rate=TRAIN["learning_rate"])
model.compile(optimizer=optimizer, loss=loss, metrics=metrics)


def batches(name, w, shuffle):
    sel = parts[name]
    data = (Xs[sel], y_model[sel]) if w is None else (Xs[sel], y_model[sel], w[sel])
    data = tf.data.Dataset.from_tensor_slices(data)
    if shuffle:  # reshuffled every epoch, seeded: the run's batches in the run's order
        data = data.shuffle(int(sel.sum()), seed=TRAIN["seed"], reshuffle_each_iteration=True)
    return data.batch(TRAIN["batch_size"]).prefetch(tf.data.AUTOTUNE)


has_val = bool(parts["val"].any())
callbacks = [keras.callbacks.TerminateOnNaN()]
if TRAIN["patience"] is not None:
    callbacks.append(keras.callbacks.EarlyStopping(monitor="val_loss" if has_val else "loss",
                                                   patience=TRAIN["patience"], restore_best_weights=True))
validation = batches("val", weights, False) if has_val else None
history = model.fit(batches("train", train_weights, True), validation_data=validation, shuffle=False,
                    epochs=args.epochs, callbacks=callbacks, verbose=2)


# ---- 5. the test split in the data's units ---------------------------------------------------------
def scores(truth, pred):
    """accuracy, balanced accuracy and macro F1 of classes; MAE, RMSE, MASE and R² of values."""
    if classes:
        pred = pred.argmax(axis=-1)
        keep = truth >= 0  # tagging: padded steps do not count
        t, p = truth[keep].astype("int64"), pred[keep].astype("int64")
        k = int(max(t.max(initial=-1), p.max(initial=-1)) + 1)
        c = np.zeros((k, k), dtype="int64")
        np.add.at(c, (t, p), 1)
        support, tp = c.sum(axis=1), np.diag(c).astype("float64")
        f1_denominator = 2 * tp + (c.sum(axis=0) - tp) + (c.sum(axis=1) - tp)
        seen = f1_denominator > 0
        return {{"accuracy": float(np.mean(t == p)),
                "balanced_accuracy": float(np.mean(tp[support > 0] / support[support > 0])),
                "macro_f1": float(np.mean(2 * tp[seen] / f1_denominator[seen]))}}
    keep = np.isfinite(truth)
    err = pred - truth
    scale = mase_scale[0] if len(mase_scale) == 1 else mase_scale
    ok_scale = np.all(np.isfinite(mase_scale)) and np.all(mase_scale > 0)
    t2 = truth.reshape(len(truth), -1)
    mean = np.nanmean(t2, axis=0)
    ss_tot = np.sum(((t2 - mean) ** 2)[np.isfinite(t2)])
    ss_res = np.sum((err.reshape(t2.shape) ** 2)[np.isfinite(t2)])
    return {{"mae": float(np.mean(np.abs(err[keep]))), "rmse": float(np.sqrt(np.mean(err[keep] ** 2))),
            "mase": float(np.mean((np.abs(err) / scale)[keep])) if ok_scale else float("nan"),
            "r2": float(1.0 - ss_res / ss_tot) if ss_tot > 0 else float("nan")}}


test = {{}}
if parts["test"].any():
    sel = parts["test"]
    raw = np.asarray(model.predict(Xs[sel], batch_size=256, verbose=0))
    if classes:
        test = scores(y[sel], raw)
    else:
        pred = raw.reshape(target[sel].shape) * y_std + y_mean  # back to the data's units
        if KIND == "forecast" and TASK["predict"] == "change":
            pred = pred + last[sel][:, None, :]  # the window's last value added back
        test = scores(y[sel].astype("float64"), pred)
    print("test:", test)
if args.summary:
    with open(args.summary, "w") as f:
        json.dump({{
            "test": {{k: v if np.isfinite(v) else None for k, v in test.items()}},  # NaN: undefined
            "sizes": {{name: int(sel.sum()) for name, sel in parts.items()}},
            "params": int(model.count_params()),
            "weight_shapes": [list(w.shape) for w in model.weights],
            "history": {{k: [float(v) for v in vs] for k, vs in history.history.items()}},
            "scaling": scaling,
        }}, f)
'''


def tolerance_text(width: int = 100) -> str:
    """The tolerance, as ``train_again.py``'s docstring and README.txt state it (wrapped lines)."""
    return textwrap.fill("Tolerance: " + TOLERANCE, width=width)


def render(
    run_id: str,
    task: dict[str, Any] | None,
    model: dict[str, Any] | None,
    train: dict[str, Any] | None,
    data: dict[str, Any],
) -> str:
    """The script's text with the run's settings pasted in as Python literals.

    Args:
        run_id: Shown in the docstring.
        task, model, train: The configs as plain dicts (``Config.to_dict()``), as the run stored them.
        data: What the framing decided (:func:`rnnlab.runs.export_tables.data_info`): names, shapes, pad
            values, ``data.csv``'s own column names and, for a forecast, the split of its windows.
    """

    def lit(value: Any) -> str:
        return pprint.pformat(value, width=100, sort_dicts=False)

    return TEMPLATE.format(
        run_id=run_id, task=lit(task), model=lit(model), train=lit(train), data=lit(data),
        tolerance=tolerance_text(),
    )  # fmt: skip
