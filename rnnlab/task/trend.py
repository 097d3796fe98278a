"""Is the forecast target trending out of the range the model trains on? Then propose predicting the change.

A network trained on standardised levels must extrapolate when the test split's levels lie outside
anything it saw in training (airline passengers, CO₂, GDP); the last value does not care. Predicting
the change over the window's last value (``predict='change'``, the residual wrapper of TensorFlow's
time-series tutorial) keeps the targets in a range the training split covers.
"""

from __future__ import annotations

import numpy as np

OUTSIDE_SHARE = 0.25  # this share of test targets outside the training range makes a series trending


def _outside_share(framed) -> float | None:
    train, test = framed.split("train"), framed.split("test")
    if len(train) == 0 or len(test) == 0:
        return None
    y_train = np.asarray(train.y, dtype=np.float64).reshape(len(train), -1)
    y_test = np.asarray(test.y, dtype=np.float64).reshape(len(test), -1)
    if train.sequence is None or test.sequence is None or framed.config.split_mode == "sequence":
        lo, hi = np.nanmin(y_train), np.nanmax(y_train)
        return float(np.mean((y_test < lo) | (y_test > hi)))
    outside = []
    for seq in np.unique(test.sequence):
        own = y_train[train.sequence == seq]
        if own.size == 0:
            continue
        values = y_test[test.sequence == seq]
        outside.append((values < np.nanmin(own)) | (values > np.nanmax(own)))
    return float(np.mean(np.concatenate([o.ravel() for o in outside]))) if outside else None


def trend_advice(framed) -> str | None:
    """One sentence proposing ``predict='change'`` for a trending forecast target, else ``None``.

    Example:
        >>> import numpy as np
        >>> from rnnlab.data.dataset import SequenceDataset
        >>> from rnnlab.task.framing import TaskConfig, frame
        >>> ds = SequenceDataset("ramp", "series", [np.arange(60.0)[:, None]], ["v"])
        >>> trend_advice(frame(ds, TaskConfig("forecast", window=4))).startswith("The test part")
        True
    """
    if framed.config.kind != "forecast" or framed.config.predict == "change":
        return None
    if not framed.target_in_inputs or any(i is None for i in framed.target_in_inputs):
        return None
    share = _outside_share(framed)
    if share is None or share < OUTSIDE_SHARE:
        return None
    return (
        f"The test part's levels lie outside the training range for {share:.0%} of its targets (a trend): a "
        "network trained on levels must extrapolate there, so predict the change over the last value instead."
    )


def is_trending(framed) -> bool:
    """Whether :func:`trend_advice` has a proposal for this task."""
    return trend_advice(framed) is not None
