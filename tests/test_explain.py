"""Explained gaps: every position left short comes with its cause, found from the data."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from conftest import day, make_data, need, rules, write_csv_tables

from rotation.cli import EXIT_OK, EXIT_SHORTFALL, main
from rotation.explain import Explanation, explain
from rotation.model import Fixed, HomeCommunity, Unavailability, Unit
from rotation.problem import build_problem
from rotation.solver.cpsat import SolveOptions

OPTIONS = SolveOptions(time_limit=10, workers=1, seed=0)
MONDAY = day(3, 16)


def explained(data, first=MONDAY, last=MONDAY) -> Explanation:  # type: ignore[no-untyped-def]
    found = explain(build_problem(data, first, last), OPTIONS)
    assert found.proven
    return found


def test_a_role_no_unit_holds_is_named() -> None:
    found = explained(make_data(need("S1", "全部", 1, role="讲解")))
    [gap] = found.gaps
    assert (gap.slot.role, gap.missing) == ("讲解", 1)
    assert gap.cause == "没有任何单位可以担任「讲解」（单位表「角色」列），需要 1 个"


def test_every_eligible_unit_away_that_day_is_listed() -> None:
    away = (Unavailability("U1", MONDAY, MONDAY), Unavailability("U2", MONDAY, MONDAY))
    [gap] = explained(make_data(need("S1", "全部", 1), unavailability=away)).gaps
    assert gap.cause == "能担任「值守」的单位这天都不能值班：县委办（单位不可安排）、县财政局（单位不可安排）（见「不可安排」表）"


def test_a_required_home_community_without_a_unit_is_named() -> None:
    data = make_data(need("S2", "全部", 1), rules=rules(home_community=HomeCommunity.REQUIRE))
    [gap] = explained(data).gaps
    assert "报到社区规则为「必须」" in gap.cause and "「东街」" in gap.cause


def test_fewer_eligible_units_than_needed_are_counted() -> None:
    data = make_data(need("S1", "全部", 3))
    [gap] = explained(data).gaps
    assert gap.missing == 1
    assert gap.cause.startswith("只有 2 个单位这天可以担任（县委办、县财政局），需要 3 个")


def test_units_used_up_by_consecutive_days_are_named_and_proven() -> None:
    # two units, at most two days in a row; U2 away for three days: one of them stays short
    data = make_data(
        need("S1", "全部", 1),
        rules=rules(max_consecutive_days=2, max_weekends_per_month=31),
        unavailability=(Unavailability("U2", day(3, 16), day(3, 18)),),
    )
    [gap] = explained(data, day(3, 14), day(3, 20)).gaps
    assert "县委办：再排这天就连续值班 3 天（最多连续 2 天）" in gap.cause
    assert gap.rules == ("最多连续天数", "其他岗位的最少人数")
    assert {s.date for s in gap.competing} <= {day(3, 14), day(3, 15), day(3, 16), day(3, 17), day(3, 18)}
    assert "CP-SAT 证明：在其他岗位都保持现有人数时，「最多连续天数」使这里排不满" in gap.cause


def test_units_used_up_by_weekends_are_named() -> None:
    # one weekend a month each: three weekends in March need three units, two exist
    data = make_data(need("S1", "休息日", 1), rules=rules(max_weekends_per_month=1))
    found = explained(data, day(3, 1), day(3, 31))
    assert found.missing > 0
    assert all("本月已值 1 个周末或节假日（每月最多 1 个）" in g.cause for g in found.gaps)
    assert all("每月最多周末" in g.rules for g in found.gaps)


def test_a_pin_that_takes_the_only_unit_elsewhere_is_part_of_the_cause() -> None:
    # U1 is the only unit; it is pinned to S2, where nobody is needed, so S1 stays empty
    data = make_data(
        need("S1", "全部", 1), need("S2", "全部", 0, 1), units=(Unit("U1", "县委办"),), fixed=(Fixed(MONDAY, "S2", "AM", "U1"),)
    )
    [gap] = explained(data).gaps
    assert gap.slot.station == "S1"
    assert "县委办：当天已值班 1 次（每日最多 1 次）" in gap.cause
    assert set(gap.rules) == {"每日最多", "固定安排"}


def test_the_monthly_maximum_is_named() -> None:
    data = make_data(
        need("S1", "全部", 1),
        units=(Unit("U1", "县委办", max_total=2),),
        rules=rules(max_weekends_per_month=31, max_consecutive_days=31),
    )
    found = explained(data, day(3, 16), day(3, 18))
    [gap] = found.gaps
    assert "县委办：本月已值满 2 次（每月最多次数）" in gap.cause
    assert "每月最多次数" in gap.rules


def test_explain_command_and_solve_both_give_the_cause(tmp_path: Path) -> None:
    tables = {
        "stations": [["id", "name", "level"], ["S1", "县党群服务中心", "1"]],
        "shifts": [["id", "name", "start", "end"], ["AM", "上午", "08:30", "12:00"]],
        "demand": [["station", "day", "shift", "min"], ["S1", "全部", "AM", "1"]],
        "units": [["id", "name"], ["U1", "单位1"], ["U2", "单位2"]],
        "unavailability": [["unit", "start", "end"], ["U1", "2026-03-02", "2026-03-02"], ["U2", "2026-03-02", "2026-03-02"]],
    }
    data = write_csv_tables(tmp_path / "data", tables)
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["explain", "--data", str(data), "--start", "2026-03-02", "--end", "2026-03-08", "--time-limit", "5", "--workers", "1"],
    )
    assert result.exit_code == EXIT_SHORTFALL, result.output
    assert "最少缺 1 人次，1 个岗位排不满（已证明不能更少）" in result.stdout
    assert "2026-03-02 县党群服务中心 上午 值守 缺 1：能担任「值守」的单位这天都不能值班：单位1（单位不可安排）" in result.stdout
    solved = runner.invoke(
        main,
        [
            "solve",
            "--data",
            str(data),
            "--start",
            "2026-03-02",
            "--end",
            "2026-03-08",
            "--out",
            str(tmp_path / "out"),
            "--time-limit",
            "5",
            "--workers",
            "1",
            "--quiet",
        ],
    )
    assert solved.exit_code == EXIT_SHORTFALL
    assert "缺 1：2026-03-02 县党群服务中心 上午(08:30-12:00) 值守。原因：能担任「值守」的单位这天都不能值班" in solved.stdout
    report = (tmp_path / "out" / "求解报告.txt").read_text(encoding="utf-8")
    assert "原因：能担任「值守」的单位这天都不能值班" in report
    del tables["unavailability"]
    full = runner.invoke(
        main,
        [
            "explain",
            "--data",
            str(write_csv_tables(tmp_path / "ok", tables)),
            "--start",
            "2026-03-02",
            "--end",
            "2026-03-08",
            "--time-limit",
            "5",
        ],
    )
    assert full.exit_code == EXIT_OK
    assert "全部 7 个岗位都能排满" in full.stdout


def test_a_gap_no_rule_explains_is_put_down_to_the_time_limit() -> None:
    from rotation.explain import explain_gaps

    problem = build_problem(make_data(need("S1", "全部", 1)), MONDAY, MONDAY)
    [gap] = explain_gaps(problem, [], time_limit=5)
    assert gap.cause.startswith("县委办、县财政局按现有排班看可以直接排进来，没有哪条规则挡住")
    assert "加大 --time-limit" in gap.cause


def test_the_default_time_limit_grows_with_the_months_of_the_horizon() -> None:
    from rotation.cli import SECONDS_PER_MONTH, default_time_limit

    data = make_data(need("S1", "全部", 1))
    assert default_time_limit(None, build_problem(data, day(3, 1), day(3, 31))) == SECONDS_PER_MONTH
    assert default_time_limit(None, build_problem(data, day(1, 1), day(12, 31))) == 12 * SECONDS_PER_MONTH
    assert default_time_limit(7.5, build_problem(data, day(1, 1), day(12, 31))) == 7.5
