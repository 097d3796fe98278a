"""``python -m rnnlab train DATA …``: frame a task, train a model in this process, judge it against the baselines.

One line per epoch goes to stderr; ``--json`` prints one object on stdout with ``history``,
``test``, ``baselines`` (a forecast's last one the classical reference, ETS), ``verdict``, ``intervals``
(values: the conformal intervals at ``--intervals LEVEL``, their coverage on test and mean width) or
``calibration`` (classes: the expected calibration error and reliability bins), ``params`` and
``seconds``. ``--save`` records the run in the
run store (``$RNNLAB_DATA_DIR``) as the dashboard does — every epoch as it ends, then the summary and
the ``.keras`` model — in workspace ``--workspace`` (default ``cli-runs``), and adds ``run_id``.
``--ray ADDRESS`` (or ``$RNNLAB_RAY_ADDRESS``) runs the training as a job on that Ray cluster instead
(:mod:`rnnlab.cli.cluster`); the output is the same, plus the ``node`` it ran on.

Example::

    python -m rnnlab train ecg200 --task classify --cell gru --units 16 --epochs 5 --seed 0 --json
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rnnlab.cli import cluster, reading, task
from rnnlab.cli.common import int_list_type, print_json
from rnnlab.core import settings
from rnnlab.core.values import to_json_value
from rnnlab.evaluation import scoreboard
from rnnlab.evaluation import uncertainty as uncertainties
from rnnlab.evaluation.verdict import race_line, verdict_of
from rnnlab.jobs.types import ClusterUnreachable
from rnnlab.jobs.work import JobWork, check_job
from rnnlab.models import budget as model_budget
from rnnlab.models.build import output_units
from rnnlab.models.config import CELLS, HEAD_ACTIVATIONS, ModelConfig
from rnnlab.runs import lessons
from rnnlab.runs.compare import cell_name
from rnnlab.runs.recorder import RunRecorder
from rnnlab.task import framing
from rnnlab.training import fit, speed
from rnnlab.training.config import OPTIMIZERS
from rnnlab.training.estimate import framed_estimate, shorter


def epoch_line(event: dict) -> str:
    """``epoch 3/20  loss 0.4123  mae 0.5012  val_loss 0.3990  val_mae 0.4871  (2.1 s)``."""
    logs = "  ".join(f"{k} {v:.4f}" for k, v in event["logs"].items())
    return f"epoch {event['epoch']}/{event.get('epochs', '?')}  {logs}  ({event['seconds']:.1f} s elapsed)"


dataset_ref = reading.dataset_ref  # how the store records the data and its reading options


MODEL_DEFAULTS = {"cell": "gru", "units": (32,), "bidirectional": False, "dropout": 0.0, "head_units": (),
                  "head_activation": "relu", "head_dropout": 0.0, "normalization": False}  # fmt: skip
TRAIN_DEFAULTS = {"optimizer": "rmsprop", "learning_rate": 1e-3, "batch_size": 32, "epochs": 20, "patience": 5,
                  "seed": 0, "device": "/CPU:0", "fast": True, "class_weight": None}  # fmt: skip


def _given(args: argparse.Namespace, names: dict[str, str]) -> dict:
    """``{config field: value}`` of the options given on the command line (``None`` = not given)."""
    return {
        field: getattr(args, option) for field, option in names.items() if getattr(args, option) is not None
    }


def configs(args: argparse.Namespace, dataset, suggested) -> tuple:
    """``(TaskConfig, ModelConfig, TrainConfig)``: the lesson's (``--lesson``) or the defaults, then every
    option given on the command line on top."""
    task_args = argparse.Namespace(**{**vars(args), "seed": args.split_seed})
    model_given = _given(args, {"cell": "cell", "units": "units", "bidirectional": "bidirectional",
                                "dropout": "dropout", "head_units": "head_units",
                                "head_activation": "head_activation", "head_dropout": "head_dropout",
                                "normalization": "normalization"})  # fmt: skip
    train_given = _given(args, {"optimizer": "optimizer", "learning_rate": "lr", "batch_size": "batch_size",
                                "epochs": "epochs", "seed": "seed", "device": "device",
                                "class_weight": "class_weight"})  # fmt: skip
    if args.patience is not None:
        train_given["patience"] = None if args.patience < 0 else args.patience
    if args.no_fast:
        train_given["fast"] = False
    if getattr(args, "intervals", None) is not None:
        train_given["intervals"] = args.intervals
    if args.lesson:
        lesson_task, lesson_model, lesson_train = lessons.get_lesson(args.lesson).configs()
        task_config = task.task_config(task_args, dataset, suggested, base=lesson_task)
        return (task_config, lesson_model.replace(**model_given), lesson_train.replace(**train_given))
    model_config = ModelConfig.from_dict({**MODEL_DEFAULTS, **model_given})
    train_config = fit.TrainConfig.from_dict({**TRAIN_DEFAULTS, **train_given})
    return task.task_config(task_args, dataset, suggested), model_config, train_config


def run(args: argparse.Namespace) -> int:
    """``train``: read the data, frame the task, check the budgets, say the expected time, then train here (or
    as a job on a Ray cluster, or every cell of a race lesson) and print the result."""
    options, dataset, (task_config, model_config, train_config) = read_and_configure(args, "train")
    framed = framing.frame(dataset, task_config)
    lesson = lessons.get_lesson(args.lesson) if args.lesson else None
    if lesson is not None and lesson.race and args.cell is None:
        return _race(args, framed, [model_config.replace(cell=c) for c in lessons.RACE_CELLS], train_config)
    check_budgets(framed, model_config, train_config)
    address = args.ray or settings.ray_address()
    if address:  # this machine's calibration says nothing of a cluster's nodes: no estimate there
        return _run_on_cluster(args, address, dataset, framed, model_config, train_config)
    estimate = _say_estimate(framed, model_config, train_config)
    recorder = _recorder(args, dataset, framed, model_config, train_config, options)
    try:
        result = fit.train(framed, model_config, train_config,
                           on_event=recorder.on_event if recorder else _printer(train_config))  # fmt: skip
    except Exception as err:
        if recorder is not None:
            recorder.fail(str(err) if isinstance(err, ValueError) else f"{type(err).__name__}: {err}")
        raise
    run_id = recorder.finish(result, framed) if recorder is not None else None
    out = _result_json(result, framed, model_config, train_config, run_id, estimate)
    if args.json:
        print_json(to_json_value(out, nan_to_none=True))
    else:
        print(f"{result.message} ({out['params']} weights, {out['seconds']:.1f} s)")
        if run_id and recorder is not None:
            print(f"saved as run {run_id} (workspace {recorder.workspace})")
        _print_test(out)
    return 0 if result.status != "diverged" else 1


def read_and_configure(args: argparse.Namespace, command: str) -> tuple:
    """``(read options, dataset, (task, model, train configs))`` of a command that trains: the data (a lesson's
    when none is named) read with the reading options, and the configs (the lesson's or the defaults, with
    every option given on top).

    Raises:
        ValueError: neither a dataset nor a lesson, or the data or an option is not valid.
    """
    if args.lesson and args.data is None:
        args.data = lessons.get_lesson(args.lesson).dataset
    if args.data is None:
        raise ValueError(
            f"`{command}` needs a dataset (a bundled key or a CSV path) or --lesson KEY. Received: neither"
        )
    options = reading.read_options_from(args)
    dataset, suggested = reading.load(args.data, options)
    return options, dataset, configs(args, dataset, suggested)


def _say_estimate(framed, model_config, train_config):
    """The expected training time on stderr (with what shortens it past a minute); returns the estimate."""
    calibration = speed.load(settings.data_dir()) or speed.DEFAULT
    estimate = framed_estimate(framed, model_config, train_config, calibration)
    print(f"expected: {estimate.text}", file=sys.stderr, flush=True)
    for tip in shorter(estimate, framed.config):
        print(f"  to shorten it: {tip}", file=sys.stderr, flush=True)
    return estimate


def _printer(train_config):
    """The progress events as lines on stderr: each epoch, and how a training ended when it did not finish."""

    def on_event(event: dict) -> None:
        if event["type"] == "epoch":
            print(epoch_line({**event, "epochs": train_config.epochs}), file=sys.stderr, flush=True)
        elif event["type"] == "end" and event["status"] != "finished":
            print(event["message"], file=sys.stderr, flush=True)

    return on_event


def _recorder(args, dataset, framed, model_config, train_config, options) -> RunRecorder | None:
    """With ``--save`` (or ``--workspace``): the run store's recorder, the run started (a CSV file kept like an
    upload, so the run exports whole); else ``None``."""
    if not (args.save or args.workspace):  # a workspace implies --save
        return None
    recorder = RunRecorder(workspace=args.workspace, dataset_ref=dataset_ref(args.data, options),
                           on_event=_printer(train_config))  # fmt: skip
    if recorder.dataset_ref["source"] == "upload":
        from rnnlab.runs.uploads import UploadStore

        path = Path(args.data)
        UploadStore(recorder.store).put(recorder.workspace, path.name, path.read_bytes())
    recorder.start(dataset, framed.config, model_config, train_config)
    return recorder


def _result_json(result, framed, model_config, train_config, run_id, estimate) -> dict:
    """What ``--json`` prints for one training (see the module docstring)."""
    evaluation = result.evaluation or {}
    board = evaluation.get("scoreboard")
    if board is None:
        board = scoreboard.scoreboard(framed)
    return {
        "run_id": run_id,
        "status": result.status,
        "message": result.message,
        "history": result.history,
        "test": evaluation.get("test"),
        "baselines": task.summary(framed, board)["baselines"],
        "best_baseline": (evaluation.get("best_baseline") or {}).get("name"),
        "skill": evaluation.get("skill"),
        "verdict": evaluation.get("judgement"),
        **uncertainty_json(evaluation.get("uncertainty")),
        "params": int(result.model.count_params()),
        "seconds": round(result.seconds, 3),
        "expected_seconds": round(estimate.seconds, 3),
        "settings": result.settings,
        "config": {
            "task": framed.config.to_dict(),
            "model": model_config.to_dict(),
            "train": train_config.to_dict(),
        },
    }


def check_budgets(framed, model_config, train_config) -> None:
    """Refuse, before anything is built, what the server would refuse: the model's parameters and layers and
    the training's memory (from the formulas), and a training over the teacher's work budget without early
    stopping (``RNNLAB_MAX_JOB_WORK``; the framing's own budget was checked when it was framed).

    Raises:
        ValueError: one line saying what was asked, the limit and what to change.
    """
    model_budget.check_training(model_config, framed.n_features, framed.n_steps, output_units(framed, model_config),
                                train_config.batch_size, model_budget.framed_values(framed))  # fmt: skip
    patience = train_config.patience is not None
    check_job(
        JobWork(int(train_config.epochs), len(framed.train), patience, "this training"),
        settings.max_job_work(),
    )


def _print_test(out: dict) -> None:
    for name, value in (out["test"] or {}).items():
        print(f"test {name}: {value:.4f}")
    verdict = verdict_of({"judgement": out.get("verdict")})
    if verdict is not None:
        print(f"verdict: the model {verdict.text}")
    for kind in ("intervals", "calibration"):
        said = uncertainties.sentence({"kind": kind, **out[kind]}) if out.get(kind) else ""
        if said:
            print(f"{kind}: {said}")


def uncertainty_json(found: dict | None) -> dict:
    """``{"intervals": {"level", "coverage_test", "width_mean", …}}`` of a value task, ``{"calibration":
    {"ece", "bins", …}}`` of a class task, ``{}`` when the run has neither.

    Example:
        >>> uncertainty_json({"kind": "intervals", "level": 0.9, "coverage_test": 0.88})
        {'intervals': {'level': 0.9, 'coverage_test': 0.88}}
    """
    if not isinstance(found, dict) or found.get("kind") not in ("intervals", "calibration"):
        return {}
    part = {k: v for k, v in found.items() if k != "kind"}
    return {"intervals": part} if found["kind"] == "intervals" else {"calibration": part}


def _race(args: argparse.Namespace, framed, models: list, train_config) -> int:
    """A race lesson: every cell trained on the same framing and budget, one verdict each, and the winner."""
    for model_config in models:  # every cell within the budgets before the first one trains
        check_budgets(framed, model_config, train_config)
    runs = []
    for model_config in models:
        result = fit.train(framed, model_config, train_config)
        judged = result.evaluation  # None when the training diverged
        runs.append({"cell": model_config.cell, "status": result.status, "test": judged["test"] if judged else None,
                     "verdict": judged["judgement"] if judged else None, "params": int(result.model.count_params()),
                     "seconds": round(result.seconds, 3)})  # fmt: skip
    verdicts = [verdict_of({"judgement": r["verdict"]}) for r in runs]
    line = race_line([(cell_name(r["cell"]), v) for r, v in zip(runs, verdicts)])
    out = {"race": runs, "winner": line}
    if args.json:
        print_json(to_json_value(out, nan_to_none=True))
    else:
        for r, v in zip(runs, verdicts):
            print(f"{cell_name(r['cell'])}: the model {v.text if v else r['status']}")
        print(line["text"])
    return 0


def _run_on_cluster(args, address, dataset, framed, model_config, train_config) -> int:
    """``--ray ADDRESS``: the same training as a job on the Ray cluster; the same output."""
    try:
        ref = dataset_ref(args.data, reading.read_options_from(args))
        summary = cluster.train_on_cluster(args, address, dataset, framed, model_config, train_config, ref)
    except ClusterUnreachable as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    board = summary.get("scoreboard") or scoreboard.scoreboard(framed)
    out = {
        "run_id": summary["run_id"], "status": summary.get("status"), "message": summary.get("message"),
        "history": summary.get("history"), "test": summary.get("test"),
        "baselines": task.summary(framed, board)["baselines"],
        "best_baseline": (summary.get("best_baseline") or {}).get("name"), "skill": summary.get("skill"),
        "verdict": summary.get("judgement"), **uncertainty_json(summary.get("uncertainty")),
        "params": summary.get("params"),
        "seconds": round(float(summary.get("seconds") or 0.0), 3), "settings": summary.get("settings"),
        "config": {"task": framed.config.to_dict(), "model": model_config.to_dict(), "train": train_config.to_dict()},
        "node": summary.get("node"),
    }  # fmt: skip
    if args.json:
        print_json(to_json_value(out, nan_to_none=True))
    else:
        print(f"{out['message']} ({out['params']} weights, {out['seconds']:.1f} s, on {out['node']})")
        if out["run_id"]:
            print(f"saved as run {out['run_id']} (workspace {summary['workspace']})")
        _print_test(out)
    return 0 if out["status"] != "diverged" else 1


def register(subparsers) -> None:
    p = subparsers.add_parser("train", help="train a model headless (in this process) and judge it")
    add_training_options(p)
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.add_argument(
        "--ray", metavar="ADDRESS",
        help="train on this Ray cluster (auto, host:6379, ray://host:10001; default $RNNLAB_RAY_ADDRESS)",
    )  # fmt: skip
    p.add_argument(
        "--save", action="store_true", help="record the run in the run store, as the dashboard does"
    )
    p.add_argument(
        "--workspace", help="the workspace id the run is saved to (implies --save; default: cli-runs)"
    )
    p.add_argument(
        "--intervals", type=float, metavar="LEVEL",
        help="nominal coverage of the conformal prediction intervals, 0.5 to 0.99 (default 0.9)",
    )  # fmt: skip
    p.set_defaults(func=run)


def add_training_options(p) -> None:
    """The data, lesson, task, model and training options (``train`` and ``backtest`` read them alike)."""
    p.add_argument(
        "data", nargs="?", help="bundled dataset key (e.g. ecg200) or a CSV path (default: the lesson's)"
    )
    p.add_argument(
        "--lesson", metavar="KEY", help="start from this lesson's preset (any other option overrides it)"
    )
    reading.add_read_options(p)
    task.add_task_options(p, seed_flag="--split-seed")
    # model and training options default to None: "not given", so that a lesson's preset stays as it is
    p.add_argument("--cell", choices=CELLS, help="default gru (a race lesson without --cell: all four cells)")
    p.add_argument(
        "--units",
        type=int_list_type("--units"),
        help="units per recurrent layer, e.g. 16,8 (stacked; default 32)",
    )
    p.add_argument("--bidirectional", action="store_true", default=None)
    p.add_argument("--dropout", type=float, help="default 0")
    p.add_argument(
        "--head-units",
        type=int_list_type("--head-units", example="16"),
        help="Dense layers before the output, e.g. 16",
    )
    p.add_argument("--head-activation", choices=HEAD_ACTIVATIONS, help="default relu")
    p.add_argument("--head-dropout", type=float, help="Dropout after each head Dense layer (default 0)")
    p.add_argument(
        "--normalization",
        action="store_true",
        default=None,
        help="a Normalization layer adapted on the training split",
    )
    p.add_argument("--optimizer", choices=OPTIMIZERS, help="default rmsprop")
    p.add_argument("--lr", type=float, help="learning rate (default 0.001)")
    p.add_argument("--batch-size", type=int, help="default 32")
    p.add_argument(
        "--class-weight", choices=["balanced"], help="classes: rare classes weigh more in the loss"
    )
    p.add_argument("--epochs", type=int, help="default 20")
    p.add_argument("--patience", type=int, help="early stopping patience; -1 = off (default 5)")
    p.add_argument("--seed", type=int, help="training seed (same seed → same curves on CPU; default 0)")
    p.add_argument("--device", help="e.g. /CPU:0 (default) or /GPU:0")
    p.add_argument("--no-fast", action="store_true", help="plain fit: one batch per step, no tf.data, no XLA")
