"""Each attack replayed against a real, memory-capped server on loopback (bench/bench_attacks.py).

The server survives, another session's reruns stay quick (p95 < 2 s) and the 10 M-value files keep the
server under 1.5 GB. Slow and browser-driven: ``make test-all`` with Chromium installed.
"""

from __future__ import annotations

import shutil

import pytest

from bench import bench_attacks

pytestmark = [pytest.mark.slow, pytest.mark.browser]

BIG_FILES = ("csv-10m", "ragged-1m")
ATTACKS = ["csv-10m", "ragged-1m", "model-4096x8", "zip-bomb", "history-300k", "zip-bad-crc",
           "zip-nested-json", "zip-epochs-1e18", "hostile-links"]  # fmt: skip


@pytest.mark.parametrize("name", ATTACKS)
def test_the_server_survives(name, tmp_path):
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        pytest.skip("Debian's chromium is not installed")
    r = bench_attacks.replay(name, cap_mb=3072, tmp=tmp_path)
    assert r["survived"] and not r["error"], r
    assert r["refusal"], r  # the attacker was told why
    assert r["p95_s"] is not None and r["p95_s"] < bench_attacks.TARGET_P95_S, r
    assert r["outside_requests"] == r["dialogs"] == r["outside_links"] == 0, r
    if name in BIG_FILES:
        assert r["peak_mb"] < bench_attacks.TARGET_PEAK_MB, r
