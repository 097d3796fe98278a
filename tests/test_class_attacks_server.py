"""The class attacks replayed against a real, memory-capped server on loopback (bench/class_attacks.py):
the server survives and another session's reruns stay quick; another computer's student still trains
behind at most the running job and still uploads; imports over their caps are refused in one line; an
export leaves no live formula cell. Slow and browser-driven: ``make test-all`` with Chromium installed.
"""

from __future__ import annotations

import re
import shutil

import pytest

from bench import bench_attacks

pytestmark = [pytest.mark.slow, pytest.mark.browser]

EXPECT = {  # what the attacker is told, and what the others' note must say
    "queue-flood": ("One computer may have at most", r"another computer's lesson 1: verdict [\d.]+ s after Start, "
                    r"(queue position 1 at most|never queued)"),
    "board-bomb": ("must be at most 64 KB", ""),
    "keras-bomb": ("was refused", r"config\.json unpacks to [\d,]+ bytes, more than the 4,194,304 allowed"),
    "upload-crowding": ("", r"another computer's upload: kept"),
    "formula-cells": ("exported", r"predictions\.csv 0 \([1-9]\d* made safe\), history\.csv 0"),
}  # fmt: skip


@pytest.mark.parametrize("name", list(EXPECT))
def test_the_class_survives(name, tmp_path):
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        pytest.skip("Debian's chromium is not installed")
    r = bench_attacks.replay(name, cap_mb=3072, tmp=tmp_path)
    assert r["survived"] and not r["error"], r
    told, others = EXPECT[name]
    assert told in r["refusal"], r
    assert re.search(others, r["note"]), r
    assert r["p95_s"] is not None and r["p95_s"] < bench_attacks.TARGET_P95_S, r
    assert r["outside_requests"] == r["dialogs"] == r["outside_links"] == 0, r
