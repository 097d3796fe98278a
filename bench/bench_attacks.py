"""One student can't take the class down: each attack replayed against a real server on loopback.

For every attack a fresh ``streamlit run app.py`` listens on 127.0.0.1 under a memory cap (a watchdog
that kills the server once its resident memory passes ``--cap-mb``, as a cgroup's OOM killer would);
a real Chromium makes the attack while another session reruns the Data page over the app's websocket
protocol. Reported per attack: whether the server survived (still answering the other session), the
refusal the attacker saw and how long it took, the server's peak memory, and the other session's p95
rerun time during the attack. Targets: survives every one, p95 < 2 s, peak < 1.5 GB on the 10 M-value
files. Every attack file is generated here.

    python -m bench.bench_attacks                      # every attack
    python -m bench.bench_attacks csv-10m model-4096x8 # a selection
    python -m bench.bench_attacks worker-vm            # TensorFlow's address space in a worker

The class attacks (queue flood, class-board bomb, .keras config bomb, upload crowding, formula cells) are in
:mod:`bench.class_attacks`; each also says what another student saw.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
import psutil

from bench import class_attacks
from bench.common import ROOT, chromium_path, free_port, row, wait_idle

FAR = "http://127.0.0.2:9"  # an "outside" host: any request to it is counted
TARGET_P95_S, TARGET_PEAK_MB = 2.0, 1500.0
ALERTS = (
    '[data-testid="stAlertContentError"], [data-testid="stAlertContentWarning"], [data-testid="stException"]'
)
OUTCOMES = ALERTS + ', [data-testid="stAlertContentSuccess"], [data-testid="stToast"]'  # or a success


# ---- attack files ----------------------------------------------------------------------------
def one_column_csv(path: Path, n: int = 10_000_000) -> Path:
    """A 20 MB one-column CSV of ``n`` values (a series of 10 M steps)."""
    digits = np.random.default_rng(0).integers(0, 10, n).astype("U1")
    path.write_text("value\n" + "\n".join(digits) + "\n")
    return path


def ragged_csv(path: Path, long_steps: int = 1_000_000, n_short: int = 2_000) -> Path:
    """A long file: one sequence of a million steps and 2,000 of two steps (padded to 2001 × 1 M)."""
    steps = np.arange(long_steps)
    lines = ["id,step,v,label"] + [f"a,{t},{t % 10},0" for t in steps.tolist()]
    lines += [f"s{i},{t},{t},{i % 2}" for i in range(n_short) for t in (0, 1)]
    path.write_text("\n".join(lines) + "\n")
    return path


def long_rows_csv(path: Path, rows: int = 10_000_000, length: int = 1_000) -> Path:
    """A long file of ``rows`` rows (10,000 sequences of 1,000 steps), about 130 MB, written in blocks."""
    with path.open("w") as f:
        f.write("id,step,v,label\n")
        for start in range(0, rows, 1_000_000):
            i = np.arange(start, min(rows, start + 1_000_000))
            ids, steps = i // length, i % length
            block = np.char.add(np.char.add(ids.astype("U7"), ","), steps.astype("U4"))
            block = np.char.add(np.char.add(block, ","), (i % 97).astype("U2"))
            block = np.char.add(np.char.add(block, ","), (ids % 2).astype("U1"))
            f.write("\n".join(block.tolist()) + "\n")
    return path


def run_zip(path: Path, **members) -> Path:
    """An rnnlab-like run zip; ``members`` replace or add members (bytes, text or ``(name, size)`` zeros)."""
    config = {"id": "run-x", "label": "attack", "status": "finished", "dataset_name": "sunspots",
              "task": {"kind": "forecast", "window": 12}, "model": {"cell": "gru", "units": [8]},
              "train": {"epochs": 3}}  # fmt: skip
    base = {"config.json": json.dumps(config), "metrics.json": "{}", "history.csv": "epoch,loss\n0,1.0\n"}
    base.update({k.replace("__", "."): v for k, v in members.items()})
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, body in base.items():
            if isinstance(body, int):  # a bomb: this many zero bytes, streamed
                with zf.open(name, "w", force_zip64=True) as out:
                    chunk = b"\0" * 2**20
                    for _ in range(body // 2**20):
                        out.write(chunk)
            else:
                zf.writestr(name, body)
    return path


def bad_crc(path: Path) -> Path:
    raw = bytearray(run_zip(path).read_bytes())
    at = raw.find(b"config.json") + 20
    raw[at] ^= 0xFF
    path.write_bytes(bytes(raw))
    return path


def token(obj) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


HOSTILE_LINKS = [
    f"ds=![x]({FAR}/ds.png)",
    f"ds=[Session expired - click here to sign in again]({FAR}/login)",
    "model=" + token({"cell": "gru", f"[Session expired - click here to sign in again]({FAR}/login)": 1}),
    "task=" + token({"kind": "forecast", f"![y]({FAR}/t.png)": 1}),
    "ro=" + token({f"<img src={FAR}/ro.png>": 1}),
    "ds=sunspots&train=" + token({"epochs": 10**9, "batch_size": 10**9, "learning_rate": 1e9, "seed": 2**40}),
]


# ---- the server under a memory cap ------------------------------------------------------------
class CappedServer:
    """``streamlit run app.py`` on loopback; a watchdog records peak memory and kills it past the cap."""

    def __init__(self, cap_mb: float, env: dict | None = None):
        self.cap_mb, self.peak_mb, self.killed = cap_mb, 0.0, False
        self.data_dir = tempfile.mkdtemp(prefix="rnnlab-attack-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "RNNLAB_DATA_DIR": self.data_dir, "RNNLAB_WORKERS": "1", **(env or {})}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(self.port)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self._stop = threading.Event()
        self._watch = threading.Thread(target=self._watchdog, daemon=True)
        self._watch.start()
        self.wait_healthy(120)

    def _watchdog(self) -> None:
        process = psutil.Process(self.proc.pid)
        while not self._stop.is_set() and self.proc.poll() is None:
            with contextlib.suppress(psutil.Error):
                rss = process.memory_info().rss / 2**20
                self.peak_mb = max(self.peak_mb, rss)
                if rss > self.cap_mb:
                    self.killed = True
                    self.proc.kill()
            time.sleep(0.05)

    def wait_healthy(self, timeout: float) -> bool:
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2),
            ):
                return True
            time.sleep(0.2)
        if self.proc.poll() is not None:
            return False
        raise RuntimeError("streamlit did not start")

    def reset_peak(self) -> None:
        with contextlib.suppress(psutil.Error):
            self.peak_mb = psutil.Process(self.proc.pid).memory_info().rss / 2**20

    def close(self) -> None:
        self._stop.set()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        import shutil

        shutil.rmtree(self.data_dir, ignore_errors=True)


class Bystander:
    """Another student's session rerunning the Data page over the websocket; records each rerun's time."""

    def __init__(self, url: str):
        self.url, self.times, self.failures = url, [], 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)
        self._thread.start()

    async def _run(self) -> None:
        from bench.protocol import ProtocolSession

        try:
            async with ProtocolSession(self.url) as session:
                await session.rerun(page="data", query="ds=ecg200", timeout=120)
                while not self._stop.is_set():
                    try:
                        self.times.append((time.monotonic(), await session.rerun(timeout=30)))
                    except (TimeoutError, ConnectionError):
                        self.failures += 1
                        if self.failures > 3:
                            return
                    await asyncio.sleep(0.3)
        except OSError:
            self.failures += 1

    def p95(self, since: float) -> float | None:
        times = [t for at, t in self.times if at >= since]
        if len(times) < 2:
            return max(times, default=None)
        return statistics.quantiles(times, n=20)[-1]

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=40)


# ---- the attacker's browser ---------------------------------------------------------------------
def refusal_text(page, timeout_ms: float) -> str:
    """The first error, warning or success the page shows (waits up to ``timeout_ms``), or ``""``."""
    alert = page.locator(OUTCOMES).first
    with contextlib.suppress(Exception):
        alert.wait_for(timeout=timeout_ms)
        return " ".join(alert.inner_text().split())[:160]
    return ""


def open_page(page, name: str) -> None:
    page.locator('[data-testid="stSidebarNav"] a', has_text=name).first.click()
    wait_idle(page, 600_000)


def upload_then_task(page, url: str, path: Path) -> str:
    page.goto(f"{url}/data")
    wait_idle(page, 120_000)
    page.get_by_text("Upload a CSV", exact=True).first.click()
    wait_idle(page)
    page.locator('input[type="file"]').set_input_files(str(path))
    read = page.get_by_text("n_observations, n_features)").or_(page.locator(ALERTS))
    read.first.wait_for(timeout=600_000)  # the file read (or refused) on the Data page
    wait_idle(page, 600_000)
    open_page(page, "Task")
    return refusal_text(page, 60_000)


def import_zip(page, url: str, path: Path) -> str:
    page.goto(f"{url}/compare")
    wait_idle(page, 120_000)
    with contextlib.suppress(Exception):
        page.get_by_text("Import a run zip").first.click(timeout=5_000)
    page.locator('input[type="file"]').last.set_input_files(str(path))
    wait_idle(page, 120_000)
    page.get_by_role("button", name="Import").click()
    wait_idle(page, 600_000)
    return refusal_text(page, 30_000)


def open_link(page, url: str, query: str, name: str = "model") -> str:
    page.goto(f"{url}/{name}?{query}")
    wait_idle(page, 600_000)
    return refusal_text(page, 10_000)


def open_links(page, url: str, queries: list[str]) -> str:
    """Each hostile link on the Train page (the page that reads every part of a link)."""
    return " / ".join(open_link(page, url, query, "train")[:40] for query in queries)


def attacks(tmp: Path) -> dict:
    """Name → (what it does, ``make() -> arg`` run before the clock starts, ``act(page, url, arg) -> refusal``)."""
    lstm = token({"cell": "lstm", "units": [4096] * 8})
    upload, imported = upload_then_task, import_zip
    history = lambda: "epoch,loss\n" + "".join(f"{i},0.5\n" for i in range(300_000))  # noqa: E731
    epochs = json.dumps({"task": {"kind": "forecast"}, "model": {}, "train": {"epochs": 10**18}})
    return {
        "csv-10m": ("10 M-value one-column CSV, then Task", lambda: one_column_csv(tmp / "values.csv"), upload),
        "ragged-1m": ("16 MB ragged file, one 1,000,000-step sequence, then Task", lambda: ragged_csv(tmp / "ragged.csv"), upload),
        "long-10m": ("10 M-row long file, then Task", lambda: long_rows_csv(tmp / "long.csv"), upload),
        "model-4096x8": ("Model page link, LSTM units [4096]*8", lambda: f"ds=sunspots&model={lstm}", open_link),
        "zip-bomb": ("2 MB zip with four unused 500 MB members", lambda: run_zip(tmp / "bomb.zip", **{f"data{i}__csv": 500 * 2**20 for i in range(4)}), imported),
        "zip-bomb-known": ("history.csv of 500 MB zeros", lambda: run_zip(tmp / "bomb2.zip", history__csv=500 * 2**20), imported),
        "history-300k": ("zip with 300,000 history rows", lambda: run_zip(tmp / "hist.zip", history__csv=history()), imported),
        "zip-bad-crc": ("zip with a bad CRC", lambda: bad_crc(tmp / "crc.zip"), imported),
        "zip-nested-json": ("deeply nested config.json", lambda: run_zip(tmp / "nest.zip", config__json="[" * 200_000 + "]" * 200_000), imported),
        "zip-epochs-1e18": ("imported config with epochs=10**18", lambda: run_zip(tmp / "ep.zip", config__json=epochs), imported),
        "hostile-links": ("share links with Markdown, HTML and out-of-range values", lambda: HOSTILE_LINKS, open_links),
        **class_attacks.attacks(tmp),
    }  # fmt: skip


def replay(name: str, cap_mb: float, tmp: Path) -> dict:
    """Run one attack on a fresh capped server; return the measurements."""
    from playwright.sync_api import sync_playwright

    what, make, action = attacks(tmp)[name]
    arg = make()  # the attack file is made before the server starts and the clock runs
    server = CappedServer(cap_mb, class_attacks.ENV.get(name))
    outside, dialogs = [], []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox", "--headless"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on(
                "request",
                lambda r: (
                    outside.append(r.url)
                    if "127.0.0.1" not in r.url and not r.url.startswith("data:")
                    else None
                ),
            )
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(server.url)
            wait_idle(page, 120_000)
            bystander = Bystander(server.url)
            time.sleep(3)
            server.reset_peak()
            start = time.monotonic()
            error = ""
            try:
                refusal, note = action(page, server.url, arg), ""
                if isinstance(refusal, tuple):  # a class attack also says what the others saw
                    refusal, note = refusal
            except Exception as err:  # noqa: BLE001 - a dead server shows up here; reported, not raised
                refusal, note, error = "", "", f"{type(err).__name__}: {str(err)[:120]}"
            seconds = time.monotonic() - start
            time.sleep(2)
            links = page.locator(f'a[href^="{FAR}"], img[src^="{FAR}"]').count()
            bystander.stop()
            browser.close()
        alive = server.proc.poll() is None and server.wait_healthy(10)
        return {"name": name, "what": what, "survived": alive and not server.killed, "killed": server.killed,
                "refusal": refusal, "seconds": seconds, "peak_mb": server.peak_mb, "p95_s": bystander.p95(start),
                "bystander_failures": bystander.failures, "outside_requests": len(outside),
                "dialogs": len(dialogs), "outside_links": links, "error": error, "note": note}  # fmt: skip
    finally:
        server.close()


def worker_vm() -> dict:
    """TensorFlow's address space in a worker-like process: after import and after two small trainings."""
    script = """
import os, json
def vm():
    return {k: int(v.split()[0]) // 1024 for k, v in (l.split(":", 1) for l in open("/proc/self/status"))
            if k in ("VmPeak", "VmHWM")}
out = {"start": vm()}
import tensorflow, keras
out["imported"] = vm()
from rnnlab.data import catalog
from rnnlab.models.config import ModelConfig
from rnnlab.task import framing
from rnnlab.task.types import TaskConfig
from rnnlab.training import fit
from rnnlab.training.config import TrainConfig
fit.train(framing.frame(catalog.load_dataset("ecg5000"), TaskConfig("classify")), ModelConfig(units=(32,)), TrainConfig(epochs=1))
fit.train(framing.frame(catalog.load_dataset("sunspots"), TaskConfig("forecast", window=24)), ModelConfig(cell="lstm", units=(64, 64)), TrainConfig(epochs=2))
out["trained"] = vm()
print(json.dumps(out))
"""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=ROOT, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    names = list(attacks(Path(tempfile.gettempdir())))
    parser = argparse.ArgumentParser(prog="python -m bench.bench_attacks", description=__doc__.split("\n")[0])
    parser.add_argument("attacks", nargs="*", help=f"any of: {', '.join(names)}, worker-vm")
    parser.add_argument("--cap-mb", type=float, default=3072, help="the server's memory cap (watchdog)")
    args = parser.parse_args(argv)
    if args.attacks == ["worker-vm"]:
        vm = worker_vm()
        print(row("worker address space (VmPeak)", f"{vm['imported']['VmPeak']:,} MB after import, "
                  f"{vm['trained']['VmPeak']:,} MB after two trainings ({vm['trained']['VmHWM']:,} MB resident)",
                  "< RNNLAB_WORKER_MEMORY_MB", None))  # fmt: skip
        return 0
    chosen = args.attacks or names
    unknown = [n for n in chosen if n not in names]
    if unknown:
        parser.error(f"unknown attack(s): {', '.join(unknown)}")
    ok_all = True
    with tempfile.TemporaryDirectory(prefix="rnnlab-attacks-") as tmp:
        for name in chosen:
            r = replay(name, args.cap_mb, Path(tmp))
            big = name in ("csv-10m", "ragged-1m")
            ok = (r["survived"] and not r["error"] and (r["p95_s"] or 0) < TARGET_P95_S and not r["outside_requests"] and not r["dialogs"]
                  and not r["outside_links"] and (not big or r["peak_mb"] < TARGET_PEAK_MB))  # fmt: skip
            ok_all &= ok
            p95 = "n/a" if r["p95_s"] is None else f"{r['p95_s']:.2f} s"
            figure = (f"{'survived' if r['survived'] else 'KILLED' if r['killed'] else 'DOWN'}; outcome in {r['seconds']:.1f} s: "
                      f"\"{r['refusal'][:90]}\"; peak {r['peak_mb']:,.0f} MB; other session p95 {p95}; "
                      f"outside requests {r['outside_requests']}, dialogs {r['dialogs']}, links {r['outside_links']}"
                      + (f"; {r['note']}" if r["note"] else "") + (f"; {r['error']}" if r["error"] else ""))  # fmt: skip
            target = f"survives, p95 < {TARGET_P95_S:g} s" + (
                f", peak < {TARGET_PEAK_MB:,.0f} MB" if big else ""
            )
            print(row(f"{name}: {r['what']}", figure, target, ok), flush=True)
    return 0 if ok_all else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
