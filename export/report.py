"""Reports for the terminal and the page: a data set's summary, a checked roster's findings."""

from __future__ import annotations

from collections import Counter

from rotation.checker import CheckResult
from rotation.problem import Problem
from rotation.result import points
from rotation.rules import name as rule_name


def describe_check(problem: Problem, result: CheckResult) -> str:
    """The checker's findings for a planner: hard violations first, then the soft figures."""
    data = problem.data
    lines = [f"检查范围：{problem.start} 至 {problem.end}，共 {result.figures.assigned_unit_duties} 次值班"]
    if result.violations:
        lines.append(f"违反硬性规则 {len(result.violations)} 处：")
        for v in result.violations:
            where = " ".join(
                x
                for x in (
                    data.unit(v.unit).label if v.unit in data.units_by_id else (v.unit or ""),
                    str(v.date) if v.date else "",
                    data.station(v.station).label if v.station in data.stations_by_id else (v.station or ""),
                    data.shift(v.shift).label if v.shift in data.shifts_by_id else (v.shift or ""),
                )
                if x
            )
            lines.append(f"  【{rule_name(v.rule)}】{where}：{v.message}")
    else:
        lines.append("没有违反硬性规则。")
    covered = result.figures.needed_unit_duties - sum(s.missing for s in result.shortfalls)
    lines.append(f"覆盖：{covered}/{result.figures.needed_unit_duties} 人次")
    for s in result.shortfalls:
        lines.append(f"  缺 {s.missing}：{s.date} {data.station(s.station).label} {data.shift(s.shift).label} {s.role}")
    lines.append(f"目标值（扣分合计）：{points(result.objective)}")
    for score in result.scores:
        lines.append(f"  {rule_name(score.rule)}：{points(score.penalty)}（{len(score.findings)} 处）")
    f = result.figures
    lines.append(
        f"公平：每名党员值班次数的变异系数 {f.duties_per_member_cv_rotation:.3f}（轮值单位）；"
        f"间隔不足的值班对 {f.spacing_pairs}；不在报到社区的值班 {f.community_duties_away} 次"
    )
    return "\n".join(lines)


def describe(problem: Problem) -> str:
    """A validated data set in a few lines: the network, the units, each month's demand."""
    data = problem.data
    levels = Counter(s.level for s in data.stations)
    names = {0: "特设岗位", 1: "中心", 2: "社区中心", 3: "服务站", 4: "服务点"}
    lines = [
        f"数据「{data.name}」检查通过。",
        "阵地 " + str(len(data.stations)) + " 个：" + "，".join(f"{names[k]} {levels[k]}" for k in sorted(levels)),
        f"单位 {len(data.units)} 个（党员共 {sum(u.members for u in data.units)} 人），"
        f"人员 {len(data.people)} 名，时段 {len(data.shifts)} 个",
    ]
    per_month: dict[tuple[int, int], list[int]] = {}
    for slot in problem.slots:
        entry = per_month.setdefault((slot.date.year, slot.date.month), [0, 0, 0])
        entry[1] += slot.min
    for period in problem.periods:
        per_month[(period.date.year, period.date.month)][0] += 1
    for slot in problem.slots:
        if problem.is_rest(slot.date):
            per_month[(slot.date.year, slot.date.month)][2] += slot.min
    for (year, month), (periods, duties, rest) in sorted(per_month.items()):
        lines.append(f"{year}年{month}月：开放时段 {periods} 个，需值班 {duties} 单位次（其中周末节假日 {rest}）")
    empty = [s for s in problem.slots if not s.eligible and s.min > 0]
    if empty:
        lines.append(
            f"注意：{len(empty)} 个岗位没有任何单位可以担任，必然缺人，如 {empty[0].date} "
            f"{data.station(empty[0].station).label} {empty[0].shift} {empty[0].role}"
        )
    lines += problem.warnings
    return "\n".join(lines)
