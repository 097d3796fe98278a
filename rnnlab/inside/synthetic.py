"""The built-in "remember the value from k steps ago" task, and a short race of the three cells on it.

Each sequence is random signs ``x_t ∈ {−1, +1}``; the label is whether the sign ``k`` steps before the
last one was +1. To answer, the network must carry one bit through ``k`` steps of inputs it has to
ignore. The race gives SimpleRNN, LSTM and GRU the same budget and stops a cell as soon as it has solved
the task (≥ 99 % validation accuracy). What it shows, measured on 2 CPU cores (k = 40, seeds 0–2,
``python -m bench.bench_race``): LSTM solved it every time, in 18–24 epochs, and GRU in two runs of
three (35 and 42 epochs), while SimpleRNN stayed at chance in two of three runs — its gradient at the
remembered step 100 to 10⁷ times smaller than at the last step, while the gated cells' was 2 to 10
times larger there than at the last step. The task generator is pure NumPy; :func:`race_cells`
imports Keras inside.
"""

from __future__ import annotations

import time
from typing import TypedDict

import numpy as np

from rnnlab.inside import gradients
from rnnlab.models.config import CELL_LAYERS

CELLS = ("simple_rnn", "lstm", "gru")
EAGER_MAX_BATCHES = 20
SOLVED_ACCURACY = 0.99  # a cell that reaches this validation accuracy stops: it has solved the task


class Budget(TypedDict):
    """What one race trains: the cells' width, epochs, samples, batch and learning rate."""

    units: int
    epochs: int
    n: int
    batch_size: int
    learning_rate: float


BUDGET: Budget = {"units": 16, "epochs": 60, "n": 2048, "batch_size": 64, "learning_rate": 0.01}


def make_task(
    k: int, n: int = 512, length: int | None = None, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Random-sign sequences labelled with the sign k steps before the end.

    Args:
        k: how far back the answer lies (0 = the last step).
        n: number of sequences. length: steps per sequence (default ``k + 5``).
        seed: random seed.

    Returns:
        ``X`` (n, length, 1) float32 of −1/+1 and ``y`` (n,) int64 with
        ``y[i] == (X[i, length - 1 - k, 0] > 0)``.

    Example:
        >>> X, y = make_task(2, n=4, seed=1)
        >>> X.shape, bool((y == (X[:, -3, 0] > 0)).all())
        ((4, 7, 1), True)
    """
    length = k + 5 if length is None else length
    if k < 0:
        raise ValueError(f"`k` must be ≥ 0. Received: k={k}")
    if length <= k:
        raise ValueError(f"`length` must be greater than k={k}. Received: length={length}")
    if n < 2:
        raise ValueError(f"`n` must be ≥ 2. Received: n={n}")
    rng = np.random.default_rng(seed)
    X = (2 * rng.integers(0, 2, size=(n, length, 1)) - 1).astype(np.float32)
    y = (X[:, length - 1 - k, 0] > 0).astype(np.int64)
    return X, y


def build_cell_model(
    cell: str, units: int, length: int, seed: int = 0, run_eagerly: bool = False, learning_rate: float = 0.01
):
    """Input → one recurrent layer → Dense(1, sigmoid), compiled with Adam and binary cross-entropy."""
    import keras  # lazy: the Data and Task pages must not load TensorFlow

    if cell not in CELLS:
        raise ValueError(f"`cell` must be one of {CELLS}. Received: cell={cell!r}")
    keras.utils.set_random_seed(seed)
    layer = getattr(keras.layers, CELL_LAYERS[cell])(units)
    model = keras.Sequential(
        [keras.Input((length, 1)), layer, keras.layers.Dense(1, activation="sigmoid")], name=f"{cell}_k_steps"
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="binary_crossentropy",
        metrics=["accuracy"],
        run_eagerly=run_eagerly,
    )
    return model


def _epoch_callback(on_epoch, until_solved: bool):
    """A Keras callback that reports each epoch and (when asked) stops the fit once the task is solved."""
    import keras  # lazy: the Data and Task pages must not load TensorFlow

    class Solved(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            on_epoch(epoch + 1)
            if until_solved and (logs or {}).get("val_accuracy", 0.0) >= SOLVED_ACCURACY:
                self.model.stop_training = True

    return Solved()


def race_cells(
    k: int,
    *,
    cells: tuple[str, ...] = CELLS,
    units: int = BUDGET["units"],
    epochs: int = BUDGET["epochs"],
    n: int = BUDGET["n"],
    batch_size: int = BUDGET["batch_size"],
    learning_rate: float = BUDGET["learning_rate"],
    length: int | None = None,
    seed: int = 0,
    until_solved: bool = True,
    on_progress=None,
) -> list[dict]:
    """Train each cell on the k-steps task with the same budget; return accuracies and gradient curves.

    Args:
        k: steps back. cells: which cells to train. units, epochs (at most), n, batch_size,
            learning_rate, length, seed: the budget (the same for every cell).
        until_solved: stop a cell as soon as its validation accuracy reaches :data:`SOLVED_ACCURACY`.
        on_progress: optional ``f(done: int, total: int, label: str)``: cells done, cells, and
            ``"<Keras layer name>, epoch <e>"`` with the epoch in progress (1-based).

    Returns:
        One dict per cell: ``{"cell", "accuracy" (validation, last epoch), "train_accuracy", "history",
        "solved_epoch" (int or None), "seconds", "steps_before_end" (T,), "gradient" (T,) mean gradient
        norm on validation sequences}``.
    """
    X, y = make_task(k, n=n, length=length, seed=seed)
    n_val = max(1, n // 4)
    X_train, y_train, X_val, y_val = X[n_val:], y[n_val:], X[:n_val], y[:n_val]
    results = []
    for index, cell in enumerate(cells):

        def report(done: int, cell=cell, index=index) -> None:
            if on_progress is not None:  # the epoch in progress, 1-based, as Keras's own log names it
                on_progress(index, len(cells), f"{CELL_LAYERS[cell]}, epoch {min(done + 1, epochs)}")

        report(0)
        start = time.perf_counter()
        # a handful of batches: tracing the graph would cost more than running them eagerly
        eager = epochs * -(-len(X_train) // batch_size) <= EAGER_MAX_BATCHES
        model = build_cell_model(
            cell, units, X.shape[1], seed, run_eagerly=eager, learning_rate=learning_rate
        )
        fit = model.fit(
            X_train,
            y_train,
            validation_data=(X_val, y_val),
            epochs=epochs,
            batch_size=batch_size,
            verbose=0,
            callbacks=[_epoch_callback(report, until_solved)],
        )
        curve = gradients.gradient_through_time(model, X_val[:64])
        history = {key: [float(v) for v in values] for key, values in fit.history.items()}
        solved = [e + 1 for e, acc in enumerate(history["val_accuracy"]) if acc >= SOLVED_ACCURACY]
        results.append(
            {
                "cell": cell,
                "accuracy": history["val_accuracy"][-1],
                "train_accuracy": history["accuracy"][-1],
                "history": history,
                "solved_epoch": solved[0] if solved else None,
                "seconds": time.perf_counter() - start,
                "steps_before_end": curve["steps_before_end"],
                "gradient": curve["mean"],
            }
        )
    if on_progress is not None:
        on_progress(len(cells), len(cells), "")
    return results


def race_job(k: int, *, epochs: int = BUDGET["epochs"], on_progress=None, **budget) -> dict:
    """:func:`race_cells` as a lab job (:data:`rnnlab.jobs.worker.CALLS` ``"k_steps_race"``): a plain dict back.

    Returns:
        ``{"k", "epochs", "results"}`` with ``results`` as :func:`race_cells` returns them (floats, lists
        and NumPy arrays only, so it pickles back to the server without Keras).
    """
    results = race_cells(k, epochs=epochs, on_progress=on_progress, **budget)
    return {"k": k, "epochs": epochs, "results": results}
