"""The command line as a planner meets it: what ``validate`` prints, what ``solve`` writes, and the
exit code of every outcome (see the epilog of ``rotation solve --help``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import Tables, minimal_tables, write_csv_tables

from rotation.cli import (
    DEFAULT_DATA,
    EXIT_DATA,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_OUTPUT,
    EXIT_SHORTFALL,
    PROJECT_ROOT,
    main,
)

HEADER = "date,station,shift,role,unit,person,first_inquiry"
WEEK = ["--start", "2026-03-02", "--end", "2026-03-08"]
FAST = ["--time-limit", "5", "--workers", "1", "--seed", "0", "--quiet"]


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def week_tables(units: int = 3) -> Tables:
    """One county centre open every morning, ``units`` plain units: a week any three units can cover."""
    return {
        "stations": [["id", "name", "level"], ["S1", "县党群服务中心", "1"], ["S2", "东街服务站", "3"]],
        "shifts": [["id", "name", "start", "end"], ["AM", "上午", "08:30", "12:00"]],
        "demand": [["station", "day", "shift", "min"], ["S1", "全部", "AM", "1"]],
        "units": [["id", "name"], *([f"U{n}", f"单位{n}"] for n in range(1, units + 1))],
    }


@pytest.fixture
def week_data(tmp_path: Path) -> Path:
    return write_csv_tables(tmp_path / "week", week_tables())


# --- validate -------------------------------------------------------------------------------------


def test_validate_summarises_the_default_data() -> None:
    result = run("validate", DEFAULT_DATA, "--month", "2026-12")
    assert result.exit_code == EXIT_OK, result.output
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "数据「fengqing」检查通过。",
        "阵地 27 个：特设岗位 1，中心 1，社区中心 4，服务站 11，服务点 10",
        "单位 76 个（党员共 1347 人），人员 241 名，时段 6 个",
        "2026年12月：开放时段 977 个，需值班 1059 单位次（其中周末节假日 224）",
    ]


def test_validate_without_a_path_reads_the_default_data() -> None:
    assert run("validate", "--month", "2026-12").stdout == run("validate", DEFAULT_DATA, "--month", "2026-12").stdout


def test_validate_lists_every_problem_in_chinese_with_table_row_and_column(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["units"][2][4] = "0"  # U2's members, CSV line 3
    tables["demand"][1][2] = "XX"  # an unknown shift, CSV line 2
    result = run("validate", write_csv_tables(tmp_path / "bad", tables), "--month", "2026-10")
    assert result.exit_code == EXIT_DATA
    assert result.stderr.splitlines() == [
        "数据有 2 处问题，未进行排班：",
        "  1. 表「单位」第 3 行「党员人数」列：党员人数应为不小于 1 的整数，实际为 0",
        "  2. 表「需求」第 2 行「时段」列：时段「XX」不在时段表中",
    ]
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_a_month_the_builtin_calendar_does_not_know_asks_for_the_calendar_table(week_data: Path) -> None:
    result = run("validate", week_data, "--month", "2027-01")
    assert result.exit_code == EXIT_DATA
    assert "内置日历不包含 2027 年 的法定节假日安排" in result.stderr
    assert "在数据的「日历调整」表(calendar) 中逐日填写" in result.stderr
    assert "Traceback" not in result.output


def test_solving_a_month_the_calendar_does_not_know_stops_before_solving(week_data: Path, tmp_path: Path) -> None:
    result = run("solve", "--data", week_data, "--month", "2027-01", "--out", tmp_path / "out", *FAST)
    assert result.exit_code == EXIT_DATA
    assert "「日历调整」表" in result.stderr
    assert not (tmp_path / "out").exists()


# --- solve ----------------------------------------------------------------------------------------


def test_solve_writes_assignments_with_the_documented_header(week_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("solve", "--data", week_data, *WEEK, "--out", out, *FAST)
    assert result.exit_code == EXIT_OK, result.output
    lines = (out / "assignments.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == HEADER
    assert len(lines) == 1 + 7  # one unit on duty each morning of the week
    assert {line.split(",")[0] for line in lines[1:]} == {f"2026-03-0{n}" for n in range(2, 9)}
    assert all(line.endswith(",1") for line in lines[1:])  # the only unit of a period owns it


def test_solve_does_not_overwrite_outputs_without_force(week_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("solve", "--data", week_data, *WEEK, "--out", out, *FAST).exit_code == EXIT_OK
    path = out / "assignments.csv"
    before = (path.read_bytes(), path.stat().st_mtime_ns)

    refused = run("solve", "--data", week_data, *WEEK, "--out", out, *FAST)
    assert refused.exit_code == EXIT_OUTPUT
    assert "输出文件已存在，未覆盖" in refused.stderr and "--force" in refused.stderr
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before

    forced = run("solve", "--data", week_data, *WEEK, "--out", out, *FAST, "--force")
    assert forced.exit_code == EXIT_OK, forced.output
    assert path.read_text(encoding="utf-8").splitlines()[0] == HEADER


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_full_disk_or_ctrl_c_while_writing_leaves_the_earlier_outputs_as_they_were(
    week_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    import export.outputs

    out = tmp_path / "out"
    assert run("solve", "--data", week_data, *WEEK, "--out", out, *FAST).exit_code == EXIT_OK
    before = _snapshot(out)

    def fail(problem: object, roster: object, checked: object, result: object, path: Path) -> None:
        path.write_bytes(b"PK\x03\x04 half a workbook")  # the csv is already staged by now
        raise failure

    monkeypatch.setattr(export.outputs, "write_roster_workbook", fail)
    again = run("solve", "--data", week_data, "--start", "2026-03-03", "--end", "2026-03-08", "--out", out, *FAST, "--force")
    if isinstance(failure, OSError):
        assert again.exit_code == EXIT_OUTPUT
        assert "磁盘空间不足；原有文件未改动" in again.stderr
    else:
        assert again.exit_code == EXIT_INTERRUPTED
        assert "不会留下写了一半的文件" in again.stderr
    assert "Traceback" not in again.output
    assert _snapshot(out) == before  # not one file replaced, no temporary file left


def test_a_shortfall_still_writes_the_roster_and_exits_3(tmp_path: Path) -> None:
    tables = week_tables(units=1)
    tables["demand"].append(["S2", "全部", "AM", "1"])  # two positions a morning, one unit, one duty a day
    tables["rules"] = [["key", "value"], ["最多连续天数", "7"]]
    out = tmp_path / "out"
    result = run("solve", "--data", write_csv_tables(tmp_path / "short", tables), *WEEK, "--out", out, *FAST)
    assert result.exit_code == EXIT_SHORTFALL, result.output
    assert "覆盖：7/14 人次，7 个岗位人数不足" in result.stdout
    lines = (out / "assignments.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == HEADER
    assert len(lines) == 1 + 7


def test_options_alone_mean_solve(week_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("--data", week_data, *WEEK, "--out", out, *FAST)
    assert result.exit_code == EXIT_OK, result.output
    assert (out / "assignments.csv").read_text(encoding="utf-8").splitlines()[0] == HEADER


def test_main_called_with_options_only_solves(week_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as exited:
        main([str(a) for a in ["--data", week_data, *WEEK, "--out", out, *FAST]])
    assert exited.value.code == EXIT_OK
    assert (out / "assignments.csv").read_text(encoding="utf-8").splitlines()[0] == HEADER


# --- help -----------------------------------------------------------------------------------------


def solve_py(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "solve.py"), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        cwd=PROJECT_ROOT,
    )


EXIT_CODE_LINES = [
    "0  排班完成",
    "2  数据或参数有误",
    "3  已输出排班，但有岗位人数不足",
    "4  没有得到排班",
    "5  按 Ctrl-C 中止",
    "6  输出文件无法写入",
    "1  程序内部错误",
]


def test_solve_py_help_lists_the_commands() -> None:
    done = solve_py("--help")
    assert done.returncode == 0, done.stderr
    assert "solve" in done.stdout and "validate" in done.stdout
    assert "不带命令时等同于 solve" in done.stdout


def test_solve_py_solve_help_documents_every_exit_code() -> None:
    done = solve_py("solve", "--help")
    assert done.returncode == 0, done.stderr
    assert [line for line in EXIT_CODE_LINES if line not in done.stdout] == []


def test_solve_py_help_documents_every_exit_code() -> None:
    done = solve_py("--help")
    assert done.returncode == 0
    assert [line for line in EXIT_CODE_LINES if line not in done.stdout] == []


# --- check and interruption -----------------------------------------------------------------------


def objective_line(text: str) -> str:
    return next(line for line in text.splitlines() if line.startswith("目标值")).split("，")[0].split()[-1]


def test_solve_then_check_the_workbook_gives_the_same_objective(week_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    solved = run("solve", "--data", week_data, *WEEK, "--out", out, *FAST)
    assert solved.exit_code == EXIT_OK, solved.output
    for roster in (out / "轮值表.xlsx", out / "assignments.csv"):
        checked = run("check", roster, "--data", week_data, *WEEK)
        assert checked.exit_code == EXIT_OK, checked.output
        assert "没有违反硬性规则" in checked.output
        assert checked.output.split("目标值（扣分合计）：")[1].split()[0] == objective_line(solved.output)


def test_check_lists_a_broken_rule_and_exits_3(week_data: Path, tmp_path: Path) -> None:
    roster = tmp_path / "assignments.csv"
    roster.write_text(
        HEADER + "\n2026-03-02,S1,AM,值守,U1,,1\n2026-03-03,S1,AM,值守,U1,,1\n2026-03-04,S1,AM,值守,U1,,1\n", encoding="utf-8"
    )
    checked = run("check", roster, "--data", week_data, *WEEK)
    assert checked.exit_code == EXIT_SHORTFALL
    assert "【最多连续天数】单位1 2026-03-04" in checked.output


def test_ctrl_c_keeps_the_best_roster_found_so_far(tmp_path: Path) -> None:
    import signal
    import time

    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, str(PROJECT_ROOT / "solve.py"), "--month", "2026-12", "--time-limit", "300", "--out", str(out)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(12)  # past the greedy start, into the search
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 5, stderr
    assert "已按 Ctrl-C 中止" in stdout and "Traceback" not in stderr
    assert (out / "assignments.csv").read_text(encoding="utf-8").startswith(HEADER)
    assert not list(out.glob(".*.tmp"))  # no half-written file left behind


# --- continuity: --previous, repair, swap -------------------------------------------------------------


def _csv_rows(path: Path) -> list[list[str]]:
    return [line.split(",") for line in path.read_text(encoding="utf-8").splitlines()[1:]]


def test_solve_with_previous_continues_the_run_across_the_week_boundary(tmp_path: Path) -> None:
    tables = week_tables(units=2)
    tables["rules"] = [["key", "value"], ["max_consecutive_days", "2"], ["max_weekends_per_month", "31"]]
    data = write_csv_tables(tmp_path / "data", tables)
    previous = tmp_path / "previous.csv"
    previous.write_text(f"{HEADER}\n2026-02-28,S1,AM,值守,U1,,1\n2026-03-01,S1,AM,值守,U1,,1\n", encoding="utf-8")
    result = run("solve", "--data", data, *WEEK, "--out", tmp_path / "out", "--previous", previous, *FAST)
    assert result.exit_code == EXIT_OK, result.output
    assert "接续上一份排班" in result.stdout
    rows = _csv_rows(tmp_path / "out" / "assignments.csv")
    assert rows[0][:5] == ["2026-03-02", "S1", "AM", "值守", "U2"]  # U1 has served two days in a row
    without = run("solve", "--data", data, *WEEK, "--out", tmp_path / "plain", *FAST)
    assert without.exit_code == EXIT_OK


def test_solve_with_a_previous_roster_that_overlaps_the_horizon_is_refused(tmp_path: Path, week_data: Path) -> None:
    previous = tmp_path / "previous.csv"
    previous.write_text(f"{HEADER}\n2026-03-02,S1,AM,值守,U1,,1\n", encoding="utf-8")
    result = run("solve", "--data", week_data, *WEEK, "--out", tmp_path / "out", "--previous", previous, *FAST)
    assert result.exit_code == EXIT_DATA
    assert "不早于本次开始日期 2026-03-02" in result.stderr
    assert not (tmp_path / "out").exists()


def test_repair_writes_the_new_roster_and_the_change_list(tmp_path: Path) -> None:
    import openpyxl

    tables = week_tables(units=3)
    data = write_csv_tables(tmp_path / "data", tables)
    out = tmp_path / "old"
    assert run("solve", "--data", data, *WEEK, "--out", out, *FAST).exit_code == EXIT_OK
    old = _csv_rows(out / "assignments.csv")
    away = next(row for row in old if row[0] >= "2026-03-05")
    tables["unavailability"] = [["unit", "start", "end"], [away[4], away[0], away[0]]]
    changed = write_csv_tables(tmp_path / "changed", tables)
    result = run(
        "repair", "--roster", out / "assignments.csv", "--data", changed, "--from", "2026-03-04", "--out", tmp_path / "new", *FAST
    )
    assert result.exit_code == EXIT_OK, result.output
    assert "之后改动 2 人次（单位次），涉及 1 个岗位，已证明不能更少" in result.stdout
    new = _csv_rows(tmp_path / "new" / "assignments.csv")
    assert [r for r in new if r[0] < "2026-03-04"] == [r for r in old if r[0] < "2026-03-04"]
    assert sum(a != b for a, b in zip(old, new, strict=True)) == 1
    sheet = openpyxl.load_workbook(tmp_path / "new" / "轮值表.xlsx")["调整清单"]
    assert [c.value for c in sheet[3]][:2] == ["换班", __import__("datetime").datetime.fromisoformat(away[0])]
    assert sheet.cell(3, 7).value == f"单位{away[4][1:]}"


def test_swap_applies_an_allowed_swap_and_refuses_one_a_rule_forbids(tmp_path: Path) -> None:
    tables = week_tables(units=3)
    data = write_csv_tables(tmp_path / "data", tables)
    roster = tmp_path / "roster.csv"
    units = ["U1", "U2", "U3", "U1", "U2", "U3", "U1"]
    roster.write_text(
        HEADER + "\n" + "".join(f"2026-03-0{2 + n},S1,AM,值守,{u},,1\n" for n, u in enumerate(units)), encoding="utf-8"
    )
    allowed = run("swap", "--roster", roster, "--data", data, "U1", "2026-03-02", "U2", "2026-03-03", "--out", tmp_path / "out")
    assert allowed.exit_code == EXIT_OK, allowed.output
    assert allowed.stdout.startswith("可以调换")
    rows = _csv_rows(tmp_path / "out" / "assignments.csv")
    assert [r[4] for r in rows[:2]] == ["U2", "U1"]
    # now U1 serves 03-03 and 03-05: giving its 03-08 for U3's 03-04 would make three days in a row
    tables["rules"] = [["key", "value"], ["max_consecutive_days", "2"]]
    strict = write_csv_tables(tmp_path / "strict", tables)
    refused = run(
        "swap",
        "--roster",
        tmp_path / "out" / "assignments.csv",
        "--data",
        strict,
        "U1",
        "2026-03-08",
        "U3",
        "2026-03-04",
        "--out",
        tmp_path / "out2",
    )
    assert refused.exit_code == EXIT_SHORTFALL
    assert "【最多连续天数】" in refused.stdout
    assert not (tmp_path / "out2").exists()
    missing = run("swap", "--roster", roster, "--data", data, "U1", "2026-03-03", "U2", "2026-03-03")
    assert missing.exit_code == EXIT_DATA and "单位1 在 2026-03-03（周二） 没有值班" in missing.stderr


def test_one_worker_and_a_seed_give_the_same_files_and_the_report_says_how_they_were_made(
    week_data: Path, tmp_path: Path
) -> None:
    import hashlib
    import zipfile

    from rotation import __version__
    from rotation.provenance import data_digest

    outs = [tmp_path / "a", tmp_path / "b"]
    for out in outs:
        assert run("solve", "--data", week_data, *WEEK, "--out", out, *FAST).exit_code == EXIT_OK
    for name in ("assignments.csv", "求解报告.txt"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes()
    books = [zipfile.ZipFile(out / "轮值表.xlsx") for out in outs]
    names = books[0].namelist()
    assert names == books[1].namelist()
    for name in names:
        if name != "docProps/core.xml":  # only the created and modified timestamps differ
            assert books[0].read(name) == books[1].read(name), name
    report = (outs[0] / "求解报告.txt").read_text(encoding="utf-8")
    digest = data_digest(week_data)
    assert f"版本 rotation {__version__}；数据指纹 sha256:{digest[:16]}；随机种子 0；线程 1；时限 5.0 秒" in report
    assert "用时" not in report
    # the fingerprint follows the tables: an edited table gives another one
    units = week_data / "units.csv"
    units.write_bytes(units.read_bytes() + b"U9,\xe5\x8d\x95\xe4\xbd\x8d9\n")
    assert data_digest(week_data) != digest
    assert len(digest) == len(hashlib.sha256().hexdigest())
