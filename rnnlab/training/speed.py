"""How fast a fit runs: batches per execution, XLA, and the ``tf.data`` pipeline.

:func:`fit_settings` picks the speed settings that ``TrainConfig.fast`` turns on, from a rough per-batch
cost model calibrated in ``bench/bench_training.py``. TensorFlow is imported inside :func:`make_dataset`
only, so the cost model stays importable without it.
"""

from __future__ import annotations

from rnnlab.training.config import TrainConfig

__all__ = ["estimate_batch_seconds", "steps_per_execution", "fit_settings", "make_dataset"]

STOP_LATENCY_S = 0.4  # steps_per_execution is chosen so that one execution takes about this long
MAX_STEPS_PER_EXECUTION = 32
JIT_MIN_FIT_SECONDS = 10.0  # XLA compilation costs a few seconds; use it only for fits longer than this


def estimate_batch_seconds(n_params: int, batch_size: int, n_steps: int) -> float:
    """Rough CPU seconds for one training batch (calibrated on 2 cores: LSTM(20) and the ECG GRU stack).

    Example:
        >>> round(estimate_batch_seconds(4000, 128, 187), 2)
        0.15
    """
    return 0.002 + 1.5e-9 * n_params * batch_size * max(1, n_steps)


def steps_per_execution(n_params: int, batch_size: int, n_steps: int, steps_per_epoch: int) -> int:
    """How many batches to run per call so that a Stop request still lands within ~0.4 s.

    Example:
        >>> steps_per_execution(4000, 128, 187, 63)  # the course's ECG model
        2
        >>> steps_per_execution(2000, 32, 10, 32)  # LSTM(20) on 1000×10×3
        32
    """
    n = int(STOP_LATENCY_S / estimate_batch_seconds(n_params, batch_size, n_steps))
    return max(1, min(MAX_STEPS_PER_EXECUTION, steps_per_epoch, n))


def fit_settings(model, train_config: TrainConfig, n_steps: int, steps_per_epoch: int) -> dict:
    """The speed settings for ``train_config.fast``, measured in ``bench/bench_training.py``.

    - ``steps_per_execution``: batches per call, as many as keep a Stop within ~0.4 s;
    - ``pipeline``: ``"tf.data"`` (shuffled, batched, prefetched dataset) instead of NumPy slicing;
    - ``jit_compile``: XLA when every layer supports it and the fit is long enough to repay the few
      seconds of compilation; on a GPU Keras's ``"auto"`` keeps the cuDNN kernels.

    Returns:
        ``{"steps_per_execution": int, "jit_compile": bool | "auto", "pipeline": str}``.
    """
    if not train_config.fast:
        return {"steps_per_execution": 1, "jit_compile": False, "pipeline": "arrays"}
    n_params = model.count_params()
    spe = steps_per_execution(n_params, train_config.batch_size, n_steps, steps_per_epoch)
    if train_config.device.upper().startswith("/GPU"):
        jit: bool | str = "auto"
    else:
        estimate = estimate_batch_seconds(n_params, train_config.batch_size, n_steps)
        long_fit = estimate * steps_per_epoch * train_config.epochs >= JIT_MIN_FIT_SECONDS
        jit = long_fit and all(getattr(layer, "supports_jit", True) for layer in model._flatten_layers())
    return {"steps_per_execution": spe, "jit_compile": jit, "pipeline": "tf.data"}


def make_dataset(x, y, weight, batch_size: int, shuffle_seed: int | None):
    """A batched, prefetched ``tf.data.Dataset`` (shuffled every epoch when ``shuffle_seed`` is given)."""
    import tensorflow as tf  # lazy: the Data and Task pages must not load TensorFlow

    parts = (x, y) if weight is None else (x, y, weight)
    data = tf.data.Dataset.from_tensor_slices(parts)
    if shuffle_seed is not None:
        data = data.shuffle(len(x), seed=shuffle_seed, reshuffle_each_iteration=True)
    return data.batch(batch_size).prefetch(tf.data.AUTOTUNE)
