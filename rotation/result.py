"""The outcome of a solve: status, the checked roster, objective and bound, and a summary."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rotation import __version__
from rotation.checker import CheckResult
from rotation.problem import Problem
from rotation.roster import Change, Roster, unit_changes
from rotation.rules import name as rule_name
from rotation.statistics import assignments_frame, statistics_frame
from rotation.status import SolveStatus
from rotation.units import SCALE

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class RepairInfo:
    """What a repair adds to a result: the change list against the published roster."""

    changes: tuple[Change, ...]
    since: dt.date  # nothing before this date changes
    fewest_proven: bool = False  # no roster that keeps the rules changes fewer duties


@dataclass(frozen=True)
class Result:
    problem: Problem
    status: SolveStatus
    roster: Roster | None
    check: CheckResult | None
    objective: int | None  # hundredths of a point, as the checker computes it
    bound: int | None
    wall_time: float
    solutions: int
    interrupted: bool
    parameters: dict[str, object]
    size: dict[str, int]
    method: str = "整体求解"
    repair: RepairInfo | None = None  # a repair's change list; None for a fresh solve
    gap_causes: dict[tuple, str] | None = None  # (date, station, shift, role) of a shortfall -> its cause
    phases: dict[str, float] | None = None  # for benchmarks: when each phase ended (s), and some of their figures
    source: str = ""  # the phase that found the roster, in Chinese
    unplanned: tuple[dt.date, dt.date] | None = None  # days the time limit left without any roster
    cut: bool = False  # a deterministic run ended by its wall-clock guard: it may not repeat

    def assignments(self) -> pd.DataFrame:
        """The roster, one row per duty, as assignments.csv has it (an empty table without one)."""
        return assignments_frame(self.roster or Roster(()))

    def statistics(self) -> pd.DataFrame:
        """Per unit and month: duties, hours, weekend and holiday duties, first-inquiry duties,
        positions served (the workbook's statistics sheet)."""
        return statistics_frame(self.problem, self.roster or Roster(()))

    @property
    def found(self) -> bool:
        return self.roster is not None

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        if self.objective <= 0:
            return 0.0
        return max(0.0, (self.objective - self.bound) / self.objective)

    def summary(self, timing: bool = True) -> str:
        """A short report in Chinese for the terminal; without ``timing`` (for files) it leaves
        out the wall time, so the same data, seed and one worker give the same file."""
        p = self.problem
        lines = [f"排班范围：{p.start} 至 {p.end}，{len(p.slots)} 个开放岗位，需 {p.unit_duties} 人次（单位次）"]
        status = self.status.value + ("（已按 Ctrl-C 中止，保留目前最好的排班）" if self.interrupted else "")
        took = f"用时 {self.wall_time:.1f} 秒，" if timing else ""
        lines.append(
            f"求解状态：{status}，{took}找到 {self.solutions} 个改进解（{self.method}）"
            + (f"；最好排班来自「{self.source}」" if self.source else "")
        )
        if self.unplanned is not None:
            lines.append(
                f"注意：时限已到，{self.unplanned[0]} 至 {self.unplanned[1]} 没有排班（相应岗位都列为缺口）；"
                "请加大 --time-limit 重新排班"
            )
        if self.cut:
            lines.append("注意：确定性时限未用完就到了实际时限（机器较忙），本次结果不一定能重现")
        lines.append(self.provenance_line())
        for warning in p.warnings:
            lines.append(warning)
        if self.check is None or self.objective is None:
            return "\n".join(lines)
        c = self.check
        gap = f"{self.gap * 100:.2f}%" if self.gap is not None else "-"
        bound = points(self.bound) if self.bound is not None else "-"
        lines.append(f"目标值 {points(self.objective)}，下界 {bound}，差距 {gap}")
        covered = c.figures.needed_unit_duties - sum(s.missing for s in c.shortfalls)
        lines.append(
            f"覆盖：{covered}/{c.figures.needed_unit_duties} 人次"
            + ("，全部覆盖" if not c.shortfalls else f"，{len(c.shortfalls)} 个岗位人数不足")
        )
        for s in c.shortfalls[:20]:
            cause = (self.gap_causes or {}).get((s.date, s.station, s.shift, s.role))
            lines.append(
                f"  缺 {s.missing}：{s.date} {_station(p, s.station)} {_shift(p, s.shift)} {s.role}"
                + (f"。原因：{cause}" if cause else "")
            )
        if len(c.shortfalls) > 20:
            lines.append(f"  ……另有 {len(c.shortfalls) - 20} 处，见报告")
        f = c.figures
        lines.append(
            f"公平：每名党员值班次数的变异系数 {f.duties_per_member_cv_rotation:.3f}（轮值单位），"
            f"{f.duties_per_member_cv:.3f}（全部单位）"
        )
        lines.append(
            f"间隔不足 {p.data.rules.min_days_between} 天的值班对：{f.spacing_pairs}；"
            f"社区阵地值班 {f.community_duties} 次，其中不在本单位报到社区 {f.community_duties_away} 次"
        )
        lines.append("各项扣分：")
        for score in c.scores:
            lines.append(f"  {rule_name(score.rule)}：{points(score.penalty)}（权重 {score.weight}，{len(score.findings)} 处）")
        if c.violations:
            lines.append(f"违反硬性规则 {len(c.violations)} 处！")
        if self.repair is not None:
            lines += self.change_lines()
        return "\n".join(lines)

    @property
    def provenance(self) -> dict[str, str]:
        """The tool's version and the fingerprint of the data the roster was made from."""
        made = {"version": __version__}
        if self.problem.data.fingerprint:
            made["data_sha256"] = self.problem.data.fingerprint
        return made

    def provenance_line(self) -> str:
        """Version, data fingerprint, seed and solver parameters: enough to make the roster again."""
        made = self.provenance or {}
        options = self.parameters
        parts = [
            f"版本 rotation {made['version']}" if "version" in made else "",
            f"数据指纹 sha256:{made['data_sha256'][:16]}" if "data_sha256" in made else "",
            f"随机种子 {options.get('seed')}",
            f"线程 {options.get('workers')}",
            f"时限 {options.get('time_limit')} 秒" + ("（确定性时间，可重现）" if options.get("deterministic") else ""),
        ]
        return "来源：" + "；".join(p for p in parts if p)

    def change_lines(self) -> list[str]:
        """A repair's change list, one line per duty, for the planner to tell the units."""
        p, repair = self.problem, self.repair
        if repair is None:
            return []
        changed = [c for c in repair.changes if c.unit_changed]
        proven = "，已证明不能更少" if repair.fewest_proven else "，时限内未能证明不能更少"
        lines = [
            f"调整：{repair.since} 之前的值班不变；之后改动 {unit_changes(changed)} 人次（单位次），"
            f"涉及 {len(changed)} 个岗位" + (f"{proven}。" if changed else "，原排班无需改动。")
        ]
        for c in repair.changes:
            old = _who(p, c.old_unit, c.old_person)
            new = _who(p, c.new_unit, c.new_person)
            lines.append(f"  {c.kind}：{c.date} {_station(p, c.station)} {_shift(p, c.shift)} {c.role}：{old} → {new}")
        return lines


def points(value: int) -> str:
    """Hundredths of a point as a number a planner reads."""
    return f"{value / SCALE:.2f}"


def _who(problem: Problem, unit: str | None, person: str | None) -> str:
    if unit is None:
        return "（无）"
    label = problem.data.unit(unit).label if unit in problem.data.units_by_id else unit
    return f"{label}（{person}）" if person else label


def _station(problem: Problem, station: str) -> str:
    return problem.data.station(station).label


def _shift(problem: Problem, shift: str) -> str:
    s = problem.data.shift(shift)
    return f"{s.label}({s.hours})"
