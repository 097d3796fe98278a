"""Model building for every cell × task, masking, normalization, the dense reference, losses."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rnnlab.models import build
from rnnlab.models.config import ModelConfig
from tests.tiny_datasets import framed_task

keras = pytest.importorskip("keras")

CELLS = ["simple_rnn", "lstm", "gru", "dense"]
TASKS = ["classify", "regress", "forecast", "tag"]


def _expected_shape(framed, cell="gru"):
    if framed.config.kind == "classify":
        return (framed.n_classes,)
    if framed.config.kind == "tag" and cell != "dense" and len(framed.y_shape) == 1:
        return (*framed.y_shape, 1)  # per step, one target: (T, 1) keeps the mask
    return framed.y_shape


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("kind", TASKS)
def test_every_cell_and_task_builds_and_predicts_y_shape(cell, kind):
    framed = framed_task(kind, ragged=(kind in ("classify", "tag")))
    config = ModelConfig(cell=cell, units=(4, 3), head_units=(2,), normalization=(kind == "regress"))
    model = build.build_model(config, framed)
    X, y, _ = framed.scaled("test")
    pred = model.predict(X, verbose=0)
    assert pred.shape == (len(X), *_expected_shape(framed, cell))
    assert model.output_shape[1:] == _expected_shape(framed, cell)
    assert pred.reshape(len(X), -1).shape[1] == np.prod(_expected_shape(framed))
    if kind == "classify":
        np.testing.assert_allclose(pred.sum(axis=1), 1.0, rtol=1e-5)


def test_regress_with_several_targets_and_forecast_with_targets_reshape():
    framed = framed_task("forecast", targets=2)
    model = build.build_model(ModelConfig(cell="lstm", units=(3,)), framed)
    assert model.output_shape == (None, 3, 2)
    framed = framed_task("regress", targets=2)
    assert build.build_model(ModelConfig(units=(3,)), framed).output_shape == (None, 2)


def test_stacking_returns_sequences_except_last_and_tag_keeps_sequences():
    framed = framed_task("classify")
    model = build.build_model(ModelConfig(cell="gru", units=(4, 3, 2)), framed)
    rnn = [layer for layer in model.layers if layer.name.startswith("gru_")]
    assert [layer.return_sequences for layer in rnn] == [True, True, False]
    tag = build.build_model(ModelConfig(cell="gru", units=(4, 3)), framed_task("tag"))
    assert all(layer.return_sequences for layer in tag.layers if layer.name.startswith("gru_"))


def test_masking_layer_only_when_framed_masks_and_padded_steps_are_ignored():
    framed = framed_task("classify", ragged=True)
    model = build.build_model(ModelConfig(cell="gru", units=(3,), normalization=True), framed)
    names = [layer.name for layer in model.layers]
    assert names.index("masking") < names.index("normalization") < names.index("gru_1")
    assert model.get_layer("masking").mask_value == framed.model_pad_value
    X, _, _ = framed.scaled("test")
    short = int(np.argmin(framed.test.lengths))
    length = int(framed.test.lengths[short])
    assert length < framed.n_steps
    # Padded with the pad value, the output equals the same layers run on the real steps alone.
    padded = model.predict(X[short : short + 1], verbose=0)
    x = inputs = keras.Input((length, framed.n_features))
    for layer in model.layers[1:]:
        x = layer(x)
    alone = keras.Model(inputs, x)
    np.testing.assert_allclose(padded, alone.predict(X[short : short + 1, :length], verbose=0), atol=1e-5)
    unmasked = build.build_model(ModelConfig(cell="gru", units=(3,)), framed_task("classify"))
    assert "masking" not in [layer.name for layer in unmasked.layers]


def test_normalization_is_adapted_on_real_unpadded_training_steps():
    framed = framed_task("classify", ragged=True)
    model = build.build_model(ModelConfig(cell="lstm", units=(3,), normalization=True), framed)
    norm = model.get_layer("normalization")
    X, _, _ = framed.scaled("train")
    real = X[framed.real_steps("train")]
    np.testing.assert_allclose(np.ravel(norm.mean), real.mean(axis=0), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(np.ravel(norm.variance), real.var(axis=0), rtol=1e-3, atol=1e-5)
    assert not np.isclose(np.ravel(norm.mean), X.reshape(-1, X.shape[-1]).mean(axis=0)).all()


def test_real_step_mask_follows_padding_side():
    post = framed_task("classify", ragged=True, side="post")
    pre = framed_task("classify", ragged=True, side="pre")
    for framed in (post, pre):
        real = framed.real_steps("train")
        assert (real.sum(axis=1) == framed.train.lengths).all()
        assert (framed.train.X[~real] == framed.pad_value).all()


def test_dense_reference_is_flatten_then_dense():
    framed = framed_task("regress", steps=5, features=2)
    model = build.build_model(ModelConfig(cell="dense", units=(4,)), framed)
    assert [type(layer).__name__ for layer in model.layers] == [
        "InputLayer",
        "Flatten",
        "Dense",
        "Dense",
        "Reshape",
    ]
    assert model.count_params() == (10 * 4 + 4) + (4 + 1)


def test_bidirectional_wraps_each_layer():
    framed = framed_task("classify", features=3)
    model = build.build_model(ModelConfig(cell="simple_rnn", units=(2,), bidirectional=True), framed)
    assert model.get_layer("bidirectional_1").count_params() == 2 * 12


@pytest.mark.parametrize("kind", ["classify", "regress", "tag"])
def test_loss_and_metrics_train_one_epoch_with_the_task_names(kind):
    framed = framed_task(kind, ragged=(kind == "tag"))
    model = build.build_model(ModelConfig(cell="gru", units=(3,)), framed)
    loss, metrics = build.loss_and_metrics(framed)
    model.compile(optimizer="rmsprop", loss=loss, metrics=metrics)
    X, y, sw = framed.scaled("train")
    history = model.fit(X, y, sample_weight=sw, epochs=1, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert framed.main_metric in history.history


def test_tag_loss_and_mae_count_only_real_steps():
    framed = framed_task("tag", ragged=True)
    model = build.build_model(ModelConfig(cell="gru", units=(3,)), framed)
    loss, metrics = build.loss_and_metrics(framed)
    # Keras applies sample weights to `weighted_metrics` only (same log names as `metrics`) — but the
    # output's mask already keeps padded steps out of the plain `metrics` too.
    model.compile(optimizer="rmsprop", loss=loss, metrics=metrics)
    X, y, sw = framed.scaled("train")
    pred = model.predict(X, verbose=0)[..., 0]
    logs = model.evaluate(X, y, sample_weight=sw, verbose=0, return_dict=True, batch_size=len(X))
    w = sw.astype(np.float64)
    np.testing.assert_allclose(logs["loss"], (w * (pred - y) ** 2).sum() / w.sum(), rtol=1e-4)
    np.testing.assert_allclose(logs["mae"], (w * np.abs(pred - y)).sum() / w.sum(), rtol=1e-4)


def test_tag_model_saves_and_loads(tmp_path):
    framed = framed_task("tag")
    model = build.build_model(ModelConfig(cell="lstm", units=(2,)), framed)
    loss, metrics = build.loss_and_metrics(framed)
    model.compile(optimizer="adam", loss=loss, metrics=metrics)
    path = tmp_path / "m.keras"
    model.save(path)
    again = keras.models.load_model(path, custom_objects=build.custom_objects())
    X, _, _ = framed.scaled("test")
    np.testing.assert_allclose(again.predict(X, verbose=0), model.predict(X, verbose=0), atol=1e-6)


def test_summary_rows_list_every_layer_with_shape_and_params():
    framed = framed_task("classify", features=3)
    model = build.build_model(ModelConfig(cell="simple_rnn", units=(10,)), framed)
    rows = build.summary_rows(model)
    assert [r["params"] for r in rows] == [0, 140, 33]
    assert rows[1]["output_shape"] == "(None, 10)"
    assert sum(r["params"] for r in rows) == model.count_params()


def test_cudnn_warnings():
    from types import SimpleNamespace

    assert build.cudnn_warnings(ModelConfig(cell="lstm")) == []
    assert build.cudnn_warnings(ModelConfig(cell="dense")) == []
    pre = SimpleNamespace(padding=SimpleNamespace(side="pre", mask=True))
    post = SimpleNamespace(padding=SimpleNamespace(side="post", mask=True))
    assert build.cudnn_warnings(ModelConfig(cell="gru"), post) == []
    warnings = build.cudnn_warnings(
        ModelConfig(cell="gru", recurrent_dropout=0.1, activation="relu", unroll=True, reset_after=False), pre
    )
    assert len(warnings) == 5
    assert any("right-padded" in w for w in warnings)


def test_model_config_validates_and_round_trips():
    config = ModelConfig(cell="lstm", units=(8, 4), head_units=(3,), bidirectional=True)
    assert ModelConfig.from_json(config.to_json()) == config
    with pytest.raises(ValueError, match="units"):
        ModelConfig(units=(0,))
    with pytest.raises(ValueError, match="cell"):
        ModelConfig(cell="transformer")
    with pytest.raises(ValueError, match="dropout"):
        ModelConfig(dropout=1.0)


def test_saved_tag_model_loads_in_a_fresh_process_after_importing_keras_objects(tmp_path):
    import subprocess
    import sys

    framed = framed_task("tag")
    model = build.build_model(ModelConfig(cell="gru", units=(2,)), framed)
    loss, metrics = build.loss_and_metrics(framed)
    model.compile(optimizer="rmsprop", loss=loss, weighted_metrics=metrics)
    path = tmp_path / "tag.keras"
    model.save(path)
    code = (
        "import rnnlab.models.keras_objects, keras; "
        f"m = keras.saving.load_model({str(path)!r}, safe_mode=True); print(m.output_shape)"
    )
    root = str(Path(__file__).resolve().parent.parent)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=root)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "(None, 6, 1)" in out.stdout


@pytest.mark.parametrize("kind", ["classify", "forecast", "tag"])
def test_formula_check_agrees_with_keras_for_built_models(kind):
    framed = framed_task(kind, ragged=(kind == "classify"))
    for config in (
        ModelConfig(cell="lstm", units=(3, 2), bidirectional=True, head_units=(4,), normalization=True),
        ModelConfig(cell="dense", units=(5,)),
    ):
        model = build.build_model(config, framed)
        rows = build.formula_check(model, config, framed)
        assert rows and all(r["agrees"] for r in rows)
        assert sum(r["Keras count"] for r in rows) == model.count_params()


@pytest.mark.parametrize("cell", ["simple_rnn", "lstm", "gru"])
@pytest.mark.parametrize("kind", ["classify", "tag"])  # padded, masked sequences; one output, one per step
def test_the_one_loop_twin_shares_the_weights_and_computes_bit_for_bit_the_same(cell, kind):
    from rnnlab.models import one_loop

    framed = framed_task(kind, ragged=True)
    config = ModelConfig(cell=cell, units=(4, 3, 3), head_units=(2,))
    model = build.build_model(config, framed)
    twin = one_loop.twin(model)
    assert [type(layer).__name__ for layer in twin.layers].count("RNN") == 1  # three layers, one loop
    assert {id(v) for v in twin.weights} == {id(v) for v in model.weights}  # nothing copied, nothing new
    X, y, w = framed.scaled("train")
    np.testing.assert_array_equal(twin.predict_on_batch(X), model.predict_on_batch(X))

    trained = {}
    for name, make in (("model", lambda m: m), ("twin", one_loop.twin)):
        keras.utils.set_random_seed(0)
        fresh = build.build_model(config, framed)
        fits = make(fresh)
        loss, metrics = build.loss_and_metrics(framed)
        fits.compile(optimizer=keras.optimizers.RMSprop(0.01), loss=loss, weighted_metrics=metrics)
        fits.train_on_batch(X, y, sample_weight=w)
        trained[name] = fresh.get_weights()  # the configured model's own weights
    for a, b in zip(trained["model"], trained["twin"], strict=True):
        np.testing.assert_array_equal(a, b)


def test_the_one_loop_twin_is_for_stacks_on_a_cpu_without_dropout():
    from rnnlab.models import one_loop

    stack = ModelConfig(cell="lstm", units=(8, 8))
    assert one_loop.applies(stack, "/CPU:0")
    assert not one_loop.applies(stack, "/GPU:0")  # cuDNN runs each layer as one kernel there
    for other in (
        stack.replace(units=(8,)),
        stack.replace(bidirectional=True),
        stack.replace(dropout=0.1),
        stack.replace(recurrent_dropout=0.1),
        ModelConfig(cell="dense", units=(8, 8)),
    ):
        assert not one_loop.applies(other, "/CPU:0"), other
    framed = framed_task("classify")
    with pytest.raises(ValueError, match="two recurrent layers in a row"):
        one_loop.twin(build.build_model(stack.replace(units=(8,)), framed))
