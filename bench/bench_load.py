"""Page responsiveness with a classroom on one server (loopback only, bounded in time).

Starts ``streamlit run app.py`` with 2 training workers; two "trainer" sessions open the Train page on
ECG5000 and press Start, then keep watching their live curves (answering the page's fragment reruns as
a browser does). ``--sessions`` student sessions open the Home, Data, Task, Model, Results and Compare
pages on ECG200 and, while both trainings run, each reruns its page (the Data page's "Draw others"
button, a plain rerun elsewhere) after a think time drawn uniformly from ``--think`` seconds,
``--reruns`` times. A rerun's time runs from sending the rerun to the server's ``script_finished``,
measured on the client. The sessions speak the app's own websocket protocol (:mod:`bench.protocol`),
so the server's two cores are not also shared with twenty browsers. Prints the 50th/95th percentile;
the target is p95 < 1 s with 20 sessions and 2 trainings.

    python -m bench.bench_load [--sessions 20] [--trainings 2] [--reruns 8] [--think 2 6]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from urllib.parse import urlencode

from bench.common import row, streamlit_server
from bench.protocol import ProtocolSession
from rnnlab.runs import share_link
from rnnlab.training.config import TrainConfig

PAGES = ("data", "task", "", "model", "results", "compare")  # "" is the home page
# the Train page's defaults on ECG5000, but long enough to outlast the measurement (Stop ends it)
TRAINER_QUERY = urlencode(share_link.to_query("ecg5000", train=TrainConfig(epochs=500, patience=None)))
TIMEOUT_S = 30.0


async def _student(
    url: str, page: str, reruns: int, think: tuple[float, float], start_at: float, deadline: float
) -> list[float]:
    async with ProtocolSession(url) as session:
        await session.rerun(page=page, query="ds=ecg200", timeout=120)
        await asyncio.sleep(max(0.0, start_at - time.monotonic()))
        times = []
        for _ in range(reruns):
            await asyncio.sleep(random.uniform(*think))
            if time.monotonic() > deadline:
                break
            try:
                if page == "data":
                    times.append(await session.click("Draw others", timeout=TIMEOUT_S))
                else:
                    times.append(await session.rerun(timeout=TIMEOUT_S))
            except TimeoutError:
                times.append(float("inf"))  # counted as a rerun that never came back
        if session.errors:
            raise RuntimeError(f"page {page!r} showed an exception: {session.errors[0]}")
        return times


async def _trainer(url: str, running: asyncio.Event, done: asyncio.Event) -> bool:
    """Start a training and watch it; True when it was still running after the students' last rerun."""
    async with ProtocolSession(url, follow_fragments=True) as session:
        await session.rerun(page="train", query=TRAINER_QUERY, timeout=120)
        await session.click("Start training", timeout=120)
        deadline = time.monotonic() + 180  # queued until a worker has TensorFlow imported
        while "Stop" not in session.buttons:  # the live panel (a fragment) draws Stop once it runs
            if time.monotonic() > deadline:
                raise RuntimeError(f"the training did not start; buttons: {sorted(session.buttons)}")
            await asyncio.sleep(0.5)
        running.set()
        await done.wait()  # watching the live curves until the students are done
        await session.rerun(timeout=120)
        still_running = "Stop" in session.buttons
        if still_running:
            await session.click("Stop", timeout=120)
        return still_running


async def measure(
    sessions: int, trainings: int, reruns: int, think: tuple[float, float], budget_s: float
) -> dict:
    with streamlit_server(workers=2) as (url, _proc):
        done = asyncio.Event()
        started = [asyncio.Event() for _ in range(trainings)]
        trainers = [asyncio.create_task(_trainer(url, started[i], done)) for i in range(trainings)]
        all_started = asyncio.gather(*(e.wait() for e in started))
        finished, _ = await asyncio.wait(
            [all_started, *trainers], timeout=240, return_when=asyncio.FIRST_COMPLETED
        )
        for task in finished:
            if task is not all_started:
                task.result()  # a trainer that ended before the students started: raise its error
                raise RuntimeError("a training ended before the students started")
        if not finished:
            raise RuntimeError("the trainings did not start within 240 s")
        start_at = time.monotonic() + 5  # students connect, then the trainings get going
        deadline = start_at + budget_s
        students = [
            _student(url, PAGES[i % len(PAGES)], reruns, think, start_at, deadline) for i in range(sessions)
        ]
        results = await asyncio.gather(*students)
        done.set()
        trained_throughout = all(await asyncio.gather(*trainers))
    times = sorted(t for r in results for t in r)
    if not times:
        raise RuntimeError("no rerun was measured: raise --budget or --reruns")
    by_page = {
        page or "home": [t for r in results[i :: len(PAGES)] for t in r] for i, page in enumerate(PAGES)
    }
    per_page = {page: statistics.median(ts) for page, ts in by_page.items() if ts}
    return {
        "n": len(times),
        "p50_s": statistics.median(times),
        "p95_s": times[max(0, int(round(0.95 * len(times))) - 1)],
        "max_s": times[-1],
        "timeouts": sum(1 for t in times if t == float("inf")),
        "median_by_page_s": per_page,
        "trained_throughout": trained_throughout,
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--trainings", type=int, default=2)
    parser.add_argument("--reruns", type=int, default=8)
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(2.0, 6.0),
        metavar=("MIN", "MAX"),
        help="seconds a student waits between reruns, drawn uniformly",
    )
    parser.add_argument(
        "--budget", type=float, default=240.0, help="seconds before reruns stop being started"
    )
    args = parser.parse_args(argv)
    result = asyncio.run(measure(args.sessions, args.trainings, args.reruns, tuple(args.think), args.budget))
    if not result["trained_throughout"]:
        print("note: a training ended before the last rerun; the load was lighter than intended")
    late = f", {result['timeouts']} not back within {TIMEOUT_S:.0f} s" if result["timeouts"] else ""
    pages = ", ".join(f"{k} {v:.2f} s" for k, v in result["median_by_page_s"].items())
    print(
        row(
            f"page rerun p95, {args.sessions} sessions + {args.trainings} trainings ({result['n']} reruns)",
            f"{result['p95_s']:.2f} s (p50 {result['p50_s']:.2f} s; medians {pages}{late})",
            "< 1 s",
            result["p95_s"] < 1.0,
        )
    )
    return result


if __name__ == "__main__":
    main()
