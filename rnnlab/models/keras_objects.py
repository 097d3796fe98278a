"""The per-step loss and metric for tagging, registered with Keras when this module is imported.

Importing this module imports Keras. A saved tagging model was compiled with these
objects, so load it after ``import rnnlab.models.keras_objects`` (or pass
``custom_objects=rnnlab.models.build.custom_objects()``, or ``compile=False``).
"""

from __future__ import annotations

import keras
from keras import ops


def _aligned(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    if len(y_true.shape) < len(y_pred.shape):
        y_true = ops.reshape(y_true, ops.shape(y_pred))
    return y_true, y_pred


@keras.saving.register_keras_serializable(package="rnnlab")
def per_step_squared_error(y_true, y_pred):
    """Squared error per step, ``(n, T)`` (averaged over targets when ``y`` is ``(n, T, k)``)."""
    y_true, y_pred = _aligned(y_true, y_pred)
    err = ops.square(y_true - y_pred)
    return ops.mean(err, axis=-1) if len(err.shape) > 2 else err


@keras.saving.register_keras_serializable(package="rnnlab")
def per_step_abs_error(y_true, y_pred):
    """Absolute error per step, ``(n, T)``; weighted by per-step sample weights it is the MAE over real steps."""
    y_true, y_pred = _aligned(y_true, y_pred)
    err = ops.abs(y_true - y_pred)
    return ops.mean(err, axis=-1) if len(err.shape) > 2 else err


@keras.saving.register_keras_serializable(package="rnnlab")
class PerStepMSE(keras.losses.Loss):
    """MSE over real steps: ``sum(w · (y − ŷ)²) / sum(w)`` with ``w`` the per-step sample weight ``(n, T)``."""

    def __init__(self, name="mse", reduction="mean_with_sample_weight", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def call(self, y_true, y_pred):
        return per_step_squared_error(y_true, y_pred)


CUSTOM_OBJECTS = {
    "PerStepMSE": PerStepMSE,
    "per_step_abs_error": per_step_abs_error,
    "per_step_squared_error": per_step_squared_error,
}
