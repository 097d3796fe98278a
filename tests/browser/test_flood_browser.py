"""A class one student cannot spoil: Alice floods the queue (Race the cells, reload, again, until refused);
Bob, in another browser with a workspace of his own, still starts a training, waits at most behind the one
job already running, and gets his verdict while Alice's jobs still wait; the teacher's /admin page then
lists Alice's jobs and cancels them.

One worker on a server of its own (started with ``RNNLAB_ADMIN_TOKEN`` set), so the queue's order is what
decides who trains next. Every wait is on a condition the page shows.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import time
from urllib.parse import urlencode

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from rnnlab.runs import lessons
from rnnlab.runs.store import new_workspace_id
from tests.helpers import screenshot, start_server, wait_idle

pytestmark = pytest.mark.browser

TOKEN = "flood-test-teacher-token-1234"
REFUSED = '[data-testid="stAlertContentError"]'
RACE_EPOCHS = 60  # each of Alice's four jobs keeps the one worker for several seconds


@pytest.fixture
def one_worker_server(tmp_path_factory, monkeypatch, browser):
    monkeypatch.setenv("RNNLAB_ADMIN_TOKEN", TOKEN)  # the teacher's page, for this server only
    data_dir = tmp_path_factory.mktemp("flood-data")
    log_path = tmp_path_factory.mktemp("flood-log") / "streamlit.log"
    proc, url = start_server(data_dir, log_path, workers=1)
    warm = browser.new_page()  # the root page once, or a first deep link shows "page not found" (README)
    warm.goto(url)
    wait_idle(warm, timeout=120_000)
    warm.close()
    yield url
    proc.terminate()  # by its own PID
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def _context_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    return context, page


def _flood(page, url: str, ws: str) -> str:
    """Alice: the race lesson with more epochs, then Race the cells and a reload, again, until refused."""
    lesson = lessons.get_lesson("race_sunspots")
    train = lesson.configs()[2].replace(epochs=RACE_EPOCHS, patience=None)
    page.goto(f"{url}/compare?{urlencode({**lesson.query(), 'train': train.to_token(), 'ws': ws})}")
    wait_idle(page, timeout=120_000)
    for _ in range(6):
        page.get_by_role("button", name="Race the cells").click()
        wait_idle(page, timeout=120_000)
        refusal = page.locator(REFUSED).filter(has_text="may have at most")
        if refusal.count():
            return " ".join(refusal.first.inner_text().split())
        page.reload()  # a fresh browser session of the same workspace
        wait_idle(page, timeout=120_000)
    raise AssertionError("the queue never refused Alice's races")


def _bob_trains(page, url: str) -> list[int]:
    """Bob: lesson 1 on the Train page, Start; the queue positions his tab showed until his verdict."""
    lesson = lessons.get_lesson("three_cities")
    page.goto(f"{url}/train?{urlencode(lesson.query())}")
    wait_idle(page, timeout=120_000)
    page.get_by_role("button", name="Start training").click()
    wait_idle(page, timeout=60_000)
    assert page.locator(REFUSED).count() == 0, page.locator(REFUSED).first.inner_text()
    positions: list[int] = []
    verdict = page.get_by_role("heading", name="Verdict")
    deadline = time.monotonic() + 300
    while not verdict.count():  # read the queue line, then wait up to a second for the verdict to appear
        assert time.monotonic() < deadline, "Bob's training gave no verdict in 5 minutes"
        shown = re.findall(r"waiting in the queue \(position (\d+)\)", page.inner_text("body"))
        positions += [int(p) for p in shown]
        with contextlib.suppress(PlaywrightTimeout):
            verdict.wait_for(timeout=1_000)
    return positions


def _cancel_everything(page) -> None:
    """The teacher cancels every queued job, then stops the running ones, until the list is empty."""
    deadline = time.monotonic() + 180
    while not page.get_by_text("Nothing is queued or running.").count():
        assert time.monotonic() < deadline, page.inner_text("body")
        cancel = page.get_by_role("button", name="Cancel", exact=True)
        stop = page.get_by_role("button", name="Stop", exact=True)
        refresh = page.get_by_role("button", name="Refresh", exact=True)
        (cancel if cancel.count() else stop if stop.count() else refresh).first.click()
        wait_idle(page, timeout=60_000)


def test_a_second_student_still_trains_while_the_first_floods_the_queue(one_worker_server, browser):
    url = one_worker_server
    alice_ws = new_workspace_id()
    (alice_ctx, alice), (bob_ctx, bob), (teacher_ctx, teacher) = (_context_page(browser) for _ in range(3))
    try:
        refusal = _flood(alice, url, alice_ws)
        assert "A workspace may have at most" in refusal, refusal  # reloads did not reset Alice's share
        running = alice.get_by_text(re.compile(rf"epoch \d+/{RACE_EPOCHS}"))  # the worker is warm and busy
        expect(running.first).to_be_visible(timeout=180_000)
        positions = _bob_trains(bob, url)
        assert max(positions, default=1) == 1, positions  # Bob waited behind the running job only
        bob.get_by_text("judged on the same").first.wait_for(timeout=60_000)
        screenshot(bob, "flood_bob_verdict")

        teacher.goto(f"{url}/admin")
        wait_idle(teacher, timeout=60_000)
        teacher.get_by_label("Admin token (RNNLAB_ADMIN_TOKEN)").fill(TOKEN)
        teacher.get_by_label("Admin token (RNNLAB_ADMIN_TOKEN)").press("Enter")
        wait_idle(teacher, timeout=60_000)
        alice_rows = teacher.get_by_text(alice_ws[:6] + "…", exact=True)
        expect(alice_rows.first).to_be_visible()
        queued = teacher.get_by_text(re.compile(r"^queued: #\d+ in the queue$"))
        assert queued.count() >= 1  # Bob's verdict came while Alice's jobs still waited
        screenshot(teacher, "flood_teacher_view")
        _cancel_everything(teacher)
    finally:
        for context in (alice_ctx, bob_ctx, teacher_ctx):
            context.close()
