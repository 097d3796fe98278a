"""The built-in "remember the value from k steps ago" task, and a short race of the three cells on it.

Each sequence is random bits ``x_t ∈ {0, 1}``; the label is the bit ``k`` steps before the last one. To
answer, the network must carry one bit through ``k`` steps of noise — easy for LSTM and GRU, hard for
SimpleRNN once ``k`` grows, because its gradient through time vanishes. The task generator is pure NumPy;
:func:`race_cells` imports Keras inside.
"""

from __future__ import annotations

import time

import numpy as np

from rnnlab import gradients

CELLS = ("simple_rnn", "lstm", "gru")
EAGER_MAX_BATCHES = 20
CELL_LAYERS = {"simple_rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}


def make_task(
    k: int, n: int = 512, length: int | None = None, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Random-bit sequences labelled with the bit k steps before the end.

    Args:
        k: how far back the answer lies (0 = the last step).
        n: number of sequences. length: steps per sequence (default ``k + 5``).
        seed: random seed.

    Returns:
        ``X`` (n, length, 1) float32 of 0/1 and ``y`` (n,) int64 with ``y[i] == X[i, length - 1 - k, 0]``.

    Example:
        >>> X, y = make_task(2, n=4, seed=1)
        >>> X.shape, bool((y == X[:, -3, 0]).all())
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
    X = rng.integers(0, 2, size=(n, length, 1)).astype(np.float32)
    y = X[:, length - 1 - k, 0].astype(np.int64)
    return X, y


def build_cell_model(cell: str, units: int, length: int, seed: int = 0, run_eagerly: bool = False):
    """Input → one recurrent layer → Dense(1, sigmoid), compiled with Adam and binary cross-entropy."""
    import keras

    if cell not in CELLS:
        raise ValueError(f"`cell` must be one of {CELLS}. Received: cell={cell!r}")
    keras.utils.set_random_seed(seed)
    layer = getattr(keras.layers, CELL_LAYERS[cell])(units)
    model = keras.Sequential(
        [keras.Input((length, 1)), layer, keras.layers.Dense(1, activation="sigmoid")], name=f"{cell}_k_steps"
    )
    model.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss="binary_crossentropy",
        metrics=["accuracy"],
        run_eagerly=run_eagerly,
    )
    return model


def race_cells(
    k: int,
    *,
    cells: tuple[str, ...] = CELLS,
    units: int = 8,
    epochs: int = 5,
    n: int = 512,
    length: int | None = None,
    seed: int = 0,
    on_progress=None,
) -> list[dict]:
    """Train each cell briefly on the k-steps task; return accuracies and gradient-through-time curves.

    Args:
        k: steps back. cells: which cells to train. units, epochs, n, length, seed: the budget (the same
            for every cell). on_progress: optional ``f(done: int, total: int, cell: str)``.

    Returns:
        One dict per cell: ``{"cell", "accuracy" (validation), "train_accuracy", "history", "seconds",
        "steps_before_end" (T,), "gradient" (T,) mean gradient norm on validation sequences}``.
    """
    X, y = make_task(k, n=n, length=length, seed=seed)
    n_val = max(1, n // 4)
    X_train, y_train, X_val, y_val = X[n_val:], y[n_val:], X[:n_val], y[:n_val]
    results = []
    for done, cell in enumerate(cells):
        if on_progress is not None:
            on_progress(done, len(cells), cell)
        start = time.perf_counter()
        # a handful of batches: tracing the graph would cost more than running them eagerly
        eager = epochs * -(-len(X_train) // 32) <= EAGER_MAX_BATCHES
        model = build_cell_model(cell, units, X.shape[1], seed, run_eagerly=eager)
        fit = model.fit(
            X_train, y_train, validation_data=(X_val, y_val), epochs=epochs, batch_size=32, verbose=0
        )
        curve = gradients.gradient_through_time(model, X_val[:64])
        history = {key: [float(v) for v in values] for key, values in fit.history.items()}
        results.append(
            {
                "cell": cell,
                "accuracy": history["val_accuracy"][-1],
                "train_accuracy": history["accuracy"][-1],
                "history": history,
                "seconds": time.perf_counter() - start,
                "steps_before_end": curve["steps_before_end"],
                "gradient": curve["mean"],
            }
        )
    if on_progress is not None:
        on_progress(len(cells), len(cells), "")
    return results


def race_job(k: int, *, epochs: int = 5, on_progress=None, **budget) -> dict:
    """:func:`race_cells` as a lab job (:data:`rnnlab.worker.CALLS` ``"k_steps_race"``): a plain dict back.

    Returns:
        ``{"k", "epochs", "results"}`` with ``results`` as :func:`race_cells` returns them (floats, lists
        and NumPy arrays only, so it pickles back to the server without Keras).
    """
    results = race_cells(k, epochs=epochs, on_progress=on_progress, **budget)
    return {"k": k, "epochs": epochs, "results": results}
