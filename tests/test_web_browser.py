"""The workbench in a real browser: ``rotation serve`` in its own process, Debian's chromium
driven by Playwright (no browser download). Upload a small workbook, solve with a short limit,
wait for the month grid, check one cell's unit against assignments.csv, download the workbook
and open it. Skipped when chromium or Playwright is missing, unless ROTATION_REQUIRE_BROWSER=1
(as in CI), which makes that a failure."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from web_support import month_tables, read_csv_rows, workbook

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing() -> str | None:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        return "chromium is not installed (apt-get install chromium chromium-driver)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def chromium_path() -> str:
    reason = _missing()
    if reason is not None:
        if os.environ.get("ROTATION_REQUIRE_BROWSER") == "1":
            pytest.fail(f"ROTATION_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    return CHROMIUM if Path(CHROMIUM).exists() else str(shutil.which("chromium"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``rotation serve`` on a free port; its address and workspace."""
    port, workspace = _free_port(), tmp_path / "workspace"
    log = open(tmp_path / "serve.log", "w", encoding="utf-8")  # noqa: SIM115 -- closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "rotation.cli", "serve", "--no-browser", "--port", str(port), "--workspace", str(workspace)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as answer:
                    assert answer.status == 200
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(
                        "rotation serve did not start: " + (tmp_path / "serve.log").read_text(encoding="utf-8")
                    ) from None
                time.sleep(0.2)
        yield url, workspace
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def test_a_planner_uploads_solves_and_downloads_in_the_browser(
    chromium_path: str, server: tuple[str, Path], tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    url, workspace = server
    data = workbook(tmp_path, month_tables())
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=chromium_path, headless=True, args=ARGS, accept_downloads=True
        )
        try:
            page = browser.new_page()
            page.goto(url)
            page.set_input_files("input[name=files]", str(data))
            page.get_by_role("button", name="上传并检查").click()
            page.wait_for_url("**/data/**")
            assert "检查通过" in page.inner_text(".box.good")

            page.fill("input[name=month]", "2026-03")
            page.dispatch_event("input[name=month]", "change")  # redraws the calendar for March
            page.wait_for_url("**month=2026-03**")
            expect(page.locator("table.calendar td.rest")).to_have_count(9)  # March 2026: nine weekend days
            page.fill("input[name=time_limit]", "5")
            page.get_by_role("button", name="开始排班").click()
            page.wait_for_url("**/runs/**")
            page.wait_for_selector("table#grid", timeout=60_000)

            run_id = page.url.rstrip("/").rsplit("/", 1)[1].split("?")[0]
            rows = read_csv_rows(workspace / "排班记录" / run_id / "输出" / "assignments.csv")
            chip = page.locator("table#grid .chip").nth(5)
            date, unit = chip.get_attribute("data-date"), chip.get_attribute("data-unit")
            duty = next(r for r in rows if r["date"] == date)
            assert unit == duty["unit"]
            assert chip.inner_text().lstrip("★").startswith(f"单位{duty['unit'][1:]}")

            with page.expect_download() as download:
                page.locator("a.button", has_text="轮值表.xlsx").click()
            saved = tmp_path / "downloaded.xlsx"
            download.value.save_as(saved)
        finally:
            browser.close()
    book = openpyxl.load_workbook(saved)
    assert any("县党群服务中心" in name for name in book.sheetnames)
    wall = next(book[name] for name in book.sheetnames if "县党群服务中心" in name)
    assert any(f"单位{duty['unit'][1:]}" in str(cell.value) for row in wall.iter_rows() for cell in row if cell.value)
