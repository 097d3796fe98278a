"""The time said before Start against the training's own: four lesson presets trained here.

    python -m bench.bench_estimate [--data-dir DIR]

For each preset (sunspots GRU 16 ×10 epochs, ECG5000 ×5, lesson 1's three cities ×50, the unemployment
collection ×30; early stopping off so every epoch runs) the estimate of :mod:`rnnlab.training.estimate` —
this machine's calibration (measured once, as a worker does) times the task's size — is printed beside the
fit's own wall time (build, trace and every epoch) and their ratio. Target: within 0.5 × to 2 × (a wait a
person can plan with); every figure is printed as it is.
"""

from __future__ import annotations

import argparse
import os
import tempfile

from bench.common import row

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

PRESETS = {
    "race_sunspots": 10,
    "ecg5000": 5,
    "three_cities": None,
    "many_series": None,
}  # epochs (None: the lesson's)


def main(argv=None) -> dict:
    from rnnlab.data import catalog
    from rnnlab.runs import lessons
    from rnnlab.task import framing
    from rnnlab.training import fit, speed
    from rnnlab.training.estimate import framed_estimate

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir", default=None, help="where the calibration is kept (default: a fresh one)"
    )
    args = parser.parse_args(argv)
    calibration = speed.calibrate(args.data_dir or tempfile.mkdtemp(prefix="rnnlab-bench-estimate-"))
    ratios = {}
    for key, epochs in PRESETS.items():
        lesson = lessons.get_lesson(key)
        task, model, train = lesson.configs()
        model = model.replace(cell="gru") if lesson.race else model
        train = train.replace(patience=None, **({"epochs": epochs} if epochs else {}))
        framed = framing.frame(catalog.load_dataset(lesson.dataset), task)
        estimate = framed_estimate(framed, model, train, calibration)
        result = fit.train(framed, model, train)
        wall = result.timings["fitted"] - result.timings["begin"]
        ratios[key] = wall / estimate.seconds
        print(
            f"  {key:<14} estimate {estimate.seconds:6.1f} s   fit {wall:6.1f} s   ratio {ratios[key]:.2f}",
            flush=True,
        )
    worst = max(ratios.values(), key=lambda r: max(r, 1 / r))
    print(row("time said before Start vs the fit's own (4 presets)",
              ", ".join(f"{k} {r:.2f}×" for k, r in ratios.items()), "0.5× to 2×", 0.5 <= worst <= 2.0))  # fmt: skip
    return ratios


if __name__ == "__main__":
    main()
