"""A classical statistical reference: additive exponential smoothing (ETS), fitted by statsmodels.

It stands beside the naive baselines as a reference a statistician would fit first, never as one of the
baselines that pick the verdict. The maths is two small pure functions: :func:`ets_states` runs the
smoothing recursion over a series with fixed parameters, and :func:`ets_forecasts` reads the ``h``-step
forecasts from any origin off those states. :class:`ETSReference` estimates the parameters with
statsmodels' ``ExponentialSmoothing`` on a training history (the form — level, damped trend, season —
chosen by AICc), then forecasts from the end of any window of the whole series with those parameters.

statsmodels (and SciPy under it) is imported inside :meth:`ETSReference.fit` only: the pages that show
data and tasks never load it. The recursion (additive errors, Hyndman & Athanasopoulos, *Forecasting:
Principles and Practice*, §8.3)::

    l_t = α(y_t − s_{t−m}) + (1 − α)(l_{t−1} + φ b_{t−1})
    b_t = β(l_t − l_{t−1}) + (1 − β) φ b_{t−1}
    s_t = γ(y_t − l_{t−1} − φ b_{t−1}) + (1 − γ) s_{t−m}
    ŷ_{t+h|t} = l_t + (φ + … + φ^h) b_t + s_{t+h−m⌈h/m⌉}
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass

import numpy as np

MIN_HISTORY = 10  # fewer training steps than this: no reference (too short to estimate anything)
MAX_HISTORY = 5000  # a longer training part is fitted on its last this many steps (the recursion runs on all)


@dataclass(frozen=True)
class ETSParams:
    """Fitted parameters of additive ETS; ``seasons0[j]`` is ``s_{j−m}``, the seasons before the first step."""

    alpha: float  # level smoothing
    beta: float = 0.0  # trend smoothing (0 and trend0 = 0: no trend)
    gamma: float = 0.0  # season smoothing
    phi: float = 1.0  # trend damping
    level0: float = 0.0  # l_{−1}
    trend0: float = 0.0  # b_{−1}
    seasons0: tuple[float, ...] = (0.0,)  # m values (one 0: no season)
    form: str = "ETS(A,N,N)"  # the form in Hyndman's notation


def ets_states(y: np.ndarray, p: ETSParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Level, trend and season after each step of ``y`` (NaN steps: the one-step forecast stands in for them).

    Returns:
        ``(level (n,), trend (n,), season (n + m,))``; ``season[u + m]`` is ``s_u`` (``u ≥ −m``).

    Example:
        >>> lv, tr, _ = ets_states(np.array([2.0, 4.0]), ETSParams(alpha=0.5, level0=0.0))
        >>> lv.tolist(), tr.tolist()  # l_0 = 0.5·2 + 0.5·0, l_1 = 0.5·4 + 0.5·1
        ([1.0, 2.5], [0.0, 0.0])
    """
    y = np.asarray(y, dtype=np.float64)
    m = len(p.seasons0)
    level, trend = np.empty(len(y)), np.empty(len(y))
    season = np.empty(len(y) + m)
    season[:m] = p.seasons0
    lv, tr = p.level0, p.trend0
    a, b, g, phi = p.alpha, p.beta, p.gamma, p.phi
    for t, value in enumerate(y.tolist()):  # a plain loop: each step needs the one before
        s_old = season[t]
        base = lv + phi * tr
        if not math.isfinite(value):
            value = base + s_old
        new_lv = a * (value - s_old) + (1 - a) * base
        tr = b * (new_lv - lv) + (1 - b) * phi * tr
        season[t + m] = g * (value - base) + (1 - g) * s_old
        lv = new_lv
        level[t], trend[t] = lv, tr
    return level, trend, season


def ets_forecasts(
    states: tuple[np.ndarray, np.ndarray, np.ndarray], phi: float, ends: np.ndarray, offsets: tuple[int, ...]
) -> np.ndarray:
    """``ŷ_{e+h|e}`` for every origin ``e`` in ``ends`` (indices into the states) and ``h`` in ``offsets``.

    Example:
        >>> states = (np.array([1.0, 2.0]), np.array([0.5, 1.0]), np.zeros(3))
        >>> ets_forecasts(states, 1.0, np.array([1]), (1, 3)).tolist()  # 2 + 1·1, 2 + 3·1
        [[3.0, 5.0]]
    """
    level, trend, season = states
    m = len(season) - len(level)
    ends = np.asarray(ends, dtype=np.int64)
    h = np.asarray(offsets, dtype=np.int64)
    damp = np.cumsum(phi ** np.arange(1, int(h.max()) + 1))[h - 1]  # φ + … + φ^h
    past = ends[:, None] + h[None, :] - m * np.ceil(h / m).astype(np.int64)[None, :]
    return level[ends][:, None] + damp[None, :] * trend[ends][:, None] + season[past + m]


def _filled(y: np.ndarray) -> np.ndarray:
    """Inner gaps filled by straight lines (statsmodels refuses NaN); leading and trailing NaN dropped."""
    ok = np.flatnonzero(np.isfinite(y))
    y = y[ok[0] : ok[-1] + 1]
    gaps = ~np.isfinite(y)
    if gaps.any():
        steps = np.arange(len(y))
        y = y.copy()
        y[gaps] = np.interp(steps[gaps], steps[~gaps], y[~gaps])
    return y


def _forms(n: int, season_length: int | None) -> list[tuple[bool, bool]]:
    """``(trend, season)`` forms worth fitting on ``n`` steps: a season needs two whole ones and ten steps more."""
    seasonal = bool(season_length and season_length >= 2 and n >= 2 * season_length + MIN_HISTORY)
    return [
        (trend, season) for season in ((False, True) if seasonal else (False,)) for trend in (False, True)
    ]


def _params(fitted, trend: bool, season: bool) -> ETSParams:
    """The statsmodels result's parameters as :class:`ETSParams` (NaN for what the form lacks → none)."""
    got = fitted.params

    def value(key: str, default: float) -> float:
        v = got.get(key)
        return default if v is None or not np.isfinite(v) else float(v)

    seasons = tuple(float(s) for s in np.atleast_1d(got["initial_seasons"])) if season else (0.0,)
    form = f"ETS(A,{'Ad' if trend else 'N'},{'A' if season else 'N'})"
    return ETSParams(
        alpha=value("smoothing_level", 0.0), beta=value("smoothing_trend", 0.0) if trend else 0.0,
        gamma=value("smoothing_seasonal", 0.0) if season else 0.0, phi=value("damping_trend", 1.0) if trend else 1.0,
        level0=value("initial_level", 0.0), trend0=value("initial_trend", 0.0) if trend else 0.0,
        seasons0=seasons, form=form,
    )  # fmt: skip


class ETSReference:
    """Additive ETS as a classical reference: the form with the lowest AICc among level, damped trend and
    (with ``season_length``) an additive season, fitted by statsmodels on one training history.

    Useful as a reference a statistician would fit first; it does not see the model's inputs other than
    the target's own history.

    Example:
        >>> ref = ETSReference().fit(np.full(30, 5.0))
        >>> ref.forecast(np.full(40, 5.0), np.array([35]), (1, 2)).round(6).tolist()
        [[5.0, 5.0]]
    """

    def __init__(self, season_length: int | None = None):
        self.season_length = season_length

    def fit(self, history) -> ETSReference:
        """Estimate the parameters on ``history`` (the training part, oldest first; NaN allowed inside).

        Raises:
            ValueError: fewer than :data:`MIN_HISTORY` finite steps, or no form could be fitted.
        """
        y = np.asarray(history, dtype=np.float64)
        if np.isfinite(y).sum() < MIN_HISTORY:
            raise ValueError(
                f"`history` must hold at least {MIN_HISTORY} values to fit ETS. Received: {int(np.isfinite(y).sum())}"
            )
        start = max(0, len(y) - MAX_HISTORY)
        first = start + int(np.flatnonzero(np.isfinite(y[start:]))[0])
        y_fit = _filled(y[first:])
        from threadpoolctl import threadpool_limits  # lazy, like statsmodels

        t0 = time.perf_counter()
        best, best_aicc, errors = None, math.inf, []
        # One BLAS thread: the fit's small matrix products gain nothing from more, and on cores busy training
        # (a class) OpenBLAS's waiting threads made it 10–20 times slower (measured: 9–18 s against 0.9 s for
        # sunspots at load 12 on 2 cores). Only the BLAS pools, and only while fitting.
        with threadpool_limits(limits=1, user_api="blas"):
            for trend, season in _forms(len(y_fit), self.season_length):
                try:
                    result = self._fit_one(y_fit, trend, season)
                except (ValueError, np.linalg.LinAlgError, RuntimeError) as err:
                    errors.append(str(err))
                    continue
                aicc = float(result.aicc)
                aicc = float(result.aic) if not np.isfinite(aicc) else aicc
                if np.isfinite(aicc) and aicc < best_aicc and np.isfinite(result.sse):
                    best, best_aicc = _params(result, trend, season), aicc
        if best is None:
            raise ValueError(f"ETS could not be fitted on this history. Received the errors: {errors}")
        self.params_, self.start_, self.seconds_ = best, first, time.perf_counter() - t0
        self.n_history_ = len(y) - first
        return self

    def _fit_one(self, y: np.ndarray, trend: bool, season: bool):
        from statsmodels.tools.sm_exceptions import ConvergenceWarning  # lazy: statsmodels loads SciPy
        from statsmodels.tsa.holtwinters import ExponentialSmoothing

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            model = ExponentialSmoothing(
                y, trend="add" if trend else None, damped_trend=trend, seasonal="add" if season else None,
                seasonal_periods=self.season_length if season else None, initialization_method="estimated",
            )  # fmt: skip
            return model.fit()

    def forecast(self, series, ends: np.ndarray, offsets: tuple[int, ...]) -> np.ndarray:
        """``(n, H)`` forecasts ``offsets`` steps after each window end in ``ends`` (indices into ``series``),
        the states run over ``series`` from where the fit started with the fitted parameters.

        Raises:
            ValueError: before :meth:`fit`, or an end before the fitted history's start.
        """
        if not hasattr(self, "params_"):
            raise ValueError("This ETSReference is not fitted yet: call fit(history) before forecast(...).")
        ends = np.asarray(ends, dtype=np.int64)
        if len(ends) and int(ends.min()) < self.start_:
            raise ValueError(
                f"Every window must end at or after step {self.start_}, where the fit starts. Received: {int(ends.min())}"
            )
        if not len(ends):
            return np.zeros((0, len(offsets)))
        y = np.asarray(series, dtype=np.float64)[self.start_ : int(ends.max()) + 1]
        states = ets_states(y, self.params_)
        return ets_forecasts(states, self.params_.phi, ends - self.start_, tuple(offsets))
