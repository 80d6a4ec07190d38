"""The workbench (``rotation serve``) through Starlette's test client: uploads, validation,
calendar, solve with progress and stop, the views, downloads, repair, swap, check, history,
and a hostile or confused client (zip-slip, oversized uploads, tokens, double submits)."""

from __future__ import annotations

import io
import itertools
import json
import re
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import minimal_tables, write_xlsx_tables
from starlette.testclient import TestClient
from web_support import csv_zip, generated_folder, month_tables, read_csv_rows, workbook

from rotation.errors import DataError
from rotation.loader import MAX_INPUT_BYTES, load
from web.app import create_app
from web.runs import RUNS, Workspace, safe_name

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MARCH = {"month": "2026-03", "time_limit": "5"}


@pytest.fixture
def app(tmp_path: Path):  # type: ignore[no-untyped-def]
    application = create_app(tmp_path / "workspace", stop_wait=5)
    yield application
    application.state.jobs.stop()
    application.state.jobs.wait(30)


@pytest.fixture
def client(app) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(app, raise_server_exceptions=False)


def upload(client: TestClient, files: list[tuple[str, bytes, str]]):  # type: ignore[no-untyped-def]
    return client.post("/data", files=[("files", f) for f in files], follow_redirects=False)


def upload_workbook(client: TestClient, tmp_path: Path, tables=None) -> str:  # type: ignore[no-untyped-def]
    path = workbook(tmp_path, tables)
    response = upload(client, [(path.name, path.read_bytes(), XLSX)])
    assert response.status_code == 303, response.text
    return response.headers["location"]


def solve(client: TestClient, app, data_url: str, **form: str) -> str:  # type: ignore[no-untyped-def]
    """Start a solve and wait for it; the run's URL."""
    response = client.post(f"{data_url}/solve", data={**MARCH, **form}, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert app.state.jobs.wait(60)
    return response.headers["location"]


def run_folder(app, run_url: str) -> Path:  # type: ignore[no-untyped-def]
    return app.state.workspace.runs_dir / run_url.rsplit("/", 1)[1]


@pytest.fixture(scope="module")
def generated_zip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """bench/generate.py's small preset as a zip: a month whose search takes the whole limit."""
    folder = generated_folder(tmp_path_factory.mktemp("generated") / "生成")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file in folder.iterdir():
            archive.write(file, file.name)
    return buffer.getvalue()


def cells(html: str) -> str:
    """The page's text without tags, for asserting on what a planner reads."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- data --------------------------------------------------------------------------------------


def test_home_page_shows_the_first_step(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    text = cells(page.text)
    for words in ("第一步：准备数据", "上传并检查", "使用凤庆县示例数据", "下载空白数据模板"):
        assert words in text
    assert "http://" not in page.text.replace('xmlns="http://www.w3.org/2000/svg"', "")  # nothing from the internet


def test_every_script_and_style_ships_in_the_package(client: TestClient) -> None:
    for path in ("/static/app.js", "/static/style.css"):
        assert client.get(path).status_code == 200
    for name in ("home.html", "base.html", "run.html", "data.html"):
        text = (Path(__file__).resolve().parent.parent / "web" / "templates" / name).read_text(encoding="utf-8")
        assert not re.search(r"(src|href)=\"(https?:)?//", text), name


def test_blank_template_downloads_as_a_workbook(client: TestClient) -> None:
    response = client.get("/template")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert {"阵地", "时段", "需求", "单位", "日历调整"} <= set(book.sheetnames)


def test_a_workbook_upload_is_checked_and_shows_summary_and_calendar(client: TestClient, tmp_path: Path) -> None:
    data_url = upload_workbook(client, tmp_path)
    page = client.get(f"{data_url}?month=2026-10")
    text = cells(page.text)
    assert "检查通过" in text and "2026年10月" in text
    assert "国庆节" in text and 'class="day holiday"' in page.text and 'class="day adjusted"' in page.text
    assert "开始排班" in text


def test_a_zip_of_csv_tables_and_loose_csv_files_are_accepted(client: TestClient) -> None:
    response = upload(client, [("本县数据.zip", csv_zip(), "application/zip")])
    assert response.status_code == 303, response.text
    assert "检查通过" in client.get(response.headers["location"]).text
    loose = [
        (f"{name}.csv", "\n".join(",".join(row) for row in rows).encode("gbk"), "text/csv")
        for name, rows in month_tables().items()
    ]
    response = upload(client, loose)
    assert response.status_code == 303, response.text


def test_a_zip_made_by_chinese_windows_keeps_its_table_names(client: TestClient) -> None:
    """Windows stores GBK names without the UTF-8 flag: 阵地.csv must not become mojibake."""

    class GbkName(zipfile.ZipInfo):
        def _encodeFilenameFlags(self):  # type: ignore[no-untyped-def]
            return self.filename.encode("gbk"), self.flag_bits & ~0x800

    names = {"stations": "阵地", "shifts": "时段", "demand": "需求", "units": "单位", "unavailability": "不可安排"}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, rows in month_tables().items():
            archive.writestr(GbkName(f"{names[name]}.csv"), "\n".join(",".join(r) for r in rows).encode("gbk"))
    assert zipfile.ZipFile(io.BytesIO(buffer.getvalue())).namelist()[0] != "阵地.csv"  # read back as code page 437
    response = upload(client, [("数据.zip", buffer.getvalue(), "application/zip")])
    assert response.status_code == 303, response.text


def test_data_problems_show_as_a_table_in_the_words_of_validate(client: TestClient, tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["units"][2][4] = "很多"  # members: not a number
    tables["demand"][1][2] = "XX"  # an unknown shift
    path = write_xlsx_tables(tmp_path / "坏数据.xlsx", tables)
    with pytest.raises(DataError) as expected:
        load(path)
    response = upload(client, [(path.name, path.read_bytes(), XLSX)])
    assert response.status_code == 422
    assert "Traceback" not in response.text
    rows = re.findall(
        r"<tr><td>\d+</td><td>(.*?)</td><td>(.*?)</td>\s*<td>(.*?)</td><td title=\"(.*?)\">(.*?)</td></tr>", response.text, re.S
    )
    shown = [(t, r, c, m) for t, r, c, _, m in rows]
    import html

    assert [(html.unescape(t), html.unescape(r), html.unescape(c), html.unescape(m)) for t, r, c, m in shown] == [
        (i.table, "" if i.row is None else str(i.row), i.column or "", i.message) for i in expected.value.issues
    ]
    assert all(html.unescape(title) == str(i) for (_, _, _, title, _), i in zip(rows, expected.value.issues, strict=True))
    assert not list((tmp_path / "workspace" / "数据").iterdir())  # a refused upload is not kept


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("说明.pdf", b"%PDF-1.4", "不认识的文件"),
        ("数据.xlsx", b"PK\x03\x04 not really a workbook", "不是有效的 Excel 工作簿"),
        ("数据.zip", b"not a zip at all", "不是有效的 .zip 压缩包"),
        ("数据.zip", b"", "不是有效的 .zip 压缩包"),
        ("数据.xls", b"\xd0\xcf\x11\xe0", "另存为"),
    ],
)
def test_files_that_are_not_data_get_a_clear_message(client: TestClient, name: str, content: bytes, words: str) -> None:
    response = upload(client, [(name, content, "application/octet-stream")])
    assert response.status_code == 422
    assert words in response.text
    assert "Traceback" not in response.text


def test_an_upload_without_a_file_is_told_to_choose_one(client: TestClient) -> None:
    response = client.post("/data", data={}, follow_redirects=False)
    assert response.status_code == 422
    assert "没有选择文件" in response.text


def test_a_broken_form_gets_a_page_not_an_error(client: TestClient) -> None:
    response = client.post(
        "/data",
        content=b'--x\r\nContent-Disposition: form-data; name="files"; filename="a.xlsx"\r\n',
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert response.status_code in (400, 422) and "Traceback" not in response.text
    assert "提交的内容不完整" in response.text or "没有选择文件" in response.text or "不是有效的" in response.text


def test_an_unknown_year_offers_the_calendar_table_or_plain_weekends(client: TestClient, app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data_url = upload_workbook(client, tmp_path)
    page = client.get(f"{data_url}?month=2031-05")
    text = cells(page.text)
    assert "内置日历不包含 2031 年" in text and "日历调整" in text and "按普通周末排" in text
    assert re.search(r"<button class=\"primary big\" type=\"submit\" disabled>开始排班", page.text)
    refused = client.post(f"{data_url}/solve", data={"month": "2031-05", "time_limit": "3"}, follow_redirects=False)
    assert refused.status_code == 422
    assert "日历调整" in refused.text and not app.state.workspace.runs()  # never a silent guess
    assumed = client.get(f"{data_url}?month=2031-05&assume_weekends=1")
    assert "按普通周末推定" in assumed.text and "检查通过" in assumed.text
    run_url = solve(client, app, data_url, month="2031-05", time_limit="3", assume_weekends="1")
    assert "按普通周末推定日历" in client.get(run_url).text


def test_a_range_of_dates_is_solved(client: TestClient, app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data_url = upload_workbook(client, tmp_path)
    page = client.get(f"{data_url}?range=dates&start=2026-03-02&end=2026-03-08")
    assert "日历：2026-03-02 至 2026-03-08" in page.text
    run_url = solve(client, app, data_url, range="dates", start="2026-03-02", end="2026-03-08")
    record = json.loads((run_folder(app, run_url) / "run.json").read_text(encoding="utf-8"))
    assert record["title"] == "排班 2026-03-02 至 2026-03-08" and record["summary"]["needed"] == 7
    backwards = client.post(f"{data_url}/solve", data={"range": "dates", "start": "2026-03-08", "end": "2026-03-02"})
    assert backwards.status_code == 422 and "早于开始日期" in backwards.text


def test_a_bad_month_or_time_limit_is_reported(client: TestClient, tmp_path: Path) -> None:
    data_url = upload_workbook(client, tmp_path)
    response = client.post(f"{data_url}/solve", data={"month": "2026-13"}, follow_redirects=False)
    assert response.status_code == 422 and "月份应写成 2026-12" in response.text
    response = client.post(f"{data_url}/solve", data={"month": "2026-03", "time_limit": "abc"}, follow_redirects=False)
    assert response.status_code == 422 and "时限应是秒数" in response.text


# --- solving and what it shows -------------------------------------------------------------------


def test_a_solve_writes_its_run_and_shows_grid_views_and_downloads(client: TestClient, app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data_url = upload_workbook(client, tmp_path)
    run_url = solve(client, app, data_url)
    folder = run_folder(app, run_url)
    record = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert record["status"] == "done" and record["summary"]["covered"] == record["summary"]["needed"] == 31
    assert (folder / "输入" / "本县数据.xlsx").is_file()

    page = client.get(run_url)
    assert page.status_code == 200
    rows = read_csv_rows(folder / "输出" / "assignments.csv")
    first = rows[0]
    grid = re.search(rf'data-unit="(\w+)" data-label="([^"]+)"\s+data-date="{first["date"]}"', page.text)
    assert grid is not None and grid.group(1) == first["unit"] and grid.group(2) == f"单位{first['unit'][1:]}"
    assert "★" in page.text  # first-inquiry units marked

    for view, words in (
        ("unit", "公平份额"),
        ("fairness", "<svg"),
        ("scores", "公平（按党员人数）"),
        ("gaps", "没有缺口"),
        ("change", "调整排班"),
        ("report", "排班范围：2026-03-01 至 2026-03-31"),
    ):
        response = client.get(f"{run_url}?view={view}")
        assert response.status_code == 200 and words in response.text, view

    book = client.get(f"{run_url}/files/轮值表.xlsx")
    assert book.status_code == 200 and "attachment" in book.headers["content-disposition"]
    assert "县党群服务中心" in "".join(openpyxl.load_workbook(io.BytesIO(book.content)).sheetnames)
    assert client.get(f"{run_url}/files/assignments.csv").text.replace("\r\n", "\n") == (
        folder / "输出" / "assignments.csv"
    ).read_text(encoding="utf-8")
    assert "覆盖：31/31" in client.get(f"{run_url}/files/求解报告.txt").text
    units = zipfile.ZipFile(io.BytesIO(client.get(f"{run_url}/files/各单位值班表.zip").content)).namelist()
    assert sorted(units) == [f"单位{n}.xlsx" for n in range(1, 5)]
    inputs = zipfile.ZipFile(io.BytesIO(client.get(f"{run_url}/inputs.zip").content)).namelist()
    assert inputs == ["本县数据.xlsx"]

    listed = client.get("/api/runs").json()
    assert [r["id"] for r in listed] == [folder.name] and "轮值表.xlsx" in listed[0]["files"]
    assert folder.name in client.get("/history").text and folder.name in client.get("/").text


def test_the_built_in_data_solves_from_the_page(client: TestClient, app) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/data/builtin?month=2026-12")
    assert "2026年12月：开放时段 977 个，需值班 1059 单位次" in page.text
    run_url = solve(client, app, "/data/builtin", month="2026-12", time_limit="10")
    record = json.loads((run_folder(app, run_url) / "run.json").read_text(encoding="utf-8"))
    assert record["status"] in ("done", "shortfall") and record["summary"]["needed"] == 1059
    assert "凤山镇党群服务中心" in client.get(run_url).text


def test_progress_streams_and_stop_keeps_the_best_roster(client: TestClient, app, generated_zip: bytes) -> None:  # type: ignore[no-untyped-def]
    data_url = upload(client, [("生成.zip", generated_zip, "application/zip")]).headers["location"]
    began = time.monotonic()
    response = client.post(f"{data_url}/solve", data={"month": "2026-12", "time_limit": "40"}, follow_redirects=False)
    assert response.status_code == 303
    run_url = response.headers["location"]
    run_id = run_url.rsplit("/", 1)[1]

    # while it runs: the page shows it, a second solve is refused, downloads wait, pages keep answering
    assert "停止，保留目前最好的排班" in client.get(run_url).text
    assert f"/runs/{run_id}" in client.get("/").text  # reopening the workbench finds the running solve
    second = client.post(f"{data_url}/solve", data={"month": "2026-12"}, follow_redirects=False)
    assert second.status_code == 409 and "同一个工作文件夹一次只进行一项" in second.text
    early = client.get(f"{run_url}/files/轮值表.xlsx")
    assert early.status_code == 409 and "还在进行中" in early.text
    answers: list[int] = []
    threads = [
        threading.Thread(target=lambda path=path: answers.append(client.get(path).status_code))
        for path in ("/", run_url, "/history", "/api/job", data_url, "/api/runs") * 3
    ]
    for thread in threads:
        thread.start()

    def stop_later() -> None:
        job = app.state.jobs.current()
        while job is not None and not job.solutions and not job.done.is_set():
            time.sleep(0.1)
        time.sleep(1.5)
        answers.append(client.post("/api/job/stop").status_code)

    stopper = threading.Thread(target=stop_later)
    stopper.start()
    stream = client.get(f"/api/job/events?run={run_id}")  # ends with the job
    stopper.join()
    for thread in threads:
        thread.join()
    assert set(answers) == {200}

    events = [json.loads(line[6:]) for line in stream.text.splitlines() if line.startswith("data: ")]
    progress = events[:-1]
    assert len(progress) >= 3 and [e["elapsed"] for e in progress] == sorted(e["elapsed"] for e in progress)
    assert all(b["elapsed"] - a["elapsed"] <= 1.0 for a, b in itertools.pairwise(progress))
    assert any(e["phase"] for e in progress) and any(e["objective"] for e in progress)
    assert {"elapsed", "remaining", "fraction", "covered", "needed", "objective", "bound", "gap"} <= set(events[0])
    assert "event: done" in stream.text and events[-1]["status"] == "stopped"
    assert time.monotonic() - began < 30  # the stop ended a 40-second search
    record = json.loads((run_folder(app, run_url) / "run.json").read_text(encoding="utf-8"))
    assert record["status"] == "stopped" and "已停止搜索" in record["message"]
    assert client.get(f"{run_url}/files/轮值表.xlsx").status_code == 200


def test_stop_without_a_solve_is_told_so(client: TestClient, app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/api/job/stop")
    assert response.status_code == 409 and "没有正在进行的排班" in response.json()["message"]
    assert client.get("/api/job").json()["running"] is False
    run_url = solve(client, app, upload_workbook(client, tmp_path))
    response = client.post(f"{run_url}/stop", follow_redirects=True)
    assert response.status_code == 200 and "这次已经结束，无需停止" in response.text
    events = client.get(f"/api/job/events?run={run_url.rsplit('/', 1)[1]}").text
    assert "event: done" in events


def test_a_double_submit_starts_one_solve(client: TestClient, app, generated_zip: bytes) -> None:  # type: ignore[no-untyped-def]
    data_url = upload(client, [("生成.zip", generated_zip, "application/zip")]).headers["location"]
    statuses: list[int] = []
    barrier = threading.Barrier(3)

    def submit() -> None:
        barrier.wait()
        form = {"month": "2026-12", "time_limit": "60"}
        statuses.append(client.post(f"{data_url}/solve", data=form, follow_redirects=False).status_code)

    threads = [threading.Thread(target=submit) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert client.post("/api/job/stop").status_code == 200
    assert app.state.jobs.wait(60)
    assert sorted(statuses) == [303, 409, 409]
    assert len(app.state.workspace.runs()) == 1


def test_a_previous_roster_is_continued(client: TestClient, app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data_url = upload_workbook(client, tmp_path)
    march = solve(client, app, data_url).rsplit("/", 1)[1]
    april = solve(client, app, data_url, month="2026-04", previous=march)
    assert (run_folder(app, april) / "输入" / "上一份排班.csv").is_file()
    assert json.loads((run_folder(app, april) / "run.json").read_text(encoding="utf-8"))["status"] == "done"
    overlapping = client.post(f"{data_url}/solve", data={**MARCH, "previous": march}, follow_redirects=False)
    assert overlapping.status_code == 422 and "不早于本次开始日期" in overlapping.text


# --- changing a published roster ----------------------------------------------------------------


def test_repair_after_marking_a_unit_unavailable_lists_the_changes(client: TestClient, app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run_url = solve(client, app, upload_workbook(client, tmp_path))
    rows = read_csv_rows(run_folder(app, run_url) / "输出" / "assignments.csv")
    duty = next(r for r in rows if r["date"] >= "2026-03-15")
    form = {"unit": duty["unit"], "absent_from": duty["date"], "since": "2026-03-15", "reason": "出差", "time_limit": "5"}
    response = client.post(f"{run_url}/repair", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert app.state.jobs.wait(60)
    repaired = response.headers["location"]
    folder = run_folder(app, repaired)
    record = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert record["status"] == "done" and record["changes"]
    assert any(c["date"] == duty["date"] and c["old"] == f"单位{duty['unit'][1:]}" for c in record["changes"])
    page = cells(client.get(repaired).text)
    assert "调整清单" in page and "出差" in page
    assert (folder / "输入" / "新增不可安排.csv").is_file() and (folder / "输入" / "原排班.csv").is_file()
    assert not any(
        r["date"] == duty["date"] and r["unit"] == duty["unit"] for r in read_csv_rows(folder / "输出" / "assignments.csv")
    )
    bad = client.post(f"{run_url}/repair", data={**form, "unit": "没有这个单位"}, follow_redirects=False)
    assert bad.status_code == 422 and "单位表中没有「没有这个单位」" in bad.text


def test_swap_is_applied_or_refused_with_the_rule(client: TestClient, app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run_url = solve(client, app, upload_workbook(client, tmp_path))
    rows = read_csv_rows(run_folder(app, run_url) / "输出" / "assignments.csv")
    on_tenth = next(r for r in rows if r["date"] == "2026-03-10")
    of_u2 = next(r for r in rows if r["unit"] == "U2" and r["date"] != "2026-03-10")
    refused = client.post(
        f"{run_url}/swap", data={"unit_a": on_tenth["unit"], "date_a": on_tenth["date"], "unit_b": "U2", "date_b": of_u2["date"]}
    )
    assert refused.status_code == 200
    text = cells(refused.text)
    assert "不能调换" in text and "【不可安排】" in text

    from rotation.swap import swap as try_swap
    from web import views

    view = views.roster_view(app.state.workspace.run(run_url.rsplit("/", 1)[1]))
    allowed = next(
        (a, b)
        for a in view.roster
        for b in view.roster
        if a.unit != b.unit and try_swap(view.problem, view.roster, a.unit, a.date, b.unit, b.date).allowed
    )
    done = client.post(
        f"{run_url}/swap",
        data={
            "unit_a": allowed[0].unit,
            "date_a": str(allowed[0].date),
            "unit_b": allowed[1].unit,
            "date_b": str(allowed[1].date),
        },
    )
    assert "可以调换" in done.text
    swapped = read_csv_rows(app.state.workspace.runs()[0].output_dir / "assignments.csv")
    assert any(r["date"] == str(allowed[0].date) and r["unit"] == allowed[1].unit for r in swapped)

    missing = client.post(
        f"{run_url}/swap", data={"unit_a": "U1", "date_a": "2026-05-01", "unit_b": "U2", "date_b": "2026-03-02"}
    )
    assert missing.status_code == 422 and "没有值班" in missing.text
    assert len(app.state.workspace.runs()) == 3  # the solve, the refused and the applied swap


def test_check_of_an_edited_roster_lists_the_broken_rules(client: TestClient, app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data_url = upload_workbook(client, tmp_path)
    run_url = solve(client, app, data_url)
    book = client.get(f"{run_url}/files/轮值表.xlsx").content
    unchanged = client.post(f"{run_url}/check", files={"roster": ("轮值表.xlsx", book, XLSX)})
    assert "没有违反硬性规则" in cells(unchanged.text)

    text = (run_folder(app, run_url) / "输出" / "assignments.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    tenth = next(i for i, line in enumerate(lines) if line.startswith("2026-03-10"))
    fields = lines[tenth].split(",")
    fields[4] = "U2"  # U2 is away that day
    lines[tenth] = ",".join(fields)
    edited = client.post(f"{data_url}/check", files={"roster": ("assignments.csv", "\n".join(lines).encode(), "text/csv")})
    page = cells(edited.text)
    assert re.search(r"违反硬性规则 \d+ 处", page) and "【不可安排】" in page and "单位2" in page
    assert edited.url.path.startswith("/runs/")
    assert "调整排班" in client.get(f"{edited.url.path}?view=change").text  # the checked roster can be changed next

    garbage = client.post(f"{data_url}/check", files={"roster": ("轮值表.xlsx", b"PK nonsense", XLSX)})
    assert garbage.status_code == 422 and "Traceback" not in garbage.text
    wrong = client.post(f"{data_url}/check", files={"roster": ("notes.txt", b"hello", "text/plain")})
    assert wrong.status_code == 422 and "不是排班文件" in wrong.text


# --- safety ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("entry", ["../逃出.csv", "数据/../../逃出.csv", "/tmp/逃出.csv", "C:/逃出.csv", "..\\逃出.csv"])
def test_a_zip_cannot_write_outside_the_workspace(client: TestClient, tmp_path: Path, entry: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("stations.csv", "id,name,level\nS1,中心,1\n")
        archive.writestr(entry, "x")
    response = upload(client, [("数据.zip", buffer.getvalue(), "application/zip")])
    assert response.status_code == 422 and "路径指向压缩包以外" in response.text
    assert not [p for p in tmp_path.rglob("逃出.csv")] and not Path("/tmp/逃出.csv").exists()
    assert not list((tmp_path / "workspace" / "数据").iterdir())


def test_uploaded_names_are_sanitised(client: TestClient, tmp_path: Path) -> None:
    path = workbook(tmp_path)
    response = upload(client, [("..\\..\\CON.xlsx", path.read_bytes(), XLSX)])
    assert response.status_code == 303
    stored = [p for p in (tmp_path / "workspace").rglob("*.xlsx")]
    assert [p.name for p in stored] == ["_CON.xlsx"]
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("..") == "文件" and safe_name(".bashrc") == "bashrc"
    assert safe_name("C:\\Users\\王\\本县 数据(1).xlsx") == "本县 数据(1).xlsx"
    assert safe_name("a<b>:c|d?.csv") == "a_b__c_d_.csv"


def test_a_zip_that_unpacks_beyond_the_cap_is_refused(client: TestClient) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("stations.csv", b"0" * (MAX_INPUT_BYTES + 10))
    assert len(buffer.getvalue()) < 1_000_000
    response = upload(client, [("炸弹.zip", buffer.getvalue(), "application/zip")])
    assert response.status_code == 422 and "上限 50 MB" in response.text


def test_an_upload_over_50_mb_is_refused(client: TestClient, tmp_path: Path) -> None:
    big = b"0" * (MAX_INPUT_BYTES + 2 * 1024 * 1024)
    response = upload(client, [("大.xlsx", big, XLSX)])
    assert response.status_code == 413 and "上限 50 MB" in response.text
    assert not list((tmp_path / "workspace" / "数据").iterdir())


def test_a_streamed_body_over_the_cap_is_refused_without_a_length(tmp_path: Path) -> None:
    client = TestClient(create_app(tmp_path / "workspace", max_upload=1000), raise_server_exceptions=False)

    def chunks():  # type: ignore[no-untyped-def]
        boundary = b'--b\r\nContent-Disposition: form-data; name="files"; filename="x.xlsx"\r\n\r\n'
        yield boundary
        for _ in range(10):
            yield b"0" * 500

    response = client.post("/data", content=chunks(), headers={"content-type": "multipart/form-data; boundary=b"})
    assert response.status_code == 413 and "文件过大" in response.text


def test_a_token_is_required_off_loopback(tmp_path: Path) -> None:
    client = TestClient(create_app(tmp_path / "workspace", token="s3cret"), follow_redirects=False)
    assert client.get("/").status_code == 401
    assert client.get("/static/app.js").status_code == 401
    assert client.get("/?token=wrong").status_code == 401
    first = client.get("/data/builtin?month=2026-12&token=s3cret")
    assert first.status_code == 303 and first.headers["location"] == "/data/builtin?month=2026-12"
    assert "rotation_token=s3cret" in first.headers["set-cookie"] and "httponly" in first.headers["set-cookie"].lower()
    assert client.get("/").status_code == 200  # the cookie carries it from now on
    other = TestClient(create_app(tmp_path / "workspace", token="s3cret"))
    assert other.get("/api/job", headers={"X-Rotation-Token": "s3cret"}).status_code == 200
    assert other.post("/api/job/stop", headers={"X-Rotation-Token": "nope"}).status_code == 401


def test_serve_off_loopback_prints_a_generated_token_once(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rotation.cli",
            "serve",
            "--host",
            "0.0.0.0",
            "--port",
            str(port),
            "--no-browser",
            "--workspace",
            str(tmp_path / "ws"),
        ],
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        lines = [process.stderr.readline() for _ in range(3)]  # type: ignore[union-attr]
    finally:
        process.terminate()
        process.wait(10)
    token = re.search(r"\?token=(\S+)", "".join(lines))
    assert token is not None and "只显示这一次" in "".join(lines)


def test_loopback_checks_the_host_name_and_refuses_cross_site_posts(tmp_path: Path) -> None:
    client = TestClient(
        create_app(tmp_path / "workspace", allowed_hosts={"127.0.0.1", "localhost"}), base_url="http://127.0.0.1:8765"
    )
    assert client.get("/").status_code == 200
    assert client.get("/", headers={"host": "evil.example:8765"}).status_code == 400
    refused = client.post("/api/job/stop", headers={"origin": "http://evil.example"})
    assert refused.status_code == 403 and "其他网站" in refused.text
    assert client.post("/api/job/stop", headers={"origin": "http://127.0.0.1:8765"}).status_code == 409


def test_unknown_ids_and_file_names_are_not_found(client: TestClient, app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run_url = solve(client, app, upload_workbook(client, tmp_path))
    for path in (
        "/runs/..%2F..%2Fetc",
        "/runs/20260101-000000-solve",
        "/data/nothing",
        "/data/20260101-000000",
        f"{run_url}/files/run.json",
        f"{run_url}/files/..%2Frun.json",
        f"{run_url}/files/%2Fetc%2Fpasswd",
        "/static/../app.py",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Traceback" not in response.text
    assert client.get("/data").status_code == 405


def test_a_failure_inside_shows_a_page_not_a_trace(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from web import app as web_app

    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(web_app.Workbench, "_data_context", broken)
    response = client.get("/data/builtin")
    assert response.status_code == 500 and "程序内部错误" in response.text
    assert "Traceback" not in response.text and "boom" not in response.text


def test_runs_are_never_overwritten_and_interrupted_ones_are_marked(tmp_path: Path) -> None:
    from rotation.cli import DEFAULT_DATA

    workspace = Workspace(tmp_path / "workspace", DEFAULT_DATA)
    first, second = workspace.new_run("solve", title="一"), workspace.new_run("solve", title="二")
    assert first.folder != second.folder and second.id.endswith("-2")
    first.update(status="running")
    second.update(status="done")
    create_app(tmp_path / "workspace")  # a new server: the first run's server was closed mid-search
    assert workspace.run(first.id).status == "interrupted"  # type: ignore[union-attr]
    assert workspace.run(second.id).status == "done"  # type: ignore[union-attr]
    assert (tmp_path / "workspace" / RUNS).is_dir()


def test_one_search_per_workspace_across_servers(tmp_path: Path) -> None:
    from web.jobs import Busy, Jobs

    lock = tmp_path / "lock"
    one, other = Jobs(lock), Jobs(lock)
    with one.reserve():
        with pytest.raises(Busy) as caught, other.reserve():
            pass
        assert "另一个工作台" in caught.value.message()
    with other.reserve():
        pass
