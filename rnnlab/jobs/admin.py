"""The teacher's view of the training queue: who waits, who trains, with how much work, and a cancel for each.

The admin page exists only while ``RNNLAB_ADMIN_TOKEN`` is set, and shows nothing until the token is given;
:func:`token_matches` compares in constant time (``hmac.compare_digest``). A token shorter than
:data:`MIN_TOKEN_CHARS` keeps the page shut (a short one could be guessed through the page). The rows show
a workspace by its first characters only (the id is the key to a student's runs) and the client address
as the queue counts it (:func:`rnnlab.ui.resources.client_address`).

Example:
    >>> token_matches("a" * 20, expected="a" * 20), token_matches("b" * 20, expected="a" * 20)
    (True, False)
    >>> short_workspace("3f9c2a7b1e0d4c5f")
    '3f9c2a…'
"""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass

from rnnlab.core import settings
from rnnlab.jobs.ledger import JobLedger

MIN_TOKEN_CHARS = 16
SHOWN_WORKSPACE_CHARS = 6


def enabled() -> bool:
    """Whether the admin page is offered at all (``RNNLAB_ADMIN_TOKEN`` is set)."""
    return settings.admin_token() is not None


def token_problem(expected: str | None = None) -> str | None:
    """Why the admin page stays shut whatever is typed (no token, or one too short), or ``None``."""
    expected = settings.admin_token() if expected is None else expected
    if not expected:
        return "The admin page is off: set RNNLAB_ADMIN_TOKEN when starting the server to use it."
    if len(expected) < MIN_TOKEN_CHARS:
        return (
            f"`RNNLAB_ADMIN_TOKEN` must be at least {MIN_TOKEN_CHARS} characters, so it cannot be guessed. "
            f"Received: {len(expected)} characters"
        )
    return None


def token_matches(given: str | None, expected: str | None = None) -> bool:
    """Whether ``given`` is the admin token (``expected``, default ``RNNLAB_ADMIN_TOKEN``), in constant time;
    always ``False`` while :func:`token_problem` says the page is shut."""
    expected = settings.admin_token() if expected is None else expected
    if token_problem(expected) is not None or not given or not expected:  # no token: token_problem says so
        return False
    return hmac.compare_digest(given.strip().encode("utf-8"), expected.encode("utf-8"))


def short_workspace(workspace: str | None) -> str:
    """The first characters of a workspace id, enough to tell students apart, never the whole key."""
    if not workspace:
        return "—"
    return workspace[:SHOWN_WORKSPACE_CHARS] + ("…" if len(workspace) > SHOWN_WORKSPACE_CHARS else "")


@dataclass(frozen=True)
class QueueRow:
    """One active job as the teacher sees it.

    Attributes:
        job_id: The queue's id (for the cancel button).
        workspace: The workspace, shortened (:func:`short_workspace`).
        client: The client address, ``"—"`` when unknown (localhost).
        what: The data, the cell and its units, or the lab job's name.
        epochs: Epochs asked for (0 for a lab job).
        work: Sample passes asked for: epochs × training samples (0 for a lab job).
        state: ``"queued"`` or ``"running"``.
        where: ``"#2 in the queue"`` or ``"epoch 3/20"``.
        waited_s: Seconds since it was submitted.
    """

    job_id: str
    workspace: str
    client: str
    what: str
    epochs: int
    work: int
    state: str
    where: str
    waited_s: float


def queue_rows(ledger: JobLedger, now: float | None = None) -> list[QueueRow]:
    """Every job queued or running, running ones first, then the queue in the order it will start."""
    now = time.time() if now is None else now
    rows = []
    for job, work in ledger.overview():
        if job.state == "queued":
            where = f"#{job.queue_position} in the queue"
        else:
            where = f"epoch {job.progress.get('epoch', 0)}/{job.progress.get('epochs', work.epochs or '?')}"
        rows.append(QueueRow(job.job_id, short_workspace(job.workspace), job.client or "—", work.what,
                             work.epochs, work.total, job.state, where, max(now - (job.submitted or now), 0.0)))  # fmt: skip
    return rows


def summary(rows: list[QueueRow]) -> str:
    """One line: jobs running and waiting, and the sample passes they ask for.

    Example:
        >>> summary([QueueRow("a", "w…", "—", "x", 10, 760, "running", "", 0.0),
        ...          QueueRow("b", "v…", "—", "y", 5, 500, "queued", "", 0.0)])
        '1 running, 1 waiting; 1,260 sample passes (epochs × training samples) asked for in all'
    """
    running = sum(r.state == "running" for r in rows)
    work = sum(r.work for r in rows)
    return (
        f"{running} running, {len(rows) - running} waiting; "
        f"{work:,} sample passes (epochs × training samples) asked for in all"
    )


def cancel(ledger: JobLedger, job_id: str) -> str:
    """Cancel a queued job or stop a running one, whichever workspace it belongs to; say what was done."""
    return ledger.cancel_any(job_id)
