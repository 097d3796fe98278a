"""The class attacks of ``bench.bench_attacks``: what one student can do to the others through the shared queue,
the class board, imports, the upload room and the exports — each replayed in a real Chromium against the
capped server on loopback while another session is timed (see :func:`bench.bench_attacks.replay`).

- ``queue-flood``: Race the cells, reload, again; fresh workspaces from the same computer, again — until the
  queue refuses; then another computer's student starts lesson 1: the queue positions shown and the time to
  the verdict.
- ``board-bomb``: a run zip claiming a perfect score with 20,000 baselines in its ``metrics.json``.
- ``keras-bomb``: a run zip whose ``model.keras`` holds a 300 MB ``config.json`` (300 KB compressed).
- ``upload-crowding``: eight fresh workspaces of one computer each upload 1.5 MB under a 10 MB server total;
  then another computer's student uploads.
- ``formula-cells``: class names that are spreadsheet formulas: upload, train one epoch, export the run;
  the live formula cells left in ``predictions.csv`` and ``history.csv``.

Each action returns ``(outcome the attacker saw, a note on what the others saw)``. Two computers are told
apart by ``X-Forwarded-For`` (the server trusts it here, as behind a class's reverse proxy).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import time
import zipfile
from pathlib import Path
from urllib.parse import urlencode

import numpy as np

from bench.common import wait_idle

ERROR = '[data-testid="stAlertContentError"]'
ATTACKER, OTHER = "10.0.0.66", "10.0.0.8"  # the two computers, as the proxy would name them
FLOOD_EPOCHS = 60  # each flooding job keeps the one worker for several seconds
FORMULAS = ('=HYPERLINK("http://127.0.0.2:9/x","click")', "@SUM(1+1)", "+cmd|' /C calc'!A0", "-2+3")
RISKY = ("=", "+", "-", "@", "\t", "\r")
ENV = {  # per attack: the server's settings
    "queue-flood": {"RNNLAB_TRUST_FORWARDED_FOR": "1"},
    "upload-crowding": {
        "RNNLAB_TRUST_FORWARDED_FOR": "1",
        "RNNLAB_UPLOAD_QUOTA_MB": "3",
        "RNNLAB_UPLOADS_TOTAL_MB": "10",
    },  # fmt: skip
}


def _as(page, client: str):
    """``page`` speaking for computer ``client`` from now on (every request, the websocket included)."""
    page.context.set_extra_http_headers({"X-Forwarded-For": client})
    return page


def _other_page(page, client: str):
    context = page.context.browser.new_context(viewport={"width": 1400, "height": 1000})
    return context, _as(context.new_page(), client)


def _error(page, containing: str = "") -> str:
    found = page.locator(ERROR).filter(has_text=containing) if containing else page.locator(ERROR)
    return " ".join(found.first.inner_text().split()) if found.count() else ""


# ---- queue flood ------------------------------------------------------------------------------------
def _race_link(url: str, ws: str) -> str:
    from rnnlab.runs import lessons

    lesson = lessons.get_lesson("race_sunspots")
    train = lesson.configs()[2].replace(epochs=FLOOD_EPOCHS, patience=None)
    return f"{url}/compare?{urlencode({**lesson.query(), 'train': train.to_token(), 'ws': ws})}"


def _lesson_one_verdict(page, url: str) -> tuple[float | None, list[int]]:
    """Lesson 1 on the Train page, Start: seconds to the verdict (None: none in 5 min), queue positions seen."""
    from rnnlab.runs import lessons

    page.goto(f"{url}/train?{urlencode(lessons.get_lesson('three_cities').query())}")
    wait_idle(page, 120_000)
    start, positions = time.monotonic(), []
    page.get_by_role("button", name="Start training").click()
    verdict = page.get_by_role("heading", name="Verdict")
    while not verdict.count():
        if time.monotonic() - start > 300 or _error(page):
            return None, positions
        positions += [int(p) for p in re.findall(r"in the queue \(position (\d+)\)", page.inner_text("body"))]
        with contextlib.suppress(Exception):
            verdict.wait_for(timeout=500)
    return time.monotonic() - start, positions


def queue_flood(page, url: str, _arg) -> tuple[str, str]:
    from rnnlab.runs.store import new_workspace_id

    _as(page, ATTACKER)
    page.goto(_race_link(url, new_workspace_id()))
    wait_idle(page, 120_000)
    refusals, workspaces, presses = [], 1, 0
    while presses < 12:
        presses += 1
        page.get_by_role("button", name="Race the cells").click()
        wait_idle(page, 120_000)
        refusal = _error(page, "may have at most")
        refusals += [refusal] if refusal else []
        if refusal.startswith("One computer") or (refusal and workspaces >= 4):
            break
        if refusal:  # the workspace is full: a fresh one from the same computer
            workspaces += 1
            page.goto(_race_link(url, new_workspace_id()))
        else:  # a reload: a fresh browser session of the same workspace
            page.reload()
        wait_idle(page, 120_000)
    page.get_by_text(re.compile(rf"epoch \d+/{FLOOD_EPOCHS}")).first.wait_for(timeout=180_000)  # worker busy
    context, other = _other_page(page, OTHER)
    try:
        seconds, positions = _lesson_one_verdict(other, url)
    finally:
        context.close()
    kinds = sorted({r.split(" may")[0] for r in refusals})
    seen = f"queue position {max(positions)} at most" if positions else "never queued"
    other_line = (
        f"verdict {seconds:.1f} s after Start, {seen}" if seconds is not None else "NO verdict in 5 min"
    )
    note = (f"{presses} presses, {workspaces} workspaces, refused by: {', '.join(kinds) or 'nothing'}; "
            f"another computer's lesson 1: {other_line}")  # fmt: skip
    return (refusals[-1] if refusals else ""), note


# ---- imports: the class board, the model file ---------------------------------------------------
def board_bomb_zip(tmp: Path) -> Path:
    from bench.bench_attacks import run_zip

    rows = [{"name": f"baseline {i}", "val": {"mae": 1e9}, "test": {"mae": 1e9}} for i in range(20_000)]
    metrics = {"main_metric": "mae", "test_metrics": {"mae": 0.0}, "best_val": 0.0, "scoreboard": rows,
               "verdict": "beats every baseline by 100 %"}  # fmt: skip
    return run_zip(tmp / "board.zip", metrics__json=json.dumps(metrics))


def keras_bomb_zip(tmp: Path, mb: int = 300) -> Path:
    """A run zip whose ``model.keras`` declares a ``config.json`` of ``mb`` MB (spaces, then ``{}``)."""
    from bench.bench_attacks import run_zip

    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", compression=zipfile.ZIP_DEFLATED) as keras_file:
        keras_file.writestr("metadata.json", json.dumps({"keras_version": "3.0.0"}))
        with keras_file.open("config.json", "w", force_zip64=True) as out:
            block = b" " * 2**20
            for _ in range(mb):
                out.write(block)
            out.write(b"{}")
        keras_file.writestr("model.weights.h5", b"")
    return run_zip(tmp / "keras_bomb.zip", model__keras=inner.getvalue())


# ---- the upload room ---------------------------------------------------------------------------
def upload_files(tmp: Path, n: int = 8, mb: float = 1.5) -> list[Path]:
    """``n`` distinct one-column CSVs of about ``mb`` MB each, and one more for the other student (last)."""
    paths = []
    for i in range(n + 1):
        values = np.random.default_rng(100 + i).integers(0, 10**6, int(mb * 2**20 / 7))
        path = tmp / f"crowd{i}.csv"
        path.write_text("value\n" + "\n".join(map(str, values.tolist())) + "\n")
        paths.append(path)
    return paths


def _upload(page, url: str, path: Path) -> str:
    """Upload ``path`` on the Data page (of the page's workspace): ``"kept"``, or the refusal."""
    page.get_by_text("Upload a CSV", exact=True).first.click()
    wait_idle(page)
    page.locator('input[type="file"]').set_input_files(str(path))
    outcome = page.get_by_text("kept for this workspace on the server").or_(page.locator(ERROR))
    outcome.first.wait_for(timeout=120_000)
    wait_idle(page, 120_000)
    return _error(page, "not used") or "kept"


def upload_crowding(page, url: str, paths: list[Path]) -> tuple[str, str]:
    _as(page, ATTACKER)
    outcomes = []
    for path in paths[:-1]:
        page.goto(f"{url}/data")  # no workspace in the URL: a fresh one each time
        wait_idle(page, 120_000)
        outcomes.append(_upload(page, url, path))
    context, other = _other_page(page, OTHER)
    try:
        other.goto(f"{url}/data")
        wait_idle(other, 120_000)
        theirs = _upload(other, url, paths[-1])
    finally:
        context.close()
    refused = [o for o in outcomes if o != "kept"]
    note = (f"attacker: {len(outcomes) - len(refused)} of {len(outcomes)} files kept in fresh workspaces; "
            f"another computer's upload: {theirs[:70]}")  # fmt: skip
    return (refused[-1] if refused else "all kept"), note


# ---- formula cells through an export ------------------------------------------------------------------
def formula_csv(tmp: Path) -> Path:
    """A wide CSV: 60 sequences of 12 steps, the class names spreadsheet formulas."""
    rng = np.random.default_rng(7)
    lines = ["label," + ",".join(f"t{t}" for t in range(12))]
    for i in range(60):
        label = FORMULAS[i % len(FORMULAS)]
        values = rng.normal(i % len(FORMULAS), 1.0, 12)
        lines.append(f'"{label.replace(chr(34), chr(34) * 2)}",' + ",".join(f"{v:.3f}" for v in values))
    path = tmp / "formulas.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _live_cells(text: str) -> tuple[int, int]:
    """Cells a spreadsheet would run — text (not a number) starting with one of :data:`RISKY` — and cells made
    safe by a leading ``'``."""
    live = safe = 0
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            with contextlib.suppress(ValueError):
                float(cell)
                continue
            live += cell.startswith(RISKY)
            safe += cell.startswith("'") and cell[1:].startswith(RISKY)
    return live, safe


def _go(page, name: str) -> None:
    """Open a page from the sidebar (the same browser session) and wait until its script has run."""
    page.get_by_test_id("stSidebarNav").get_by_text(name, exact=True).first.click()
    page.wait_for_url(re.compile(rf"/{name.lower()}(\?|$)"), timeout=120_000)
    wait_idle(page, 120_000)


def formula_cells(page, url: str, path: Path) -> tuple[str, str]:
    page.goto(f"{url}/data")
    wait_idle(page, 120_000)
    _upload(page, url, path)
    _go(page, "Train")
    epochs = page.get_by_label("Epochs", exact=True)
    epochs.fill("1")
    epochs.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Start training").click()
    page.get_by_role("heading", name="Verdict").wait_for(timeout=300_000)
    wait_idle(page, 120_000)
    _go(page, "Compare")
    page.get_by_role("button", name="Prepare export zip").click()
    wait_idle(page, 120_000)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Download zip").click()
    with zipfile.ZipFile(download.value.path()) as zf:
        names = zf.namelist()
        live = {n: _live_cells(zf.read(n).decode()) for n in ("predictions.csv", "history.csv") if n in names}
        data = _live_cells(zf.read("data.csv").decode())[0] if "data.csv" in names else None
        readme = zf.read("README.txt").decode() if "README.txt" in names else ""
    shown = (
        ", ".join(f"{n} {c} ({s} made safe)" for n, (c, s) in live.items())
        or "no predictions.csv or history.csv"
    )
    warned = "README.txt warns" if "Careful" in readme else "README.txt says nothing"
    outcome = "exported" if live else "NOT exported"
    return outcome, f"live formula cells: {shown}; data.csv keeps {data} ({warned})"


def attacks(tmp: Path) -> dict:
    """Name → (what it does, ``make() -> arg``, ``act(page, url, arg) -> (outcome, note)``)."""
    return {
        "queue-flood": ("queue flood: Race the cells, reloads and fresh workspaces until refused", lambda: None, queue_flood),
        "board-bomb": ("class-board bomb: zip claiming MAE 0 with 20,000 baselines", lambda: board_bomb_zip(tmp), _import),
        "keras-bomb": (".keras config bomb: 300 MB config.json inside model.keras", lambda: keras_bomb_zip(tmp), _import),
        "upload-crowding": ("upload-quota crowding: 8 fresh workspaces × 1.5 MB, server total 10 MB", lambda: upload_files(tmp), upload_crowding),
        "formula-cells": ("formula cells: class names =HYPERLINK(…), @SUM, +cmd, -2+3; train, export", lambda: formula_csv(tmp), formula_cells),
    }  # fmt: skip


def _import(page, url: str, path: Path) -> tuple[str, str]:
    """Import the zip on the Compare page; the refusal, and the reason it gives after "Details:" if any."""
    from bench.bench_attacks import import_zip

    refusal = import_zip(page, url, path)
    details = _error(page).partition("Details: ")[2]
    return refusal, (f"details: {details[:120]}" if details else "")
