"""First complete render of the home page and of the Data page (ECG5000), in a real browser.

Starts ``streamlit run app.py`` on a loopback port, opens Chromium, and times from
navigation to the first idle script state with the page's content on screen. Also
reports whether the server process imported TensorFlow after those renders (it must not).

    python -m bench.bench_render [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

import psutil

from bench.common import CHROMIUM_FLAGS, chromium_path, row, streamlit_server, wait_idle


def _tf_loaded(pid: int) -> bool:
    """Whether the process has TensorFlow's native library mapped (i.e. imported TF)."""
    try:
        return any(
            "_pywrap_tensorflow" in m.path or "libtensorflow" in m.path
            for m in psutil.Process(pid).memory_maps()
        )
    except psutil.Error:
        return False


def measure(repeat: int) -> dict:
    from playwright.sync_api import sync_playwright

    home, data = [], []
    with streamlit_server() as (url, proc), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        for _ in range(repeat):
            ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = ctx.new_page()
            start = time.perf_counter()
            page.goto(url)
            page.get_by_text("Start from a bundled dataset").wait_for()
            wait_idle(page)
            home.append(time.perf_counter() - start)
            ctx.close()
            ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = ctx.new_page()
            page.goto(url)
            wait_idle(page)
            button = page.locator('[class*="st-key-home-open-ecg5000"] button')
            start = time.perf_counter()
            button.click()
            page.get_by_text("What rnnlab understood").wait_for(timeout=60_000)  # the Data page
            page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
            wait_idle(page)
            data.append(time.perf_counter() - start)
            ctx.close()
        browser.close()
        tf_in_server = _tf_loaded(proc.pid)
    return {"home_s": home, "data_ecg5000_s": data, "server_imported_tensorflow": tf_in_server}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    result = measure(args.repeat)
    home, data = statistics.median(result["home_s"]), statistics.median(result["data_ecg5000_s"])
    print(row("first render, home page (median)", f"{home:.2f} s", "—", None))
    print(row("Data page, ECG5000 chosen → charts (median)", f"{data:.2f} s", "≤ 2 s", data <= 2.0))
    print(
        row(
            "server imported TensorFlow",
            str(result["server_imported_tensorflow"]),
            "False",
            not result["server_imported_tensorflow"],
        )
    )
    return result


if __name__ == "__main__":
    main()
