"""Small widgets the pages share: charts, presentation mode, the Advanced box, and one job progress panel.

The job panel (:func:`job_progress`) is the one way a page shows a job of the worker pool: its place in
the queue or its progress, and a Cancel or Stop button. The Train, Inside and Compare pages use it, and
:func:`training_problem` above their training buttons: the one line saying why nothing can train (a Ray
cluster that cannot be reached or went away).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from rnnlab.core import settings, text
from rnnlab.evaluation import findings
from rnnlab.evaluation import uncertainty as uncertainties
from rnnlab.evaluation.next_step import NextStep, next_step
from rnnlab.evaluation.verdict import verdict_of
from rnnlab.jobs.messages import Device
from rnnlab.jobs.outcome import TrainSummary
from rnnlab.jobs.protocol import JobQueue
from rnnlab.jobs.types import JobStatus, progress_line
from rnnlab.plots import results as plots_results
from rnnlab.plots.inert import make_inert
from rnnlab.runs import compare
from rnnlab.runs.record import RunRecord
from rnnlab.ui import caches, current, resources, workspace_state


def presenting() -> bool:
    """Presentation mode (``?present=1``, then kept on every page until switched off): larger type and
    charts, advanced controls hidden."""
    return workspace_state.sync_presenting()


def plain(value: object) -> str:
    """User-given text (file, column and run names, labels) made inert for Markdown: shown as its characters.

    Example:
        >>> plain("[x](y)")
        '\\\\[x\\\\]\\\\(y\\\\)'
    """
    return text.markdown(value)


def code(value: object) -> str:
    """User-given text as an inline code span no backtick inside it can close."""
    return text.code(value)


def error(message: object) -> None:
    """``st.error`` of a message (or exception) that may quote user input: none of it renders as Markdown."""
    st.error(text.message(message))


def warning(message: object) -> None:
    """``st.warning``, inert (see :func:`error`)."""
    st.warning(text.message(message))


def info(message: object) -> None:
    """``st.info``, inert (see :func:`error`)."""
    st.info(text.message(message))


def success(message: object) -> None:
    """``st.success``, inert (see :func:`error`)."""
    st.success(text.message(message))


def verdict(result: Mapping[str, Any], *, subject: str = "The model") -> None:
    """The run's verdict as a banner: green only for a plain win (beats the baseline chosen on validation
    beyond the test set's noise, no baseline better on test, enough test samples); a tie is blue; a mixed
    result, a loss or a tiny test split is a warning. A caption says how it was judged."""
    judged = verdict_of(result)
    if judged is None:  # a run judged before verdicts were objects: its sentence only
        if result.get("verdict"):
            st.info(f"{subject} {text.markdown(result['verdict'])}.")
        return
    banner = st.success if judged.wins else st.info if judged.outcome == "tie" and not judged.small_test else st.warning
    banner(f"{subject} {judged.text}.")  # the verdict's words are rnnlab's own: names of baselines, numbers
    where = "the validation split" if judged.chosen_on == "validation" else "the test split (there is no validation split)"
    how = f"The baseline to beat is chosen on {where} and judged on the same {judged.n_test} test {judged.unit} as the model."
    if judged.skill_low is not None:
        how += (
            f" The {judged.level * 100:.0f} % interval comes from 1,000 bootstrap resamples of the test split "
            f"({judged.resampled}); a gain whose interval holds 0 is a tie."
        )
    for note in judged.notes:
        how += f" {text.markdown(note)}."
    st.caption(how)


def next_step_offer(result: TrainSummary, run: RunRecord | None) -> NextStep | None:
    """Say what the next step of a run that does not win is, and why; return it (``None``: nothing to offer).
    The page adds the one-click button that applies it."""
    judged = verdict_of(result)
    if judged is None or judged.wins or run is None:
        return None
    task, train = run["task_config"], run["train_config"]
    if not task or not train:
        return None
    framed = current.job_framed(task, run["dataset_ref"])
    step = next_step(judged.outcome, framed, task, train, result.get("history"),
                     majority_only=findings.majority_only(result))  # fmt: skip
    if step is not None:
        st.markdown(f"**Next step:** {text.markdown(step['why'])}")
    return step


def uncertainty(result: Mapping[str, Any]) -> None:
    """How far to trust the run's predictions: its conformal intervals' coverage on test beside their nominal
    level (and per horizon step), or a classifier's expected calibration error and reliability diagram.
    Shows nothing for a run judged before these were measured."""
    found = result.get("uncertainty")
    if not isinstance(found, dict) or found.get("kind") not in ("intervals", "calibration"):
        return
    said = uncertainties.sentence(found)
    if found["kind"] == "calibration":
        st.subheader("Calibration of the predicted probabilities")
        if not said:
            st.info("No test predictions to measure the calibration on.")
            return
        st.markdown(f"**{said}**")
        chart(plots_results.reliability_figure(found))
        st.caption(
            "Test predictions grouped by their confidence (the top probability) in ten bins: a point below "
            "the diagonal is a bin where the model is more sure than it is right. The expected calibration "
            "error is the mean gap between confidence and accuracy, weighted by each bin's predictions."
        )
        return
    st.subheader("Prediction intervals")
    if found.get("q") is None or found.get("coverage_test") is None:
        st.info(said or "This run has no prediction intervals.")
        return
    st.markdown(f"**{said}**")
    level, n = found["level"], found.get("n_calibration")
    st.caption(
        f"Split-conformal: each interval is the prediction ± the ⌈(n+1)·{level:g}⌉-th smallest of the n = {n} "
        "absolute errors on the validation split (per horizon step and target), drawn as a band on the chart "
        "below. It holds the truth that often if the test errors are like the validation ones; a coverage "
        "well below the level says they are not (the series changed after validation)."
    )
    per_output = found.get("coverage_per_output") or []
    if len(per_output) > 1:
        q = [float(v) for v in _flat(found["q"])]
        names = found.get("outputs") or [str(j + 1) for j in range(len(per_output))]
        st.dataframe(
            [{"output": name, "half-width": round(w, 4), "coverage on test": f"{c * 100:.0f} %"}
             for name, w, c in zip(names, q, per_output)],
            hide_index=True, width="stretch", key="results-intervals",
        )  # fmt: skip


def _flat(values) -> list:
    return [x for v in values for x in _flat(v)] if isinstance(values, list) else [values]


def race_verdicts(runs: Sequence[RunRecord]) -> None:
    """A race's winner line (green only when the winner plainly wins), then one verdict per contestant."""
    judged = compare.race_verdicts(runs)
    line = judged["winner"]
    (st.success if line["outcome"] == "win" else st.warning)(line["text"])  # rnnlab's words: cells, numbers
    for (name, one), run in zip(judged["entries"], runs):
        said = one.text if one is not None else text.markdown(run.get("message") or run.get("status") or "")
        st.markdown(f"- **{name}**: {said or 'no verdict'}")


def finding(found: dict) -> None:
    """A finding (message and hint) as a warning; both may quote column names, so both are inert."""
    st.warning(f"{text.markdown(found['message'])} **Hint:** {text.markdown(found['hint'])}")


def widget_max(usual: float, stored: float | None) -> float:
    """A widget's maximum: the usual one, or the stored value when a link or a saved run goes beyond it.

    Example:
        >>> widget_max(0.5, 0.7), widget_max(100, None)
        (0.7, 100)
    """
    return max(usual, stored) if stored is not None else usual


def chart(fig: go.Figure, **kwargs) -> None:
    """Show a Plotly figure full-width; in presentation mode with larger type and height."""
    make_inert(fig)  # every figure's text is inert, also one a page built itself (idempotent)
    if presenting():
        fig = go.Figure(fig)  # a copy: the figure may be shared (see shared_chart)
        fig.update_layout(font={"size": 20}, height=int((fig.layout.height or 450) * 1.35))
    st.plotly_chart(fig, width="stretch", **kwargs)


def shared_chart(name: str, parts: Any, build, *, of_dataset: bool = True, **kwargs) -> None:
    """Show a figure that depends only on the current dataset and ``parts``, built once for all sessions.

    Building a Plotly figure costs tens of milliseconds; with a class on one server the same figures are
    asked for again and again, so they are kept (128 at most) under the dataset's key (which includes an
    upload's content hash) and ``parts`` (a seed, the features shown). The figure is never changed after.

    Args:
        name: Which figure. parts: JSON-able values it depends on besides the dataset.
        build: ``() -> go.Figure``, called on a miss.
        of_dataset: False for a figure that does not show the session's dataset (the home page's).
    """
    chart(caches.figure(name, current.dataset_key() if of_dataset else None, parts, build), **kwargs)


def advanced(label: str = "Advanced"):
    """An expander for rarely-needed controls, or ``None`` in presentation mode (the stored values stay).

    Usage: ``box = widgets.advanced()``; ``if box is not None: with box: ...`` — otherwise keep the
    stored settings, so that projecting the app never changes what a lesson set up.
    """
    return None if presenting() else st.expander(label)


def job_line(status: JobStatus, name: str | None = None) -> str:
    """The panel's text for a job: its progress line, its state once ended, the run's name first.

    Example:
        >>> job_line(JobStatus("j", "r", "s", state="queued", queue_position=2), "GRU")
        'GRU: waiting in the queue (position 2)'
        >>> job_line(JobStatus("j", "r", "s", state="failed"))
        'failed'
    """
    line = progress_line(status)
    if not status.active:
        line = f"{status.state} · {line}" if status.progress else status.state
    return f"{name}: {line}" if name else line


def job_fraction(status: JobStatus) -> float:
    """How far the job is, in [0, 1] (0 while queued or before its first report)."""
    return min(max(float(status.progress.get("fraction") or 0.0), 0.0), 1.0)


def job_progress(status: JobStatus, *, name: str | None = None, key: str | None = None) -> None:
    """One job's progress bar, with a Cancel (queued) or Stop (running) button when ``key`` is given.

    Args:
        status: The job, as :meth:`~rnnlab.jobs.protocol.JobQueue.status` gave it.
        name: What the job trains (a run's label), shown before its progress.
        key: Prefix of the button's widget key (``f"{key}-cancel"``, ``f"{key}-stop"``); ``None``: no button.
    """
    st.progress(job_fraction(status), text=job_line(status, name))
    if key is None or not status.active:
        return
    if status.state == "queued":
        if st.button("Cancel", key=f"{key}-cancel"):
            workspace_state.stop(status)  # a queued job is taken out of the queue
            st.rerun()
        return
    if st.button("Stop", key=f"{key}-stop", disabled=status.stop_requested):
        workspace_state.stop(status)
    if status.stop_acknowledged is not None:
        st.caption("Stopping: the worker has it and ends the training at its next batch…")
    elif status.stop_requested:
        st.caption("Stop sent to the worker…")


def training_problem(queue: JobQueue | None = None) -> bool:
    """Show why no training can run now, as one error line (the job queue's ``problem()``); return whether so.

    Pages that train call it above their training buttons and disable them while it returns ``True``.

    Args:
        queue: The page's job queue. ``None`` (pages that train only on request: Compare, Inside) asks the
            manager a page already started, never starting the local worker pool — but with a Ray cluster
            configured the manager is started here: that runs nothing on this machine, and a cluster that
            cannot be reached must be said before anyone presses a button.
    """
    if queue is None:
        queue = resources.job_manager() if settings.ray_address() else resources.started_job_manager()
    problem = queue.problem() if queue is not None else None
    if problem:
        st.error(f"Nothing can train now. {problem}", icon=":material/cloud_off:")
    return bool(problem)


def device_label(device: Device) -> str:
    """A device as people read it: the name training takes, then what it is (a model, a cluster's node).

    Example:
        >>> device_label({"name": "/GPU:0", "kind": "GPU", "description": "GPU on node gpu-1"})
        '/GPU:0 — GPU on node gpu-1'
        >>> device_label({"name": "/CPU:0", "kind": "CPU", "description": ""})
        '/CPU:0'
    """
    description = str(device.get("description") or "").strip()
    return f"{device['name']} — {description}" if description else device["name"]
