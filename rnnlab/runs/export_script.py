"""The standalone ``train_again.py`` written into a run's export zip.

It is the code a student would write in a notebook: read ``data.csv`` with pandas,
cut windows or pad sequences with NumPy, standardise on the training split, build the
same Keras model layer by layer, and fit it. Only numpy, pandas and keras are used.
The run's settings are pasted in as Python literals at the top.
"""

from __future__ import annotations

import pprint
from typing import Any

from rnnlab.core.metric_registry import main_metric

TEMPLATE = '''"""Train run {run_id} again from data.csv — written by rnnlab, needs only numpy, pandas and keras.

    python train_again.py [data.csv] [--epochs N] [--summary summary.json]

Rebuilds the same framing (windows or padded sequences, the same train/validation/test split,
standardisation fitted on the training split) and the same model, then trains it.
"""

import argparse
import json
import warnings

import keras
import numpy as np
import pandas as pd
from keras import layers

TASK = {task}
MODEL = {model}
TRAIN = {train}
DATA = {data}

parser = argparse.ArgumentParser()
parser.add_argument("csv", nargs="?", default="data.csv")
parser.add_argument("--epochs", type=int, default=TRAIN["epochs"])
parser.add_argument("--summary", default=None, help="write parameter count, weight shapes and history as JSON")
args = parser.parse_args()
keras.utils.set_random_seed(TRAIN["seed"])
df = pd.read_csv(args.csv, dtype={{"label": str}} if TASK["kind"] == "classify" else None)
features, targets = DATA["feature_names"], DATA["target_names"]

# ---- 1. frame the task: X (n, T, F) and y --------------------------------------------------
if TASK["kind"] == "forecast":
    series = df[features].to_numpy("float64")
    target = df[targets].to_numpy("float64")
    W, offsets = TASK["window"], np.array(DATA["offsets"])
    starts = np.arange(0, len(series) - W - offsets.max() + 1, TASK["stride"])
    X = np.stack([series[s : s + W] for s in starts])  # (n, W, F)
    y = np.stack([target[s + W - 1 + offsets] for s in starts])  # (n, H, k)
    first_target = starts + W - 1 + offsets[0]
    ok = np.isfinite(X).all(axis=(1, 2)) & np.isfinite(y).all(axis=(1, 2))
    split = np.full(len(X), "", dtype=object)
    for name, (lo, hi) in DATA["split_first_target"].items():
        split[ok & (first_target >= lo) & (first_target <= hi)] = name
    real = np.ones(X.shape[:2], dtype=bool)
else:
    groups = [g for _, g in df.groupby("sequence", sort=False)]
    seqs = [g[features].to_numpy("float64") for g in groups]
    split = np.array([g["split"].iloc[0] for g in groups], dtype=object)
    pad = TASK["padding"]
    T = DATA["n_steps"]
    pad_value = DATA["pad_value"] if DATA["pad_value"] is not None else 0.0

    def pad_one(a, fill):
        a = a[:T] if pad["truncating"] == "post" else a[-T:]
        block = np.full((T - len(a),) + a.shape[1:], fill)
        return np.concatenate([a, block]) if pad["side"] == "post" else np.concatenate([block, a])

    X = np.stack([pad_one(s, pad_value) for s in seqs])  # (n, T, F)
    real = np.stack([pad_one(np.ones(len(s), bool), False) for s in seqs])  # (n, T) True on real steps
    if TASK["kind"] == "classify":
        codes = {{name: i for i, name in enumerate(DATA["class_names"])}}
        y = np.array([codes[str(g["label"].iloc[0])] for g in groups])
    elif TASK["kind"] == "regress":
        y = np.stack([g[targets].iloc[0].to_numpy("float64") for g in groups])
    else:  # tag: one target per step
        y = np.stack([pad_one(g[targets].to_numpy("float64"), 0.0) for g in groups])

parts = {{name: split == name for name in ("train", "val", "test")}}

# ---- 2. standardise on the training split's real steps, per column --------------------------
def mean_and_std(columns):
    """Per-column mean and standard deviation of the finite values; an empty column gets 0, a flat one std 1."""
    columns = np.where(np.isfinite(columns), columns, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-missing column: handled just below
        mean, std = np.nanmean(columns, axis=0), np.nanstd(columns, axis=0)
    return np.nan_to_num(mean), np.where(std > 0, std, 1.0)


Xs = X.copy()
scaling = {{}}
if TASK["scale"]:
    x_mean, x_std = mean_and_std(X[parts["train"]][real[parts["train"]]])  # over (n_real_steps, F)
    Xs = (X - x_mean) / x_std
    scaling.update(x_mean=x_mean.tolist(), x_std=x_std.tolist())
    if TASK["kind"] != "classify":
        y_train = y[parts["train"]]  # (n, k), (n, H, k) or (n, T, k): one column per target
        if TASK["kind"] == "tag":
            y_train = y_train[real[parts["train"]]]  # padded steps are not counted
        y_mean, y_std = mean_and_std(y_train.reshape(-1, y_train.shape[-1]))
        y = (y - y_mean) / y_std
        scaling.update(y_mean=y_mean.tolist(), y_std=y_std.tolist())
y_shape = tuple(DATA["y_shape"])
if TASK["kind"] != "classify":
    y = y.reshape((len(y),) + y_shape)  # the model's output shape
if DATA["model_pad_value"] is not None:
    Xs[~real] = DATA["model_pad_value"]
Xs = Xs.astype("float32")
weights = real.astype("float32") if TASK["kind"] == "tag" else None

# ---- 3. the model ----------------------------------------------------------------------------
RNN = {{"simple_rnn": layers.SimpleRNN, "lstm": layers.LSTM, "gru": layers.GRU}}
inputs = keras.Input(shape=(DATA["n_steps"], DATA["n_features"]), name="sequence")
x = inputs
recurrent = MODEL["cell"] in RNN
if recurrent and DATA["mask"] and DATA["model_pad_value"] is not None:
    x = layers.Masking(mask_value=DATA["model_pad_value"], name="masking")(x)
if MODEL["normalization"]:
    norm = layers.Normalization(axis=-1, name="normalization")
    norm.adapt(Xs[parts["train"]][real[parts["train"]]])
    x = norm(x)
if recurrent:
    for i, units in enumerate(MODEL["units"], start=1):
        last = i == len(MODEL["units"])
        extra = {{"reset_after": MODEL["reset_after"]}} if MODEL["cell"] == "gru" else {{}}
        layer = RNN[MODEL["cell"]](
            units, activation=MODEL["activation"], dropout=MODEL["dropout"],
            recurrent_dropout=MODEL["recurrent_dropout"], unroll=MODEL["unroll"],
            return_sequences=not last or TASK["kind"] == "tag", name=f"{{MODEL['cell']}}_{{i}}", **extra,
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
    if MODEL.get("head_dropout"):
        x = layers.Dropout(MODEL["head_dropout"], name=f"head_dropout_{{i}}")(x)
if TASK["kind"] == "classify":
    outputs = layers.Dense(len(DATA["class_names"]), activation="softmax", name="output")(x)
else:
    n_out = int(np.prod(y_shape[1:])) if TASK["kind"] == "tag" and recurrent else int(np.prod(y_shape))
    outputs = layers.Dense(n_out, name="output")(x)
    if tuple(outputs.shape[1:]) != y_shape:
        outputs = layers.Reshape(y_shape, name="reshape")(outputs)
model = keras.Model(inputs, outputs)
model.summary()


def per_step_mse(y_true, y_pred):  # tagging: one squared error per step, padded steps weigh 0
    err = keras.ops.square(y_true - y_pred)
    return keras.ops.mean(err, axis=-1) if len(err.shape) > 2 else err


# ---- 4. train --------------------------------------------------------------------------------
optimizer = {{"rmsprop": keras.optimizers.RMSprop, "adam": keras.optimizers.Adam, "sgd": keras.optimizers.SGD}}
loss = {{"classify": "sparse_categorical_crossentropy", "tag": per_step_mse}}.get(TASK["kind"], "mse")
metric = {metric!r}  # the task's main metric
model.compile(optimizer=optimizer[TRAIN["optimizer"]](learning_rate=TRAIN["learning_rate"]), loss=loss, metrics=[metric])


def data(name):
    sel = parts[name]
    return Xs[sel], y[sel], None if weights is None else weights[sel]


callbacks = []
if TRAIN["patience"] is not None:
    callbacks.append(keras.callbacks.EarlyStopping(patience=TRAIN["patience"], restore_best_weights=True))
X_train, y_train, w_train = data("train")
history = model.fit(
    X_train, y_train, sample_weight=w_train, validation_data=data("val") if parts["val"].any() else None,
    epochs=args.epochs, batch_size=TRAIN["batch_size"], callbacks=callbacks, verbose=2,
)
if parts["test"].any():
    X_test, y_test, w_test = data("test")
    print("test:", dict(zip(model.metrics_names, np.atleast_1d(model.evaluate(X_test, y_test, sample_weight=w_test, verbose=0)))))
if args.summary:
    with open(args.summary, "w") as f:
        json.dump({{
            "params": int(model.count_params()),
            "weight_shapes": [list(w.shape) for w in model.weights],
            "history": {{k: [float(v) for v in vs] for k, vs in history.history.items()}},
            "scaling": scaling,
        }}, f)
'''


def render(
    run_id: str, task: dict[str, Any], model: dict[str, Any], train: dict[str, Any], data: dict[str, Any]
) -> str:
    """The script's text with the run's settings pasted in as Python literals.

    Args:
        run_id: Shown in the docstring.
        task, model, train: The configs as plain dicts (``Config.to_dict()``).
        data: What the framing decided: ``feature_names``, ``target_names``, ``class_names``, ``n_steps``,
            ``n_features``, ``y_shape``, ``offsets``, ``pad_value``, ``model_pad_value``, ``mask`` and for a
            forecast ``split_first_target`` (``{split: [first, last]}``).
    """

    def lit(value: Any) -> str:
        return pprint.pformat(value, width=100, sort_dicts=False)

    return TEMPLATE.format(
        run_id=run_id, task=lit(task), model=lit(model), train=lit(train), data=lit(data),
        metric=main_metric(task.get("kind")),
    )  # fmt: skip
