"""The reference nobody tuned: the plain Keras script a student writes from the course notes.

``Sequential``, ``compile``, ``fit(X, y, validation_data=..., batch_size, epochs)``, ``evaluate`` on the
test split — Keras's defaults everywhere (NumPy arrays, Keras's own shuffling, one batch per call, no
XLA on a CPU). It gets the data already framed and scaled (rnnlab's framing is timed on rnnlab's side
only), the same seed, layers, loss, optimizer, learning rate, batch size, epochs and early stopping.
The one departure from the defaults is ``verbose=0``: a progress bar costs the script time, and the
comparison should not profit from that.

As a student would write it for the course's ECG model::

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((140, 1)), layers.GRU(20, return_sequences=True),
                              layers.GRU(20), layers.Dense(5, activation="softmax")])
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.003),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(X_train, y_train, validation_data=(X_val, y_val), batch_size=64, epochs=10)
    model.evaluate(X_test, y_test)
"""

from __future__ import annotations

import math
import time

CELLS = {"simple_rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}


def layers_for(framed, model_config) -> list:
    """The model as a list of Keras layers, written out as in the course notes."""
    import keras
    from keras import layers

    from rnnlab.models import build

    kind = framed.config.kind
    out = [keras.Input((int(framed.n_steps), int(framed.n_features)))]
    if framed.mask and framed.model_pad_value is not None and model_config.cell != "dense":
        out.append(layers.Masking(mask_value=float(framed.model_pad_value)))
    if model_config.cell == "dense":
        out.append(layers.Flatten())
        out += [layers.Dense(u, activation=model_config.head_activation) for u in model_config.units]
    else:
        cls = getattr(layers, CELLS[model_config.cell])
        for i, units in enumerate(model_config.units, start=1):
            sequences = i < len(model_config.units) or kind == "tag"
            out.append(cls(units, return_sequences=sequences))
    y_shape = tuple(int(s) for s in framed.y_shape)
    if kind == "classify":
        out.append(layers.Dense(int(framed.n_classes), activation="softmax"))
    elif kind == "tag":
        out.append(layers.Dense(build.output_units(framed, model_config)))
    else:
        out.append(layers.Dense(int(math.prod(y_shape))))
        if len(y_shape) > 1:
            out.append(layers.Reshape(y_shape))
    return out


def run(framed, model_config, train_config) -> dict:
    """Train and evaluate as the plain script does; return its wall time, history, test metrics and model.

    The clock starts at ``set_random_seed`` (TensorFlow already imported, as in a worker).
    """
    import keras

    from rnnlab.models import build

    t0 = time.perf_counter()
    keras.utils.set_random_seed(train_config.seed)
    x, y, w = framed.scaled("train")
    xv, yv, wv = framed.scaled("val")
    xt, yt, wt = framed.scaled("test")
    model = keras.Sequential(layers_for(framed, model_config))
    loss, metrics = build.loss_and_metrics(framed)  # the tagging task's per-step loss is part of the model
    optimizer = {
        "rmsprop": keras.optimizers.RMSprop,
        "adam": keras.optimizers.Adam,
        "sgd": keras.optimizers.SGD,
    }
    model.compile(optimizer=optimizer[train_config.optimizer](learning_rate=train_config.learning_rate),
                  loss=loss, metrics=metrics)  # fmt: skip
    callbacks = []
    if train_config.patience is not None:
        callbacks.append(keras.callbacks.EarlyStopping(
            monitor="val_loss" if len(xv) else "loss", patience=train_config.patience, restore_best_weights=True
        ))  # fmt: skip
    validation = None if not len(xv) else ((xv, yv) if wv is None else (xv, yv, wv))
    history = model.fit(x, y, sample_weight=w, validation_data=validation, batch_size=train_config.batch_size,
                        epochs=train_config.epochs, callbacks=callbacks, verbose=0)  # fmt: skip
    test = model.evaluate(xt, yt, sample_weight=wt, verbose=0, return_dict=True) if len(xt) else {}
    seconds = time.perf_counter() - t0
    hist = {k: [float(v) for v in values] for k, values in history.history.items()}
    return {
        "seconds": seconds,
        "history": hist,
        "test": {k: float(v) for k, v in test.items()},
        "model": model,
    }


def test_metric(model, framed) -> float:
    """The plain model's main test metric in the target's units, as rnnlab reports it (not timed)."""
    from rnnlab.evaluation import judge, metrics

    predictions = judge.predict(model, framed, "test")
    values = metrics.task_metrics(framed, framed.split("test").y, predictions)
    return float(values[framed.main_metric])
