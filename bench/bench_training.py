"""Training speed, measured side by side (alternating) in one run; prints ratios.

1. The dashboard's training path — a warm worker process, progress events streamed to the
   server thread, the status polled as the live panel does — against a bare ``model.fit`` of the
   same data, seed and configuration in this process (target ≤ 1.05×).
2. The fast settings (``TrainConfig.fast``: steps per execution, a tf.data pipeline, XLA for long
   fits) against a default ``fit`` on LSTM(20) 1000×10×3 (batch 32) and on the course's ECG model
   GRU(20)→GRU(20)→Dense on 8000×187×1 (batch 128) (target ≥ 1.5× per epoch), checking that the
   final loss stays the same to tolerance.

    python -m bench.bench_training                       # full sizes (several minutes on 2 cores)
    python -m bench.bench_training --quick               # 3,000 ECG samples, fewer epochs and repeats
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

from bench.common import row

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def synthetic(n: int, steps: int, features: int, classes: int, seed: int = 0):
    """A classification collection of ``n`` sequences ``(steps, features)`` (labels depend on the data)."""
    from rnnlab.data.dataset import SequenceDataset

    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, steps, features)).cumsum(axis=1) / np.sqrt(steps)
    labels = np.digitize(x[:, -1, 0], np.quantile(x[:, -1, 0], np.linspace(0, 1, classes + 1)[1:-1]))
    return SequenceDataset(
        name="bench", layout="long", sequences=list(x), feature_names=[f"f{i}" for i in range(features)],
        labels=labels.astype(str), label_names=["label"], label_kind="class",
    )  # fmt: skip


class EpochClock:
    """Times each epoch (a Keras callback built lazily so this module imports without TensorFlow)."""

    @staticmethod
    def make():
        import keras

        class Clock(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.ends: list[float] = []
                self.t0 = 0.0

            def on_train_begin(self, logs=None):
                self.t0 = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None):
                self.ends.append(time.perf_counter())

            def per_epoch(self) -> float:
                """Median epoch time after the first (which pays tracing / XLA compilation)."""
                times = np.diff([self.t0, *self.ends])
                return float(np.median(times[1:])) if len(times) > 1 else float(times[0])

        return Clock()


def bare_fit(framed, model_config, train_config, fast: bool | None = None):
    """``model.fit`` as a plain script would call it; ``fast`` picks the product's speed settings or none.

    Returns:
        (wall seconds of build + compile + fit, median seconds per epoch after the first, final loss)
    """
    import keras

    from rnnlab.models import build
    from rnnlab.training import fit

    cfg = train_config.replace(fast=train_config.fast if fast is None else fast)
    t0 = time.perf_counter()
    keras.utils.set_random_seed(cfg.seed)
    x, y, w = framed.scaled("train")
    xv, yv, wv = framed.scaled("val")
    model = build.build_model(model_config, framed)
    loss, metrics = build.loss_and_metrics(framed)
    steps = -(-len(x) // cfg.batch_size)
    settings = fit.fit_settings(model, cfg, framed.n_steps, steps)
    model.compile(
        optimizer=fit.make_optimizer(cfg), loss=loss, metrics=metrics,
        steps_per_execution=settings["steps_per_execution"], jit_compile=settings["jit_compile"],
    )  # fmt: skip
    clock = EpochClock.make()
    if settings["pipeline"] == "tf.data":
        data = {
            "x": fit.make_dataset(x, y, w, cfg.batch_size, cfg.seed),
            "validation_data": fit.make_dataset(xv, yv, wv, cfg.batch_size, None),
            "shuffle": False,
        }
    else:
        data = {"x": x, "y": y, "batch_size": cfg.batch_size, "validation_data": (xv, yv)}
    history = model.fit(**data, epochs=cfg.epochs, verbose=0, callbacks=[clock])
    return time.perf_counter() - t0, clock.per_epoch(), history.history["loss"][-1]


def dashboard_fit(manager, dataset, task, model_config, train_config, poll: float = 0.25):
    """Submit through the JobManager, poll like the live panel; seconds until the ``end`` event arrived."""
    from rnnlab.jobs.manager import JobSpec

    spec = JobSpec(
        dataset, {"source": "bench"}, task, model_config, train_config, "bench-ws", "bench", "bench-run"
    )
    t0 = time.perf_counter()
    job_id = manager.submit(spec)
    while True:
        status = manager.status(job_id)
        if any(e.get("type") == "end" for e in status.events) or not status.active:
            ended = time.perf_counter() - t0
            break
        time.sleep(poll)
    final = manager.wait(job_id)
    assert final.state == "finished", final.message
    return ended, final.history["loss"][-1]


def path_overhead(repeats: int, n: int, epochs: int) -> dict:
    from rnnlab.jobs.manager import JobManager
    from rnnlab.models.config import ModelConfig
    from rnnlab.task import framing
    from rnnlab.task.types import TaskConfig
    from rnnlab.training.config import TrainConfig

    dataset = synthetic(n, 187, 1, 5)
    task = TaskConfig("classify", split_mode="stratified")
    framed = framing.frame(dataset, task)
    model_config = ModelConfig(cell="gru", units=(20, 20))
    train_config = TrainConfig(epochs=epochs, batch_size=128, patience=None)
    manager = JobManager(n_workers=1, jobs_per_worker=100)
    try:
        assert manager.wait_ready(300), "no worker started"
        dashboard_fit(manager, dataset, task, model_config, train_config.replace(epochs=1))  # warm-up
        bare_fit(framed, model_config, train_config.replace(epochs=1))
        dash, bare = [], []
        for i in range(repeats):
            order = ("dash", "bare") if i % 2 == 0 else ("bare", "dash")
            for which in order:
                if which == "dash":
                    seconds, loss_d = dashboard_fit(manager, dataset, task, model_config, train_config)
                    dash.append(seconds)
                else:
                    seconds, _epoch, loss_b = bare_fit(framed, model_config, train_config)
                    bare.append(seconds)
            print(f"  path run {i + 1}: dashboard {dash[-1]:.2f} s, bare fit {bare[-1]:.2f} s", flush=True)
    finally:
        manager.shutdown()
    ratios = [d / b for d, b in zip(dash, bare)]
    return {"dash": dash, "bare": bare, "ratio": statistics.median(ratios), "loss": (loss_d, loss_b)}


def fast_vs_default(name, dataset, model_config, batch_size, epochs, repeats) -> dict:
    from rnnlab.task import framing
    from rnnlab.task.types import TaskConfig
    from rnnlab.training.config import TrainConfig

    framed = framing.frame(dataset, TaskConfig("classify", split_mode="stratified"))
    config = TrainConfig(epochs=epochs, batch_size=batch_size, patience=None)
    per = {"default": [], "fast": []}
    total = {"default": [], "fast": []}
    losses = {}
    for i in range(repeats):
        for which in ("default", "fast") if i % 2 == 0 else ("fast", "default"):
            wall, epoch, loss = bare_fit(framed, model_config, config, fast=which == "fast")
            per[which].append(epoch)
            total[which].append(wall)
            losses[which] = loss
        print(
            f"  {name} run {i + 1}: default {per['default'][-1]:.3f} s/epoch, fast {per['fast'][-1]:.3f} s/epoch",
            flush=True,
        )
    return {
        "epoch_ratio": statistics.median(per["default"]) / statistics.median(per["fast"]),
        "total_ratio": statistics.median(total["default"]) / statistics.median(total["fast"]),
        "per": per,
        "losses": losses,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller ECG set, fewer epochs and repeats")
    parser.add_argument("--repeats", type=int, help="alternating pairs per comparison (default 3, quick 2)")
    parser.add_argument("--ecg-samples", type=int, help="ECG-shaped samples (default 8000, quick 3000)")
    parser.add_argument("--epochs", type=int, help="epochs per fit (default 5, quick 3)")
    parser.add_argument("--skip", choices=["path", "fast"], action="append", default=[])
    args = parser.parse_args(argv)
    repeats = args.repeats or (2 if args.quick else 3)
    n_ecg = args.ecg_samples or (3000 if args.quick else 8000)
    epochs = args.epochs or (3 if args.quick else 5)
    from rnnlab.models.config import ModelConfig

    rows = []
    if "path" not in args.skip:
        print(
            f"dashboard path vs bare fit: GRU(20)→GRU(20) on {n_ecg // 2}×187×1, {epochs} epochs", flush=True
        )
        res = path_overhead(repeats, n_ecg // 2, epochs)
        rows.append(row("dashboard path / bare fit", f"{res['ratio']:.3f}×", "≤ 1.05×", res["ratio"] <= 1.05))
    if "fast" not in args.skip:
        cases = [
            (
                "LSTM(20) 1000×10×3 b32",
                synthetic(1000 * 100 // 70, 10, 3, 2),
                ModelConfig(cell="lstm", units=(20,)),
                32,
                max(epochs, 10),
            ),
            (
                f"GRU(20)→GRU(20) {n_ecg}×187×1 b128",
                synthetic(n_ecg * 100 // 70, 187, 1, 5),
                ModelConfig(cell="gru", units=(20, 20)),
                128,
                epochs,
            ),
        ]  # fmt: skip  (70 % of the samples are the training split)
        for name, dataset, model_config, batch, n_epochs in cases:
            print(f"fast settings vs default fit: {name}, {n_epochs} epochs", flush=True)
            res = fast_vs_default(name, dataset, model_config, batch, n_epochs, repeats)
            loss_d, loss_f = res["losses"]["default"], res["losses"]["fast"]
            same = abs(loss_d - loss_f) <= 0.05 * abs(loss_d) + 1e-3
            rows.append(row(f"{name}: default / fast per epoch", f"{res['epoch_ratio']:.2f}×", "≥ 1.5×",
                            res["epoch_ratio"] >= 1.5))  # fmt: skip
            rows.append(
                row(f"{name}: default / fast whole fit", f"{res['total_ratio']:.2f}×", "(info)", None)
            )
            rows.append(
                row(f"{name}: final loss default vs fast", f"{loss_d:.4f} vs {loss_f:.4f}", "±5 %", same)
            )
    print("\n| benchmark | figure | target | |\n|---|---|---|---|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
