"""The Curtois & Qu benchmark: the reader, the rules as our model and checker see them, the
command. Instances 1-3 are copied into tests/data/curtois (see SOURCES.md there).

The checker is held to a reference scorer written here from the benchmark's own definitions,
separately from rotation.checker: the same objective and the same broken rules, employee by
employee, on hand-made and random rosters.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rotation.benchmarks.curtois import FIRST_DAY, Instance, judge, read_instance, read_roster, solve, write_roster
from rotation.cli import main
from rotation.errors import DataError
from rotation.model import RequestKind
from rotation.solver.cpsat import SolveOptions
from rotation.units import SCALE

HERE = Path(__file__).parent / "data" / "curtois"
BEST_KNOWN = {1: 607, 2: 828, 3: 1001}


def path(number: int) -> Path:
    return HERE / f"Instance{number}.txt"


@pytest.fixture(scope="module")
def instances() -> dict[int, Instance]:
    return {n: read_instance(path(n)) for n in (1, 2, 3)}


# --- the reader -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "counts"),
    [
        # horizon, staff, shift types, days-off rows, on requests, off requests, cover lines
        (1, (14, 8, 1, 8, 21, 5, 14)),
        (2, (14, 14, 2, 14, 50, 12, 28)),
        (3, (14, 20, 3, 20, 39, 25, 42)),
    ],
)
def test_instances_1_to_3_are_read_with_every_line(instances: dict, number: int, counts: tuple) -> None:
    instance = instances[number]
    data = instance.data
    assert (
        instance.horizon,
        len(instance.staff),
        len(instance.shift_ids),
        len(data.unavailability),
        instance.on_requests,
        instance.off_requests,
        instance.cover_lines,
    ) == counts
    assert len(instance.problem.slots) == instance.horizon * len(instance.shift_ids)  # one slot per cover line
    assert instance.problem.days[0].date == FIRST_DAY and FIRST_DAY.weekday() == 0


def test_an_employee_becomes_a_unit_with_every_limit(instances: dict) -> None:
    instance = instances[3]
    limits = instance.data.unit("A").limits  # A,E=14|D=14|L=0,4320,3360,5,2,2,1 with day 0 off
    assert limits.max_per_shift == (("E", 14), ("D", 14), ("L", 0))
    assert (
        limits.max_minutes,
        limits.min_minutes,
        limits.max_consecutive_days,
        limits.min_consecutive_days,
        limits.min_days_off,
        limits.max_weekends,
    ) == (4320, 3360, 5, 2, 2, 1)
    assert [(u.start, u.end) for u in instance.data.unavailability if u.unit == "A"] == [(FIRST_DAY, FIRST_DAY)]
    assert all("A" not in slot.eligible for slot in instance.problem.slots if slot.shift == "L")  # L=0
    assert instance.data.rules.forbidden_successions == (("D", "E"), ("L", "E"), ("L", "D"))
    assert instance.data.shift("E").minutes == 480


def test_requests_and_cover_keep_their_days_shifts_and_weights(instances: dict) -> None:
    instance = instances[1]
    wants = [r for r in instance.data.requests if r.kind is RequestKind.WANT]
    assert sum(r.weight for r in wants) == 37  # the 37 of FORMAT.md's all-off figure
    weights = dict(instance.data.rules.weights)
    assert (weights["coverage"], weights["overstaffing"], weights["requests"]) == (100, 1, 1)
    assert sum(slot.min for slot in instance.problem.slots) == 71


@pytest.mark.parametrize(
    ("edit", "line", "column"),
    [
        (lambda t: t.replace("SECTION_COVER", "SECTION_KOVER"), None, None),  # a section missing
        (lambda t: t.replace("A,D=14,4320,3360,5,2,2,1", "A,D=14,4320,x,5,2,2,1"), 13, "MinTotalMinutes"),
        (lambda t: t.replace("A,D=14,4320,3360,5,2,2,1", "A,Q=14,4320,3360,5,2,2,1"), 13, "MaxShifts"),
        (lambda t: t.replace("0,D,5,100,1", "0,Z,5,100,1"), None, "ShiftID"),
        (lambda t: t.replace("0,D,5,100,1", "0,D,5,90,1"), None, "UnderWeight"),  # weights differ between lines
        (lambda t: t.replace("\r\nA,0\r\n", "\r\nA,14\r\n"), 24, "Day"),  # day 14 of a 14-day horizon
    ],
)
def test_a_broken_instance_is_refused_naming_line_and_field(
    tmp_path: Path,
    edit,
    line: int | None,  # type: ignore[no-untyped-def]
    column: str | None,
) -> None:
    text = path(1).read_bytes().decode("ascii")  # CRLF kept, as distributed
    broken = tmp_path / "Instance1.txt"
    broken.write_bytes(edit(text).encode("ascii"))
    assert broken.read_bytes().decode("ascii") != text
    with pytest.raises(DataError) as error:
        read_instance(broken)
    issue = error.value.issues[0]
    assert issue.table == "Instance1.txt"
    if line is not None:
        assert issue.row == line
    if column is not None:
        assert issue.column == column
    else:
        assert "SECTION_COVER" in issue.message or issue.column is None


# --- the reference scorer ---------------------------------------------------------------------------


def reference(text: str, grid: list[list[str]]) -> tuple[int, set[tuple[str, str]]]:
    """Objective and broken (rule, employee) of a roster, straight from the benchmark's notes,
    with its own parser; ``grid[e][d]`` is a shift ID or '-'."""
    sections: dict[str, list[list[str]]] = {}
    current = ""
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            current = line
            sections[current] = []
        else:
            sections[current].append([f.strip() for f in line.split(",")])
    days = int(sections["SECTION_HORIZON"][0][0])
    length = {row[0]: int(row[1]) for row in sections["SECTION_SHIFTS"]}
    banned = {row[0]: set(filter(None, row[2].split("|"))) for row in sections["SECTION_SHIFTS"]}
    broken: set[tuple[str, str]] = set()
    staff = [row[0] for row in sections["SECTION_STAFF"]]
    for e, row in enumerate(sections["SECTION_STAFF"]):
        name, work = row[0], grid[e]
        most = {k: int(v) for k, v in (item.split("=") for item in row[1].split("|"))}
        max_min, min_min, max_run, min_run, min_off, max_weekends = map(int, row[2:])
        on = [t != "-" for t in work]
        for d in range(days - 1):
            if on[d] and on[d + 1] and work[d + 1] in banned[work[d]]:
                broken.add(("succession", name))
        counts = Counter(t for t in work if t != "-")
        if any(n > most.get(s, days) for s, n in counts.items()):
            broken.add(("per_shift", name))
        minutes = sum(length[t] for t in work if t != "-")
        if minutes > max_min:
            broken.add(("max_minutes", name))
        if minutes < min_min:
            broken.add(("min_minutes", name))
        if any(all(on[d : d + max_run + 1]) for d in range(days - max_run)):
            broken.add(("consecutive", name))
        for k in range(1, min_run):  # off, k worked days, off: all inside the horizon
            if any(not on[d] and all(on[d + 1 : d + k + 1]) and not on[d + k + 1] for d in range(days - k - 1)):
                broken.add(("min_consecutive", name))
        for k in range(1, min_off):
            if any(on[d] and not any(on[d + 1 : d + k + 1]) and on[d + k + 1] for d in range(days - k - 1)):
                broken.add(("min_days_off", name))
        if sum(on[7 * w + 5] or on[7 * w + 6] for w in range(days // 7)) > max_weekends:
            broken.add(("horizon_weekends", name))
    for row in sections["SECTION_DAYS_OFF"]:
        if any(grid[staff.index(row[0])][int(d)] != "-" for d in row[1:]):
            broken.add(("unavailable", row[0]))
    objective = 0
    for e_name, d, s, w in sections.get("SECTION_SHIFT_ON_REQUESTS", []):
        objective += int(w) * (grid[staff.index(e_name)][int(d)] != s)
    for e_name, d, s, w in sections.get("SECTION_SHIFT_OFF_REQUESTS", []):
        objective += int(w) * (grid[staff.index(e_name)][int(d)] == s)
    for d, s, req, under, over in sections["SECTION_COVER"]:
        n = sum(grid[e][int(d)] == s for e in range(len(staff)))
        objective += int(under) * max(0, int(req) - n) + int(over) * max(0, n - int(req))
    return objective, broken


def verdict(instance: Instance, grid: list[list[str]]) -> tuple[int, set[tuple[str, str]]]:
    text = "\n".join(" ".join(row) for row in grid)
    result = judge(instance, read_roster(instance, text))
    assert result.objective % SCALE == 0
    return result.objective // SCALE, {(v.rule, v.unit) for v in result.violations}


def test_an_all_off_roster_costs_all_cover_and_every_wish(instances: dict) -> None:
    instance = instances[1]
    grid = [["-"] * 14 for _ in instance.staff]
    objective, broken = verdict(instance, grid)
    assert objective == 7137  # 100 * 71 missing + 37 on-request weights (FORMAT.md)
    assert broken == {("min_minutes", e) for e in instance.staff}
    assert reference(path(1).read_text(encoding="ascii"), grid) == (objective, broken)


def test_a_hand_made_roster_with_runs_at_both_ends(instances: dict) -> None:
    instance = instances[1]  # one shift D (480 min); A: max 5 in a row, min 2, 2 days off, 1 weekend
    grid = [["-"] * 14 for _ in instance.staff]
    grid[0] = list("DD-DDDDD--D---")  # a lone day 10 is a run of 1 inside
    objective, broken = verdict(instance, grid)
    assert (objective, broken) == reference(path(1).read_text(encoding="ascii"), grid)
    assert ("min_consecutive", "A") in broken and ("min_days_off", "A") in broken  # day 2 off alone
    assert ("unavailable", "A") in broken  # A's fixed day off is day 0 in Instance1


def mutated(rng: random.Random, grid: list[list[str]], shifts: tuple[str, ...], flips: int) -> list[list[str]]:
    grid = [list(row) for row in grid]
    for _ in range(flips):
        e, d = rng.randrange(len(grid)), rng.randrange(len(grid[0]))
        grid[e][d] = rng.choice(("-", *shifts))
    return grid


@pytest.fixture(scope="module")
def solved_first() -> tuple[Instance, list[list[str]]]:
    instance = read_instance(path(1))
    result = solve(instance, SolveOptions(time_limit=10, workers=1, seed=1))
    assert result.roster is not None
    rows = [line.split() for line in write_roster(instance, result.roster).splitlines() if not line.startswith("#")]
    return instance, rows


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(number=st.sampled_from([1, 2, 3]), seed=st.integers(0, 10**6), off=st.floats(0.2, 0.8))
def test_the_checker_agrees_with_the_reference_on_random_rosters(instances: dict, number: int, seed: int, off: float) -> None:
    instance = instances[number]
    rng = random.Random(seed)
    grid = [
        ["-" if rng.random() < off else rng.choice(instance.shift_ids) for _ in range(instance.horizon)] for _ in instance.staff
    ]
    assert verdict(instance, grid) == reference(path(number).read_text(encoding="ascii"), grid)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), flips=st.integers(1, 4))
def test_the_checker_agrees_with_the_reference_near_the_optimum(solved_first: tuple, seed: int, flips: int) -> None:
    instance, best = solved_first
    grid = mutated(random.Random(seed), best, instance.shift_ids, flips)
    assert verdict(instance, grid) == reference(path(1).read_text(encoding="ascii"), grid)


# --- solving ----------------------------------------------------------------------------------------


def test_instance_1_solves_to_its_best_known_value(solved_first: tuple) -> None:
    instance, grid = solved_first
    assert verdict(instance, grid) == (BEST_KNOWN[1], set())
    assert reference(path(1).read_text(encoding="ascii"), grid) == (BEST_KNOWN[1], set())


def test_the_solved_roster_is_proven_optimal_and_written_in_the_roster_format() -> None:
    instance = read_instance(path(1))
    result = solve(instance, SolveOptions(time_limit=10, workers=1, seed=3))
    assert result.status.name == "OPTIMAL" and result.objective == result.bound == BEST_KNOWN[1] * SCALE
    assert result.roster is not None
    text = write_roster(instance, result.roster)
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert len(lines) == len(instance.staff) and all(len(line.split()) == 14 for line in lines)
    assert judge(instance, read_roster(instance, text)).objective == result.objective


@pytest.mark.parametrize("method", ["relax", "plain", "colgen"])
def test_every_method_keeps_every_rule_on_instance_2(instances: dict, method: str) -> None:
    result = solve(instances[2], SolveOptions(time_limit=3, workers=1, seed=1), method=method)
    assert result.check is not None and result.check.feasible
    assert result.objective is not None and result.objective >= BEST_KNOWN[2] * SCALE
    assert result.bound is None or result.bound <= BEST_KNOWN[2] * SCALE


def test_a_roster_of_the_wrong_shape_is_refused(instances: dict) -> None:
    instance = instances[1]
    with pytest.raises(DataError) as error:
        read_roster(instance, "D D D\n", "r.txt")
    assert "8 行" in error.value.issues[0].message
    rows = "\n".join(" ".join(["X"] + ["-"] * 13) for _ in instance.staff)
    with pytest.raises(DataError) as error:
        read_roster(instance, rows, "r.txt")
    assert error.value.issues[0].column == "第 0 天"


# --- the command ------------------------------------------------------------------------------------


def test_the_command_solves_checks_and_writes_a_roster(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "roster.txt"
    done = runner.invoke(
        main,
        ["bench", "curtois", str(path(1)), "--time-limit", "10", "--workers", "1", "--seed", "1", "--out", str(out), "--quiet"],
    )
    assert done.exit_code == 0, done.output
    assert "目标值 607" in done.output and "下界 607" in done.output and "最优" in done.output
    assert "满足全部硬性约束" in done.output
    checked = runner.invoke(main, ["bench", "curtois", str(path(1)), "--check", str(out)])
    assert checked.exit_code == 0 and "目标值 607" in checked.output
    again = runner.invoke(main, ["bench", "curtois", str(path(1)), "--out", str(out), "--time-limit", "1"])
    assert again.exit_code == 6 and out.read_text(encoding="utf-8").count("\n") == 9  # kept, not overwritten


def test_the_command_reports_a_roster_that_breaks_rules(tmp_path: Path) -> None:
    roster = tmp_path / "all-on.txt"
    roster.write_text("\n".join(" ".join(["D"] * 14) for _ in range(8)) + "\n", encoding="utf-8")
    done = CliRunner().invoke(main, ["bench", "curtois", str(path(1)), "--check", str(roster)])
    assert done.exit_code == 3
    assert "违反硬性约束" in done.output and "最多连续天数" in done.output


def test_the_command_refuses_a_broken_instance_with_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "Instance1.txt"
    broken.write_text(path(1).read_text(encoding="ascii").replace("SECTION_STAFF", "SECTION_STUFF"), encoding="ascii")
    done = CliRunner().invoke(main, ["bench", "curtois", str(broken)])
    assert done.exit_code == 2 and "Traceback" not in done.output
    assert "Instance1.txt" in done.output and "SECTION_STAFF" in done.output
    missing = CliRunner().invoke(main, ["bench", "curtois", str(tmp_path / "nothing.txt")])
    assert missing.exit_code == 2 and "文件不存在" in missing.output
