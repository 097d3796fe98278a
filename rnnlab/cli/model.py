"""``python -m rnnlab params``: parameter counts per recurrent layer, with the formula, checked by Keras.

A model over the server's budget (``RNNLAB_MAX_PARAMS``, ``RNNLAB_MAX_LAYERS``) is refused from the formulas
before Keras builds anything, as the pages refuse it.
"""

from __future__ import annotations

import argparse
import sys

from rnnlab.cli.common import int_list_type, print_json
from rnnlab.models import budget, params
from rnnlab.models.config import CELL_LAYERS, ModelConfig


def keras_count(config: ModelConfig, n_features: int, n_outputs: int | None = None) -> int:
    """Build the recurrent stack (and an output ``Dense``) in Keras and return ``count_params()``."""
    import keras  # lazy: the Data and Task pages must not load TensorFlow
    from keras import layers

    x = inputs = keras.Input(shape=(None, n_features))
    cls = getattr(layers, CELL_LAYERS[config.cell])
    for i, units in enumerate(config.units):
        kwargs = {"return_sequences": i < len(config.units) - 1}
        if config.cell == "gru":
            kwargs["reset_after"] = config.reset_after
        layer = cls(units, **kwargs)
        x = (layers.Bidirectional(layer) if config.bidirectional else layer)(x)
    if n_outputs:
        x = layers.Dense(n_outputs)(x)
    return int(keras.Model(inputs, x).count_params())


def run_params(args: argparse.Namespace) -> int:
    if args.cell == "dense":
        raise ValueError("`--cell` must be a recurrent cell (simple_rnn, lstm, gru). Received: cell='dense'")
    if args.features < 1:
        raise ValueError(f"`--features` must be ≥ 1. Received: features={args.features}")
    config = ModelConfig(
        cell=args.cell,
        units=args.units,
        bidirectional=args.bidirectional,
        reset_after=not args.no_reset_after,
    )
    budget.check_model(config, args.features, 1, args.outputs or 1)  # the server's budget, from the formulas
    rows = params.layer_table(config, args.features, n_outputs=args.outputs or None)
    total = keras_count(config, args.features, args.outputs or None)  # built only within the budget
    formula_total = params.total_params(rows)
    if total != formula_total:  # a formula that disagrees with Keras is a bug, never printed as fact
        raise AssertionError(f"formula total {formula_total} != Keras count_params() {total}")
    if args.json:
        print_json({"layers": rows, "total": total})
        return 0
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        print(
            f"{r['name']:<{width}}  units={r['units']:<4} d={r['input_width']:<4} {r['params']:>9,}   {r['formula']}"
        )
    print(f"{'total':<{width}}  {total:>30,}  (Keras count_params)", file=sys.stdout)
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "params",
        help="parameter count of each recurrent layer, with its formula",
        description="Per-layer parameter counts: SimpleRNN u(u+d+1), LSTM 4u(u+d+1), GRU 3u(u+d+2); "
        "×2 when bidirectional. The total is Keras's count_params(), checked against the formulas.",
    )
    parser.add_argument("--cell", required=True, choices=["simple_rnn", "lstm", "gru"])
    parser.add_argument(
        "--units",
        required=True,
        type=int_list_type("--units", allow_empty=False, example="10,5"),
        help="units per layer, e.g. 10,5 (stacked)",
    )
    parser.add_argument("--features", required=True, type=int, help="input features per step d")
    parser.add_argument("--bidirectional", action="store_true")
    parser.add_argument("--outputs", type=int, default=0, help="add an output Dense with this many units")
    parser.add_argument("--no-reset-after", action="store_true", help="GRU: reset_after=False (3u(u+d+1))")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run_params)
