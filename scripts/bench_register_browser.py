"""A family of three registered in a real browser, by keyboard only, measured: the keys the
volunteer pressed, the fields typed by hand, the wall time and the server's time.

    .venv/bin/python scripts/bench_register_browser.py [--households 2000] [--runs 5]

Builds a demo database like scripts/bench (SQLite unless --database-url), starts waitress on
127.0.0.1:--port, logs in as a volunteer and registers --runs families one after another
(tests/browser/register_flow.py: the head and spouse from two zones, the child typed from a
birth certificate). Wall time runs from opening the empty page to the household's page; the
server's time is the sum of the request durations the server logged meanwhile.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench import CARD_KEY, build_database  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from tests.browser.conftest import CHROMIUM_ARGS, VIEWPORT, chromium_executable  # noqa: E402
from tests.browser.register_flow import family, register_family_of_three  # noqa: E402
from tests.live import start_server  # noqa: E402

PASSWORD = "desk-Zq7!at-the-queue"


def server_requests(log: Path, start: int) -> list[tuple[str, float]]:
    """(what, seconds) of each request the server logged after byte ``start``."""
    found = []
    with log.open("rb") as lines:
        lines.seek(start)
        for raw in lines:
            try:
                entry = json.loads(raw)
            except ValueError:
                continue
            if entry.get("event") is None and entry.get("duration_ms") is not None:
                what = f"{entry['method']} {re.sub(r'/[0-9]+', '/N', entry['path'])}"
                if what.startswith("GET /static/"):
                    what = "GET /static/..."
                found.append((what, entry["duration_ms"] / 1000))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--port", type=int, default=8931)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    executable = chromium_executable()
    if executable is None:
        raise SystemExit("no Chromium: apt-get install chromium, or set AID_CHROMIUM")
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        build_database(url, args.households, 30, volunteer_password=PASSWORD)
        server = start_server(url, extra_env={"CARD_KEY": CARD_KEY}, threads=4, port=args.port)
        rows = []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=executable, headless=True, args=CHROMIUM_ARGS
                )
                page = browser.new_page(base_url=server.url, viewport=VIEWPORT)
                page.goto("/login")
                page.fill("#username", "bench")
                page.fill("#password", PASSWORD)
                page.click("button[type=submit]")
                expect(page.locator("header.top .who")).to_contain_text("bench")
                for run in range(args.runs):
                    logged = server.log.stat().st_size
                    started = time.perf_counter()
                    page.goto("/households/new")
                    tally = register_family_of_three(page, family(run + 1))
                    page.wait_for_url(re.compile(r"/households/\d+$"))
                    expect(page.locator(".flash.ok")).to_be_visible()
                    wall = time.perf_counter() - started
                    time.sleep(0.2)  # the log line of the last request
                    requests = server_requests(server.log, logged)
                    rows.append((tally, wall, requests))
                browser.close()
        finally:
            server.stop()
    tally = rows[0][0]
    print(f"\nheadless Chromium, {args.households} households, {args.runs} families of three\n")
    print(f"keys pressed by the volunteer: {tally.keys} (the zones' {tally.scanned} characters")
    print("  come from the document reader)")
    print(f"fields typed by hand: {len(tally.typed_fields)}: {', '.join(tally.typed_fields)}")
    print("\n| run | keys | wall s | server ms | requests |")
    print("|---|---|---|---|---|")
    for run, (t, wall, requests) in enumerate(rows, 1):
        spent = sum(seconds for _, seconds in requests) * 1000
        print(f"| {run} | {t.keys} | {wall:.2f} | {spent:.0f} | {len(requests)} |")
    walls = [wall for _, wall, _ in rows]
    servers = [sum(seconds for _, seconds in requests) * 1000 for _, _, requests in rows]
    print(
        f"\nmedian: wall {statistics.median(walls):.2f} s, "
        f"server {statistics.median(servers):.0f} ms per family"
    )
    kinds: dict[str, list[float]] = defaultdict(list)
    for _, _, requests in rows:
        for what, seconds in requests:
            kinds[what].append(seconds * 1000)
    print("\n| request | per family | median ms | max ms |")
    print("|---|---|---|---|")
    for what, ms in sorted(kinds.items()):
        print(f"| {what} | {len(ms) / len(rows):g} | {statistics.median(ms):.0f} | {max(ms):.0f} |")


if __name__ == "__main__":
    main()
