"""The desk in a real browser: from the Enter of a scan to the answer on screen, and from the
Enter of a handover to HANDED OVER, measured in headless Chromium against the real server.

    .venv/bin/python scripts/bench_desk_browser.py [--households 2000] [--scans 100]

Builds a demo database like scripts/bench (SQLite unless --database-url), starts waitress,
logs in as a volunteer and serves --scans households one after another, as a desk would.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench import CARD_KEY, build_database  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.conftest import CHROMIUM_ARGS, VIEWPORT, chromium_executable  # noqa: E402
from tests.live import start_server  # noqa: E402


def summary(name: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"| {name} | {len(ms)} | {statistics.median(ms):.0f} | {p95:.0f} | {max(ms):.0f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--scans", type=int, default=100)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    executable = chromium_executable()
    if executable is None:
        raise SystemExit("no Chromium: apt-get install chromium, or set AID_CHROMIUM")
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        _, qrs, _ = build_database(
            url, args.households, 200, volunteer_password="desk-Zq7!at-the-queue"
        )
        server = start_server(url, extra_env={"CARD_KEY": CARD_KEY})
        decisions: list[float] = []
        handovers: list[float] = []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=executable, headless=True, args=CHROMIUM_ARGS
                )
                page = browser.new_page(base_url=server.url, viewport=VIEWPORT)
                page.goto("/login")
                page.fill("#username", "bench")
                page.fill("#password", "desk-Zq7!at-the-queue")
                page.click("button[type=submit]")
                page.goto("/desk")
                scan = page.locator("#scan")
                for qr in qrs[: args.scans]:
                    scan.fill(qr)
                    started = time.perf_counter()
                    scan.press("Enter")
                    page.wait_for_selector("#panel [data-state=eligible]")
                    decisions.append(time.perf_counter() - started)
                    started = time.perf_counter()
                    scan.press("Enter")
                    page.wait_for_selector("#panel [data-state=served]")
                    handovers.append(time.perf_counter() - started)
                browser.close()
        finally:
            server.stop()
    print(f"\nheadless Chromium, {args.households} households, one desk\n")
    print("| step | count | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|---|")
    print(summary("scan → decision on screen", decisions))
    print(summary("Enter → HANDED OVER on screen", handovers))


if __name__ == "__main__":
    main()
