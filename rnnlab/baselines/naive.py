"""The naive baselines themselves: one tiny pure function of maths each, wrapped in a
scikit-learn shaped estimator (see :mod:`rnnlab.evaluation.scoreboard` for the scoreboard).

Useful as simple references — do not use them for real problems. The classes
store their settings in ``__init__``, learn in ``fit`` (state ends in ``_``,
``fit`` returns ``self``) and refuse ``predict`` before ``fit``.

Forecast shapes: a window ``(n, W, F)`` gives targets ``(n, H, k)``, returned in
the task's y shape (``(n,)``, ``(n, H)`` or ``(n, H, k)``).

It is a little over 300 lines on purpose: every baseline is a tiny function plus a short class, and
keeping them side by side lets one contract test and one read cover them all.
"""

from __future__ import annotations

import math

import numpy as np

# ---- the maths: one tiny pure function per baseline -------------------------


def last_value(window: np.ndarray) -> np.ndarray:
    """``ŷ(T+h) = y_T`` — window ``(n, W, k)`` → ``(n, k)``."""
    return window[:, -1, :]


def window_mean(window: np.ndarray) -> np.ndarray:
    """``ŷ(T+h) = mean(y_1 … y_W)`` — ``(n, W, k)`` → ``(n, k)``."""
    return window.mean(axis=1)


def seasonal_naive(window: np.ndarray, offsets: tuple[int, ...], season_length: int) -> np.ndarray:
    """``ŷ(T+h) = y(T + h − m·ceil(h/m))`` — ``(n, W, k)`` → ``(n, H, k)``."""
    W = window.shape[1]
    idx = [W - 1 + h - season_length * math.ceil(h / season_length) for h in offsets]
    return window[:, idx, :]


def drift(window: np.ndarray, offsets: tuple[int, ...]) -> np.ndarray:
    """``ŷ(T+h) = y_T + h·(y_T − y_1)/(W − 1)`` — ``(n, W, k)`` → ``(n, H, k)``."""
    slope = (window[:, -1, :] - window[:, 0, :]) / max(window.shape[1] - 1, 1)
    return window[:, -1, None, :] + np.asarray(offsets, dtype=np.float64)[None, :, None] * slope[:, None, :]


def ridge_fit(Z: np.ndarray, Y: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """``w = (Z̃ᵀZ̃ + α·n·I)⁻¹ Z̃ᵀỸ`` on centred data; returns ``(w, intercept)``."""
    z_mean, y_mean = Z.mean(axis=0), Y.mean(axis=0)
    Zc, Yc = Z - z_mean, Y - y_mean
    gram = Zc.T @ Zc + alpha * len(Z) * np.eye(Z.shape[1])
    w = np.linalg.solve(gram, Zc.T @ Yc)
    return w, y_mean - z_mean @ w


def nearest_centroid(Z: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """``ŷ = argmin_k ‖z − c_k‖²`` — ``(n, D)``, ``(K, D)`` → ``(n,)``."""
    d = (Z**2).sum(axis=1)[:, None] - 2 * Z @ centroids.T + (centroids**2).sum(axis=1)[None, :]
    return d.argmin(axis=1)


def previous_step(values: np.ndarray, first: np.ndarray) -> np.ndarray:
    """``ŷ_t = x_(t−1)``, ``ŷ_1 = first`` — ``(n, T, k)`` → ``(n, T, k)``."""
    out = np.empty_like(values)
    out[:, 1:] = values[:, :-1]
    out[:, 0] = first
    return out


# ---- checking an estimator's own settings (scikit-learn's ``_param_validation`` way) --------------


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def check_int(name: str, value, low: int, high: int | None = None) -> None:
    """Raise ``ValueError`` unless ``value`` is a whole number in ``[low, high]``.

    Example:
        >>> check_int("season_length", 0, 1)
        Traceback (most recent call last):
        ...
        ValueError: `season_length` must be an integer of at least 1. Received: season_length=0
    """
    if not _is_int(value) or value < low or (high is not None and value > high):
        bound = f"from {low} to {high}" if high is not None else f"of at least {low}"
        raise ValueError(f"`{name}` must be an integer {bound}. Received: {name}={value!r}")


def check_steps(name: str, value, *, increasing: bool, low: int) -> None:
    """Raise ``ValueError`` unless ``value`` is a non-empty tuple of whole numbers ``≥ low`` (strictly
    increasing when ``increasing``)."""
    values = tuple(value) if isinstance(value, (tuple, list)) else ()
    ok = bool(values) and all(_is_int(v) and v >= low for v in values)
    if ok and increasing:
        ok = all(a < b for a, b in zip(values, values[1:]))
    if not ok:
        what = "increasing " if increasing else ""
        raise ValueError(
            f"`{name}` must be a non-empty tuple of {what}integers ≥ {low}. Received: {name}={value!r}"
        )


def check_columns(name: str, value, n_features: int) -> None:
    """Raise ``ValueError`` unless every index of ``value`` is a column of the ``n_features`` inputs."""
    check_steps(name, value, increasing=False, low=0)
    if max(value) >= n_features:
        raise ValueError(
            f"`{name}` must index the {n_features} input column(s). Received: {name}={tuple(value)!r}"
        )


# ---- the estimators ---------------------------------------------------------


class Baseline:
    """Base: ``fit(X, y)`` checks the estimator's settings against the data, then learns and returns self;
    ``predict(X)`` gives the y shape seen in ``fit``."""

    def fit(self, X, y, sample_weight=None) -> Baseline:
        raise NotImplementedError

    def predict(self, X) -> np.ndarray:
        raise NotImplementedError

    def _check_params(self, X: np.ndarray) -> None:
        """Refuse settings that do not fit ``X`` (``(n, T, F)``), in one line naming the setting."""

    def _check_fitted(self) -> None:
        if not hasattr(self, "y_shape_"):
            raise ValueError(
                f"This {type(self).__name__} is not fitted yet: call fit(X, y) before predict(X)."
            )

    def _remember(self, X, y) -> tuple[np.ndarray, np.ndarray]:
        X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
        if X.ndim != 3 or len(X) != len(y):
            raise ValueError(f"`X` must be (n, T, F) with one row per y. Received: X{X.shape}, y{y.shape}")
        self._check_params(X)
        self.y_shape_ = tuple(y.shape[1:])
        return X, y

    def _as_y(self, pred: np.ndarray) -> np.ndarray:
        """``(n, H, k)`` → ``(n, *y_shape_)``."""
        return pred.reshape((len(pred), *self.y_shape_))


class _TargetWindow(Baseline):
    """Baselines that read the target column(s) inside the input window."""

    def __init__(self, target_index: tuple[int, ...] = (0,), offsets: tuple[int, ...] = (1,)):
        self.target_index = target_index
        self.offsets = offsets

    def _check_params(self, X: np.ndarray) -> None:
        check_columns("target_index", self.target_index, X.shape[2])
        check_steps("offsets", self.offsets, increasing=True, low=1)

    def fit(self, X, y, sample_weight=None):
        self._remember(X, y)
        return self

    def _window(self, X) -> np.ndarray:
        self._check_fitted()
        return np.asarray(X, dtype=np.float64)[:, :, list(self.target_index)]

    def _per_offset(self, values: np.ndarray) -> np.ndarray:
        """``(n, k)`` repeated for every offset → y shape."""
        H = len(self.offsets)
        return self._as_y(np.repeat(values[:, None, :], H, axis=1))


class LastValue(_TargetWindow):
    """Persistence: the target's last value in the window, for every horizon step."""

    def predict(self, X):
        return self._per_offset(last_value(self._window(X)))


class WindowMean(_TargetWindow):
    """The mean of the target over the input window."""

    def predict(self, X):
        return self._per_offset(window_mean(self._window(X)))


class SeasonalNaive(_TargetWindow):
    """The value one season (``season_length`` steps) before each target step."""

    def __init__(self, target_index=(0,), offsets=(1,), season_length: int = 12):
        super().__init__(target_index, offsets)
        self.season_length = season_length

    def _check_params(self, X: np.ndarray) -> None:
        super()._check_params(X)
        check_int("season_length", self.season_length, 1)
        m, W = self.season_length, X.shape[1]
        reach = max(m * math.ceil(h / m) - h for h in self.offsets) + 1  # steps back from the window's end
        if reach > W:
            raise ValueError(
                f"`season_length` must fit in the window: {m} steps back from each target needs a window of "
                f"{reach} steps. Received: season_length={m}, a window of {W} steps"
            )

    def predict(self, X):
        return self._as_y(seasonal_naive(self._window(X), tuple(self.offsets), self.season_length))


class Drift(_TargetWindow):
    """The straight line through the window's first and last target values, extended."""

    def _check_params(self, X: np.ndarray) -> None:
        super()._check_params(X)
        if X.shape[1] < 2:
            raise ValueError(
                f"A drift needs a window of at least 2 steps (a slope). Received: a window of {X.shape[1]}"
            )

    def predict(self, X):
        return self._as_y(drift(self._window(X), tuple(self.offsets)))


class TrainMean(Baseline):
    """The mean of the training targets (per horizon step, per tagged step)."""

    def fit(self, X, y, sample_weight=None):
        _, y = self._remember(X, y)
        self.mean_ = np.nanmean(np.asarray(y, dtype=np.float64), axis=0)
        return self

    def predict(self, X):
        self._check_fitted()
        return np.broadcast_to(self.mean_, (len(X), *self.y_shape_)).copy()


class LinearAR(Baseline):
    """Linear regression on the flattened standardised window (least squares with a small ridge)."""

    def __init__(self, alpha: float = 1e-3):
        self.alpha = alpha

    def _check_params(self, X: np.ndarray) -> None:
        ok = isinstance(self.alpha, (int, float, np.floating)) and not isinstance(self.alpha, bool)
        if not ok or not math.isfinite(self.alpha) or self.alpha <= 0:
            raise ValueError(
                f"`alpha` must be a positive finite number (the ridge). Received: alpha={self.alpha!r}"
            )

    def _features(self, X) -> np.ndarray:
        Z = np.asarray(X, dtype=np.float64).reshape(len(X), -1)
        return (Z - self.z_mean_) / self.z_std_

    def fit(self, X, y, sample_weight=None):
        X, y = self._remember(X, y)
        Z = X.reshape(len(X), -1)
        self.z_mean_, self.z_std_ = Z.mean(axis=0), np.where(Z.std(axis=0) > 0, Z.std(axis=0), 1.0)
        self.coef_, self.intercept_ = ridge_fit(
            self._features(X), y.reshape(len(y), -1).astype(np.float64), self.alpha
        )
        return self

    def predict(self, X):
        self._check_fitted()
        return (self._features(X) @ self.coef_ + self.intercept_).reshape((len(X), *self.y_shape_))


class MostFrequent(Baseline):
    """The most frequent training class for every sample."""

    def fit(self, X, y, sample_weight=None):
        _, y = self._remember(X, y)
        self.classes_, counts = np.unique(y, return_counts=True)
        self.most_frequent_ = int(self.classes_[counts.argmax()])
        return self

    def predict(self, X):
        self._check_fitted()
        return np.full(len(X), self.most_frequent_, dtype=np.int64)


class ClassPrior(Baseline):
    """Random classes drawn with the training class shares (seeded); expected accuracy ``Σ p_train·p_true``."""

    def __init__(self, seed: int = 0):
        self.seed = seed

    def _check_params(self, X: np.ndarray) -> None:
        check_int("seed", self.seed, 0, 2**32 - 1)

    def fit(self, X, y, sample_weight=None):
        _, y = self._remember(X, y)
        self.n_classes_ = int(np.max(y)) + 1
        self.prior_ = np.bincount(y, minlength=self.n_classes_) / len(y)
        return self

    def predict(self, X):
        self._check_fitted()
        return self.draw(len(X), np.random.default_rng(self.seed))

    def draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` random classes with the training shares, from ``rng`` (one draw of many)."""
        self._check_fitted()
        return rng.choice(self.n_classes_, size=n, p=self.prior_).astype(np.int64)

    def hit_probability(self, y_true) -> np.ndarray:
        """For each true class, the probability that a draw hits it: ``p_train(y)`` (0 for a class unseen)."""
        self._check_fitted()
        y = np.asarray(y_true, dtype=np.int64)
        prior = np.concatenate([self.prior_, [0.0]])
        return prior[np.where((y >= 0) & (y < self.n_classes_), y, self.n_classes_)]

    def expected_balanced_accuracy(self, y_true) -> float:
        """The mean over the true classes present of ``p_train(k)``: each class's recall is its draw chance.

        Example:
            >>> est = ClassPrior().fit(np.zeros((4, 1, 1)), np.array([0, 0, 0, 1]))
            >>> est.expected_balanced_accuracy(np.array([0, 1])), est.expected_accuracy(np.array([0, 1]))
            (0.5, 0.5)
        """
        self._check_fitted()
        present = np.unique(np.asarray(y_true, dtype=np.int64))
        present = present[(present >= 0) & (present < self.n_classes_)]
        return float(np.mean(self.prior_[present])) if present.size else float("nan")

    def expected_accuracy(self, y_true) -> float:
        """``Σ_k p_train(k) · p_true(k)`` — the accuracy the random draw scores on average."""
        self._check_fitted()
        shares = np.bincount(np.asarray(y_true), minlength=self.n_classes_)[: self.n_classes_] / max(
            len(y_true), 1
        )
        return float(self.prior_ @ shares)


class NearestCentroid(Baseline):
    """The class whose mean (padded, flattened) training sequence is closest."""

    def fit(self, X, y, sample_weight=None):
        X, y = self._remember(X, y)
        Z = X.reshape(len(X), -1)
        self.classes_ = np.unique(y)
        self.centroids_ = np.stack([Z[y == k].mean(axis=0) for k in self.classes_])
        return self

    def predict(self, X):
        self._check_fitted()
        Z = np.asarray(X, dtype=np.float64).reshape(len(X), -1)
        return self.classes_[nearest_centroid(Z, self.centroids_)].astype(np.int64)


class PreviousStep(Baseline):
    """Tagging: each step gets the target's value at the previous step (step 1: the training mean)."""

    def __init__(self, target_index: tuple[int, ...] = (0,)):
        self.target_index = target_index

    def _check_params(self, X: np.ndarray) -> None:
        check_columns("target_index", self.target_index, X.shape[2])

    def fit(self, X, y, sample_weight=None):
        _, y = self._remember(X, y)
        first = np.asarray(y, dtype=np.float64)[:, 0]
        self.first_ = np.nanmean(first.reshape(len(first), -1), axis=0)
        return self

    def predict(self, X):
        self._check_fitted()
        values = np.asarray(X, dtype=np.float64)[:, :, list(self.target_index)]
        return previous_step(values, self.first_).reshape((len(X), *self.y_shape_))


# ---- a class per step (tagging) --------------------------------------------


def _real_classes(y) -> np.ndarray:
    y = np.asarray(y, dtype=np.int64)
    return y[y >= 0]


class StepMostFrequent(Baseline):
    """Tagging classes: the most frequent training class (over real steps) for every step."""

    def fit(self, X, y, sample_weight=None):
        _, y = self._remember(X, y)
        real = _real_classes(y)
        self.most_frequent_ = int(np.bincount(real).argmax()) if real.size else 0
        return self

    def predict(self, X):
        self._check_fitted()
        return np.full((len(X), *self.y_shape_), self.most_frequent_, dtype=np.int64)


class StepPrior(Baseline):
    """Tagging classes: at each step position, the class most frequent there in training."""

    def fit(self, X, y, sample_weight=None):
        _, y = self._remember(X, y)
        y = np.asarray(y, dtype=np.int64)
        real = _real_classes(y)
        overall = int(np.bincount(real).argmax()) if real.size else 0
        self.per_step_ = np.full(y.shape[1], overall, dtype=np.int64)
        for t in range(y.shape[1]):
            column = y[:, t][y[:, t] >= 0]
            if column.size:
                self.per_step_[t] = int(np.bincount(column).argmax())
        return self

    def predict(self, X):
        self._check_fitted()
        return np.broadcast_to(self.per_step_, (len(X), *self.y_shape_)).copy()


class PreviousClass(Baseline):
    """Tagging classes: each step gets the true class of the step before (step 1: the most frequent first class).

    Its ``predict`` reads the true classes (``Y``, not the inputs): it knows what the model never sees,
    so it is a reference for how persistent the classes are, not a baseline a model must beat.
    """

    def fit(self, X, y, sample_weight=None):
        y = np.asarray(y)
        self.y_shape_ = tuple(y.shape[1:])  # X here is the true classes themselves (see predict)
        first = np.asarray(y, dtype=np.int64)[:, 0]
        first = first[first >= 0]
        self.first_ = int(np.bincount(first).argmax()) if first.size else 0
        return self

    def predict(self, Y):
        self._check_fitted()
        Y = np.asarray(Y, dtype=np.int64)
        out = np.empty_like(Y)
        out[:, 1:] = Y[:, :-1]
        out[:, 0] = self.first_
        return np.where(out < 0, self.first_, out)
