"""Pure NumPy forward passes of Keras's SimpleRNN, LSTM and GRU, step by step.

The equations, with ``[x_t, h_{t-1}]`` fed through one dense layer per gate (Keras gate order):

- SimpleRNN: ``h_t = tanh(x_t W + h_{t-1} U + b)``
- LSTM (i, f, c, o): ``i, f, o = σ(x_t W_g + h_{t-1} U_g + b_g)``, ``c̃ = tanh(x_t W_c + h_{t-1} U_c + b_c)``,
  ``c_t = f ⊙ c_{t-1} + i ⊙ c̃``, ``h_t = o ⊙ tanh(c_t)``
- GRU (z, r, h): ``z, r = σ(x_t W_g + h_{t-1} U_g + b_g)``; with ``reset_after=True`` (Keras's default)
  ``h̃ = tanh(x_t W_h + b_h + r ⊙ (h_{t-1} U_h + b'_h))``, otherwise ``h̃ = tanh(x_t W_h + (r ⊙ h_{t-1}) U_h + b_h)``;
  ``h_t = z ⊙ h_{t-1} + (1 − z) ⊙ h̃``

Masked steps carry the state over. What Keras *outputs* at a masked step (``return_sequences=True``) is the
previous step's output (zeros before the first real step), or zeros when ``zero_output_for_mask`` is on —
which :class:`keras.layers.Bidirectional` forces for sequence outputs. This matches Keras's generic
(non-cuDNN) loop, the one used on CPU.

Plain NumPy: :mod:`rnnlab.inside.numpy_rnn` reads a Keras layer into a :class:`CellSpec` and runs it here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

GATES = {"simple_rnn": ("h",), "lstm": ("i", "f", "c", "o"), "gru": ("z", "r", "h")}


def _hard_sigmoid(x: np.ndarray) -> np.ndarray:
    return np.clip(x / 6.0 + 0.5, 0.0, 1.0)


ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "tanh": np.tanh,
    "sigmoid": lambda x: 0.5 * (1.0 + np.tanh(0.5 * x)),
    "relu": lambda x: np.maximum(x, 0.0),
    "linear": lambda x: x,
    "hard_sigmoid": _hard_sigmoid,
    "softsign": lambda x: x / (1.0 + np.abs(x)),
}


@dataclass
class CellSpec:
    """Everything the NumPy forward pass needs from one (unidirectional) recurrent layer.

    Attributes:
        cell: ``"simple_rnn"``, ``"lstm"`` or ``"gru"``.
        kernel: (d, g·u) input weights, gates side by side in Keras order.
        recurrent_kernel: (u, g·u) recurrent weights.
        bias: (g·u,), or (2, g·u) for GRU with ``reset_after=True`` (input bias, recurrent bias); zeros
            when the layer has no bias.
    """

    cell: str
    units: int
    kernel: np.ndarray
    recurrent_kernel: np.ndarray
    bias: np.ndarray
    activation: str = "tanh"
    recurrent_activation: str = "sigmoid"
    reset_after: bool = True
    go_backwards: bool = False
    zero_output_for_mask: bool = False

    @property
    def gates(self) -> tuple[str, ...]:
        return GATES[self.cell]


@dataclass
class Trace:
    """One layer's forward pass over a batch.

    Attributes:
        states: (n, T, u) hidden state ``h_t`` after each step, in input time order (carried over masked steps).
        outputs: (n, T, u) what Keras's layer returns with ``return_sequences=True`` (processing order for a
            plain ``go_backwards`` layer, input order inside a Bidirectional wrapper).
        gates: gate name → (n, T, u) activations in input time order (``"h"`` of a GRU/SimpleRNN is the
            candidate/new state); LSTM also has ``"cell_state"``.
        inputs: (n, T, d) the inputs ``x_t``; mask: (n, T) bool, True for real steps.
        backward: the backward direction's trace for a Bidirectional layer, else None.
    """

    cell: str
    states: np.ndarray
    outputs: np.ndarray
    gates: dict[str, np.ndarray]
    inputs: np.ndarray
    mask: np.ndarray
    spec: CellSpec | None = None
    backward: Trace | None = None

    @property
    def last_output(self) -> np.ndarray:
        """(n, u') the layer's output with ``return_sequences=False``."""
        if self.backward is None:
            return self.outputs[:, -1]
        fwd_last = self.outputs[:, -1, : self.spec.units] if self.spec else None
        return np.concatenate([fwd_last, self.backward.outputs[:, -1]], axis=-1)


def step(spec: CellSpec, x_t: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray | None = None) -> dict:
    """One step of the cell for a batch.

    Args:
        x_t: (n, d) inputs; h_prev: (n, u) previous hidden state; c_prev: (n, u) LSTM cell state.

    Returns:
        ``{"h": (n, u), "c": (n, u) or None, "gates": {name: (n, u)}}``.
    """
    u = spec.units
    act, rec = ACTIVATIONS[spec.activation], ACTIVATIONS[spec.recurrent_activation]
    W, U, b = spec.kernel, spec.recurrent_kernel, spec.bias
    if spec.cell == "simple_rnn":
        h = act(x_t @ W + h_prev @ U + b)
        return {"h": h, "c": None, "gates": {"h": h}}
    if spec.cell == "lstm":
        z = x_t @ W + h_prev @ U + b
        i, f, g, o = (z[:, k * u : (k + 1) * u] for k in range(4))
        i, f, o, g = rec(i), rec(f), rec(o), act(g)
        c = f * c_prev + i * g
        h = o * act(c)
        return {"h": h, "c": c, "gates": {"i": i, "f": f, "c": g, "o": o}}
    if spec.reset_after:
        b_in, b_rec = (b[0], b[1]) if b.ndim == 2 else (b, np.zeros_like(b))
        xw = x_t @ W + b_in
        hu = h_prev @ U + b_rec
        z = rec(xw[:, :u] + hu[:, :u])
        r = rec(xw[:, u : 2 * u] + hu[:, u : 2 * u])
        hh = act(xw[:, 2 * u :] + r * hu[:, 2 * u :])
    else:
        xw = x_t @ W + b
        z = rec(xw[:, :u] + h_prev @ U[:, :u])
        r = rec(xw[:, u : 2 * u] + h_prev @ U[:, u : 2 * u])
        hh = act(xw[:, 2 * u :] + (r * h_prev) @ U[:, 2 * u :])
    h = z * h_prev + (1.0 - z) * hh
    return {"h": h, "c": None, "gates": {"z": z, "r": r, "h": hh}}


def forward(spec: CellSpec, X: np.ndarray, mask: np.ndarray | None = None) -> Trace:
    """Run one direction of a recurrent layer over a batch, from zero initial state.

    Args:
        X: (n, T, d) or (T, d) inputs. mask: (n, T) or (T,) bool, True = real step; None = all real.

    Returns:
        A :class:`Trace` (batch axis added when X was 2-D).

    Example:
        >>> spec = CellSpec("simple_rnn", 1, np.ones((1, 1)), np.zeros((1, 1)), np.zeros(1))
        >>> forward(spec, np.zeros((2, 3, 1))).states.shape
        (2, 3, 1)
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 2:
        X = X[None]
    if X.ndim != 3 or X.shape[-1] != spec.kernel.shape[0]:
        raise ValueError(f"`X` must have shape (n, T, {spec.kernel.shape[0]}). Received: shape={np.shape(X)}")
    n, T, _ = X.shape
    mask = np.ones((n, T), bool) if mask is None else np.asarray(mask, bool).reshape(n, T)
    u = spec.units
    h, c = np.zeros((n, u)), np.zeros((n, u))
    prev_out = np.zeros((n, u))
    states, outputs = np.zeros((n, T, u)), np.zeros((n, T, u))
    gates = {g: np.zeros((n, T, u)) for g in spec.gates}
    cells = np.zeros((n, T, u))
    order = range(T - 1, -1, -1) if spec.go_backwards else range(T)
    for k, t in enumerate(order):
        res = step(spec, X[:, t], h, c)
        m = mask[:, t][:, None]
        h = np.where(m, res["h"], h)
        if res["c"] is not None:
            c = np.where(m, res["c"], c)
        out = np.where(m, res["h"], 0.0 if spec.zero_output_for_mask else prev_out)
        prev_out = out
        states[:, t], cells[:, t], outputs[:, k] = h, c, out
        for g, value in res["gates"].items():
            gates[g][:, t] = value
    if spec.cell == "lstm":
        gates["cell_state"] = cells
    return Trace(spec.cell, states, outputs, gates, X, mask, spec=spec)


def input_mask(X: np.ndarray, mask_value: float | None) -> np.ndarray | None:
    """Keras ``Masking`` rule: a step is real when any feature differs from ``mask_value``. (n, T) bool."""
    if mask_value is None:
        return None
    return np.any(np.asarray(X) != mask_value, axis=-1)


def step_details(trace: Trace, t: int, sample: int = 0) -> dict:
    """What happens at input step ``t`` of one sequence (forward direction).

    Returns:
        ``{"t", "masked", "x_t": (d,), "h_prev": (u,), "gates": {name: (u,)}, "h_t": (u,)}`` plus
        ``"c_prev"``/``"c_t"`` for LSTM. ``h_prev`` is the state before step t in processing order.
    """
    T = trace.states.shape[1]
    if not 0 <= t < T:
        raise ValueError(f"`t` must be in [0, {T - 1}]. Received: t={t}")
    backwards = bool(trace.spec and trace.spec.go_backwards)
    prev_t = t + 1 if backwards else t - 1
    zeros = np.zeros(trace.states.shape[-1])
    has_prev = 0 <= prev_t < T
    out = {
        "t": t,
        "masked": not bool(trace.mask[sample, t]),
        "x_t": trace.inputs[sample, t],
        "h_prev": trace.states[sample, prev_t] if has_prev else zeros,
        "gates": {g: v[sample, t] for g, v in trace.gates.items() if g != "cell_state"},
        "h_t": trace.states[sample, t],
    }
    if "cell_state" in trace.gates:
        cells = trace.gates["cell_state"]
        out["c_prev"] = cells[sample, prev_t] if has_prev else zeros
        out["c_t"] = cells[sample, t]
    return out
