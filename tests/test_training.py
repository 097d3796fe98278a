"""Training on ~12 samples for 1–2 epochs: events, Stop, NaN detection, seed determinism, settings."""

from __future__ import annotations

import dataclasses
import json
import os
import time

import numpy as np
import pytest

from rnnlab.models.config import ModelConfig
from rnnlab.training import compiled, live, speed
from rnnlab.training.fit import TrainConfig, fit_settings, train
from rnnlab.training.speed import Calibration, batch_seconds, steps_per_execution
from tests.train_fixtures import tiny_framed

SMALL = ModelConfig(cell="gru", units=(4,))


def test_train_config_validates_with_keras_style_messages():
    with pytest.raises(
        ValueError, match="`batch_size` must be an integer from 1 to 4096. Received: batch_size=0"
    ):
        TrainConfig(batch_size=0)
    with pytest.raises(ValueError, match="`learning_rate` must be a finite number from 1e-06 to 10.0"):
        TrainConfig(learning_rate=0.0)
    with pytest.raises(ValueError, match="`optimizer` must be one of"):
        TrainConfig(optimizer="adagrad")
    with pytest.raises(ValueError, match="`device`"):
        TrainConfig(device="gpu")
    config = TrainConfig(optimizer="adam", patience=None)
    assert TrainConfig.from_json(config.to_json()) == config


CALIBRATION = Calibration(step_s=3e-4, unit_s=1.5e-9, xla_step_s=5e-5, xla_compile_s=6.0)


def test_steps_per_execution_keeps_a_stop_within_half_a_second():
    # The course's ECG model: GRU(20)→GRU(20)→Dense, ~4,000 weights, batch 128 × 187 steps.
    spe = steps_per_execution(4005, 128, 187, 63, 2, 10, calibration=CALIBRATION)
    assert spe * batch_seconds(4005, 128, 187, 2, calibration=CALIBRATION) <= 0.5
    # LSTM(20) on 1000×10×3, 20 epochs: cheap batches, many of them in one call
    lstm = steps_per_execution(1941, 32, 10, 32, 1, 20, calibration=CALIBRATION)
    assert 1 < lstm <= 32 and lstm * batch_seconds(1941, 32, 10, calibration=CALIBRATION) <= 0.5
    # one epoch saves too few calls to repay tracing a several-batch step
    assert steps_per_execution(1941, 32, 10, 32, 1, 1, calibration=CALIBRATION) == 1
    assert steps_per_execution(10**9, 32, 100, 5, 1, 100, calibration=CALIBRATION) == 1


def test_xla_only_where_the_saving_repays_the_measured_compile_time():
    fit = (4005, 128, 187)
    assert not speed.xla_pays(*fit, 70, 2, CALIBRATION)  # 10 epochs of a classroom ECG fit
    assert speed.xla_pays(*fit, 7000, 2, CALIBRATION)
    slower = Calibration(step_s=3e-4, xla_step_s=3e-4, xla_compile_s=0.1)
    assert not speed.xla_pays(*fit, 10**6, 2, slower)  # never where XLA is not faster here


def test_calibration_is_stored_per_machine_and_read_back(tmp_path):
    stored = Calibration(step_s=1e-3, measured=True, machine=speed.machine_id())
    (tmp_path / speed.CALIBRATION_FILE).write_text(json.dumps(dataclasses.asdict(stored)), encoding="utf-8")
    assert speed.load(tmp_path) == stored
    other = dataclasses.replace(stored, machine="elsewhere")
    (tmp_path / speed.CALIBRATION_FILE).write_text(json.dumps(dataclasses.asdict(other)), encoding="utf-8")
    assert speed.load(tmp_path) is None
    try:
        assert speed.calibrate(tmp_path).measured and speed.current().measured  # measured here, then kept
        assert speed.load(tmp_path) == speed.current()
    finally:
        speed.use(None)


def test_train_streams_events_and_returns_history():
    events = []
    result = train(
        tiny_framed(), SMALL, TrainConfig(epochs=2, batch_size=4, fast=False), on_event=events.append
    )
    assert result.status == "finished"
    assert len(result.history["loss"]) == 2 and len(result.history["val_mae"]) == 2
    kinds = [e["type"] for e in events]
    assert kinds[0] == "start" and kinds[-1] == "end" and kinds.count("epoch") == 2
    start = events[0]
    assert (
        start["steps_per_epoch"] == 3
        and start["n_train"] == 12
        and start["params"] == result.model.count_params()
    )
    epochs = [e for e in events if e["type"] == "epoch"]
    assert [e["epoch"] for e in epochs] == [1, 2]
    assert epochs[-1]["logs"]["loss"] == pytest.approx(result.history["loss"][-1])


def test_stop_request_ends_training_within_one_step_and_keeps_weights():
    calls = []

    def should_stop() -> bool:
        calls.append(1)
        return True  # pressed before the first step finished

    framed = tiny_framed(n=40)
    events = []
    result = train(
        framed,
        SMALL,
        TrainConfig(epochs=30, batch_size=4, fast=False),
        on_event=events.append,
        should_stop=should_stop,
    )
    assert result.status == "stopped" and "Stopped" in result.message
    assert len(calls) == 1  # checked after the first step, and training ended right there
    assert len(result.history["loss"]) == 1
    assert [e["done"] for e in events if e["type"] == "epoch"] == [0.1]  # 1 of 10 batches ran
    x, _y, _w = framed.scaled("test")
    assert np.isfinite(result.model.predict(x, verbose=0)).all()  # the model trained so far is kept


def test_nan_loss_stops_with_a_message_that_suggests_a_cause():
    framed = tiny_framed(n=16)
    framed.train.y = framed.train.y * 1e30  # absurd targets: the squared error overflows to inf
    result = train(
        framed, SMALL, TrainConfig(epochs=5, batch_size=4, learning_rate=10.0, optimizer="sgd", fast=False)
    )
    assert result.status == "diverged"
    assert "learning rate" in result.message and "scal" in result.message
    assert len(result.history["loss"]) == 1 and result.evaluation is None


def test_same_seed_gives_identical_history_on_cpu():
    config = TrainConfig(epochs=2, batch_size=4, seed=7)
    first = train(tiny_framed(), SMALL, config).history
    second = train(tiny_framed(), SMALL, config).history
    other = train(tiny_framed(), SMALL, config.replace(seed=8)).history
    assert first == second
    assert first != other


def test_early_stopping_restores_best_weights_and_says_so():
    result = train(
        tiny_framed(),
        SMALL,
        TrainConfig(epochs=6, batch_size=4, patience=0, learning_rate=1.0, optimizer="sgd", fast=False),
    )
    assert result.status in {"early_stopped", "diverged"}
    if result.status == "early_stopped":
        assert "restored" in result.message and len(result.history["loss"]) < 6


def test_fit_settings_follow_fast_and_device():
    import keras

    model = keras.Sequential([keras.Input((5, 2)), keras.layers.GRU(4), keras.layers.Dense(1)])
    slow = fit_settings(model, TrainConfig(fast=False), 5, 3)
    assert slow["steps_per_execution"] == 1 and slow["jit_compile"] is False
    fast = fit_settings(model, TrainConfig(), 5, 3)
    assert fast["steps_per_execution"] == 1  # 20 epochs of 3 batches: too few calls saved to repay tracing
    many = fit_settings(model, TrainConfig(epochs=1000), 5, 3)
    assert many["steps_per_execution"] == 3  # one call an epoch
    assert fast["jit_compile"] is False  # a fit of a second does not repay XLA's compilation
    assert fit_settings(model, TrainConfig(), 5, 3, cached_jit=True)["jit_compile"] is True
    assert fit_settings(model, TrainConfig(device="/GPU:0"), 5, 3)["jit_compile"] == "auto"


def test_fast_and_default_give_the_same_results_to_rounding():
    framed = tiny_framed("classify")
    config = TrainConfig(epochs=3, batch_size=4, patience=None)
    speed.use(Calibration(execution_s=1.0, multi_trace_s=0.0))  # several batches per call, whatever it costs
    try:
        fast, default = train(framed, SMALL, config), train(framed, SMALL, config.replace(fast=False))
    finally:
        speed.use(None)
    assert fast.settings["steps_per_execution"] > 1 and default.settings["steps_per_execution"] == 1
    for key in ("loss", "val_loss"):
        np.testing.assert_allclose(fast.history[key], default.history[key], rtol=1e-5)
    np.testing.assert_allclose(fast.evaluation["test"]["accuracy"], default.evaluation["test"]["accuracy"])


def test_a_kept_compiled_model_trains_again_to_the_same_result_faster_to_start():
    framed = tiny_framed()
    config = TrainConfig(epochs=2, batch_size=4, patience=None)
    fresh = train(framed, SMALL, config)
    cache = compiled.CompiledCache(2)
    first = train(framed, SMALL, config, cache=cache)
    events = []
    again = train(framed, SMALL, config.replace(epochs=3), on_event=events.append, cache=cache)
    assert not train(framed, SMALL, config).settings["reused"]  # without the cache: a fresh build
    assert not first.settings["reused"] and again.settings["reused"] and again.model is first.model
    assert first.history == fresh.history
    assert again.history["loss"][:2] == fresh.history["loss"]  # same initial weights, same shuffling
    assert all("t" in e for e in events) and events[0]["reused"]
    assert set(again.timings) == {"begin", "compiled", "fitted", "evaluated"}


def test_a_new_model_traces_its_training_step_once_and_a_kept_one_never(monkeypatch):
    from keras.src.backend.tensorflow.trainer import TensorFlowTrainer

    traced = []
    step = TensorFlowTrainer.train_step

    def counted(self, data):  # Python runs only while TensorFlow traces the step
        traced.append(1)
        return step(self, data)

    monkeypatch.setattr(TensorFlowTrainer, "train_step", counted)
    framed = tiny_framed(n=12)  # three full batches of 4: no smaller last batch to trace again
    config = TrainConfig(epochs=2, batch_size=4, patience=None, fast=False)
    cache = compiled.CompiledCache(2)
    train(framed, SMALL, config, cache=cache)
    assert len(traced) == 1  # the metric and loss variables exist before the first call
    train(framed, SMALL, config, cache=cache)
    assert len(traced) == 1  # the kept model's traced step is reused


def test_eta_leaves_out_the_first_call_and_then_times_whole_epochs():
    eta = live.Eta(epochs=6, steps=2, val_share=0.0)
    eta.executed(0.0, 3.0, 1)  # tracing
    eta.executed(3.0, 3.1, 1)  # 0.1 s a batch
    eta.first_epoch(3.2, in_calls=3.1)  # 0.1 s of every epoch outside the calls
    assert eta.left(1, 0) == pytest.approx(5 * (2 * 0.1 + 0.1))  # five epochs of 0.3 s
    eta.epoch_done(1, 0.9)  # the second epoch, from the first one's end
    median = (0.9 + 0.3) / 2  # of the timed epoch and the batch rate's estimate
    assert eta.left(2, 0) == pytest.approx(4 * median)
    eta.epoch_done(2, 0.9)
    eta.epoch_done(3, 0.9)
    assert eta.left(4, 0) == pytest.approx(2 * 0.9)  # timed epochs outvote the estimate
    assert live.Eta(epochs=2, steps=1, val_share=0.0).left(0, 1) is None
    tiny = live.Eta(epochs=50, steps=1, val_share=0.0)
    tiny.executed(0.0, 1.0, 1)
    tiny.executed(1.0, 1.001, 1)
    tiny.first_epoch(1.5, in_calls=1.0)  # set-up outside the calls: no estimate from the batch rate
    for epoch in range(1, 5):
        tiny.epoch_done(epoch, 0.005)
        assert tiny.left(epoch + 1, 0) is None  # four 5 ms epochs are too little to go on
    tiny.epoch_done(5, 0.005)
    assert tiny.left(6, 0) == pytest.approx(44 * 0.005)
    setup = live.Eta(epochs=6, steps=2, val_share=0.0)
    setup.executed(0.0, 3.0, 1)
    setup.executed(3.0, 3.1, 1)
    setup.first_epoch(3.5, in_calls=3.1)  # more time outside the calls than in an epoch's batches: set-up
    assert setup.left(1, 0) is None


def test_short_epochs_add_what_a_steady_epoch_spends_outside_its_training_calls():
    # The race lesson's shape: 34 batches in two calls an epoch, 0.04 s of them, and 0.015 s of validation and
    # events that the first epoch (tracing the validation step) cannot show.
    eta = live.Eta(epochs=10, steps=34, val_share=0.1)
    eta.executed(0.0, 0.4, 30)  # tracing
    eta.executed(0.4, 0.405, 4)
    eta.first_epoch(0.6, in_calls=0.59)
    eta.epoch_done(0, 0.6)
    assert eta.left(1, 0) == pytest.approx(9 * (34 * 0.005 / 4 * (1 + live.VALIDATION_COST * 0.1) + 0.01))
    eta.executed(0.6, 0.6353, 30)
    eta.executed(0.6353, 0.64, 4)  # 0.04 s of batches, 1.18 ms each so far
    eta.epoch_done(1, 0.055)  # 0.015 s outside them
    per_batch = (0.005 + 0.04) / 38
    assert eta.rest_seconds == [pytest.approx(0.015)]
    assert eta.left(2, 0) == pytest.approx(8 * (34 * per_batch + 0.015))


def test_the_last_shorter_call_of_an_epoch_counts_the_batches_it_ran():
    # 3 batches an epoch, 2 per call: Keras numbers the second call's last batch 3 (index), as if it ran 2
    events = []
    eta = live.Eta(epochs=2, steps=3, val_share=0.0)
    callback = live.live_callback(events.append, None, epochs=2, steps=3, batch_size=4, n_train=12, eta=eta)
    callback.on_train_begin()
    callback.on_epoch_begin(0)
    for begin, end in ((0, 1), (2, 3)):
        callback.on_train_batch_begin(begin)
        callback.on_train_batch_end(end, {"loss": 1.0})
    assert eta.calls == 2 and eta.steady_batches == 1  # the first call traced; the second ran one batch
    assert callback.step == 3 and all(e["step"] <= 3 for e in events)


def test_an_epoch_is_timed_from_the_previous_epochs_end(monkeypatch):
    clock = iter([0.0, 0.0, 0.0, 1.0, 1.0, 1.5, 1.6, 1.65, 1.7])  # perf_counter, call by call
    monkeypatch.setattr(live.time, "perf_counter", lambda: next(clock))
    eta = live.Eta(epochs=4, steps=1, val_share=0.0)
    callback = live.live_callback(None, None, epochs=4, steps=1, batch_size=4, n_train=4, eta=eta)
    callback.on_train_begin()  # 0.0
    callback.on_epoch_begin(0)  # 0.0
    callback.on_train_batch_begin(0)  # 0.0
    callback.on_train_batch_end(0, {"loss": 1.0})  # 1.0: the first call traces
    callback.on_epoch_end(0, {"loss": 1.0})  # 1.0
    callback.on_epoch_begin(1)  # 1.5: half a second between epochs (events, callbacks)
    callback.on_train_batch_begin(0)  # 1.6
    callback.on_train_batch_end(0, {"loss": 0.9})  # 1.65: 0.05 s a batch
    callback.on_epoch_end(1, {"loss": 0.9})  # 1.7
    assert eta.epoch_seconds == [pytest.approx(0.7)]  # 1.0 → 1.7, not 1.5 → 1.7
    assert eta.left(2, 0) == pytest.approx(2 * (0.7 + 0.05) / 2)


def test_unknown_device_is_a_value_error():
    with pytest.raises(ValueError, match="`device` must be one TensorFlow sees"):
        train(tiny_framed(), SMALL, TrainConfig(epochs=1, device="/GPU:7"))


def test_classification_trains_and_reports_accuracy():
    result = train(tiny_framed("classify"), SMALL, TrainConfig(epochs=1, batch_size=4))
    assert result.status == "finished" and "val_accuracy" in result.history


def test_a_stack_trains_as_one_loop_to_exactly_the_result_of_its_layers(monkeypatch, tmp_path):
    import keras

    from rnnlab.models import one_loop

    framed = tiny_framed("classify", n=10)
    stack = ModelConfig(cell="lstm", units=(4, 3))
    config = TrainConfig(epochs=2, batch_size=4, patience=None)
    fast = train(framed, stack, config)
    monkeypatch.setattr(one_loop, "applies", lambda *a: False)
    layered = train(framed, stack, config)
    assert fast.settings["one_loop"] and not layered.settings["one_loop"]
    assert fast.history == layered.history  # bit for bit: the same arithmetic, in the same order
    np.testing.assert_array_equal(fast.evaluation["predictions"], layered.evaluation["predictions"])
    assert [type(layer).__name__ for layer in fast.model.layers] == ["InputLayer", "LSTM", "LSTM", "Dense"]
    path = tmp_path / "m.keras"
    fast.model.save(path)  # the configured layers, their trained weights and the optimizer's state
    loaded = keras.saving.load_model(path)
    X = framed.scaled("test")[0]
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), fast.evaluation["predictions"])
    assert len(loaded.optimizer.variables) == len(fast.model.optimizer.variables) > 2


def test_one_worker_measures_the_calibration_while_the_others_wait_for_its_file(tmp_path, monkeypatch):
    import threading

    measured = []

    def slow_measure():
        measured.append(threading.get_ident())
        time.sleep(0.5)
        return Calibration(step_s=2e-3, measured=True, machine=speed.machine_id())

    monkeypatch.setattr(speed, "measure", slow_measure)
    results = []
    workers = [threading.Thread(target=lambda: results.append(speed.calibrate(tmp_path))) for _ in range(3)]
    try:
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(10)
        assert len(measured) == 1  # one measurement, not three at once on the same cores
        assert [r.step_s for r in results] == [2e-3] * 3
        assert not (tmp_path / f"{speed.CALIBRATION_FILE}.lock").exists()
        # a lock left by a worker that died long ago is ignored
        (tmp_path / speed.CALIBRATION_FILE).unlink()
        lock = tmp_path / f"{speed.CALIBRATION_FILE}.lock"
        lock.write_text("")
        os.utime(lock, (time.time() - 2 * speed.LOCK_STALE_S,) * 2)
        assert speed.calibrate(tmp_path).step_s == 2e-3 and len(measured) == 2
    finally:
        speed.use(None)
