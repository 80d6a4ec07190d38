"""The seeded data set generator (bench/generate.py): determinism, validity, tightness, variety."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402

from rotation.loader import load  # noqa: E402
from rotation.problem import build_problem  # noqa: E402

DECEMBER = (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
TWO_WEEKS = (dt.date(2026, 12, 1), dt.date(2026, 12, 14))
SEEDS = range(1, 11)
TOLERANCE = 0.03
"""Needed / capacity may miss the tightness by 3% of it. The generator's last steps add one
unit-duty at a time, so it misses by at most half a duty plus the capacity's rounding: under 1%
even for the small preset over two weeks (capacity 80-200)."""


def files(folder: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in sorted(folder.iterdir())}


def test_same_arguments_give_identical_files(tmp_path: Path) -> None:
    for name in ("a", "b"):
        generate.write(tmp_path / name, generate.generate(3, tightness=1.0, start=DECEMBER[0], end=DECEMBER[1]))
    generate.write(tmp_path / "c", generate.generate(4, tightness=1.0, start=DECEMBER[0], end=DECEMBER[1]))
    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert files(tmp_path / "a") != files(tmp_path / "c")
    assert {"stations.csv", "units.csv", "demand.csv", "people.csv", "rules.csv"} <= set(files(tmp_path / "a"))


def test_cli_writes_once_and_reports_the_ratio(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    args = [
        "--seed",
        "2",
        "--preset",
        "small",
        "--tightness",
        "0.8",
        "--start",
        "2026-12-01",
        "--end",
        "2026-12-10",
        "--out",
        str(out),
    ]
    assert generate.main(args) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("needed ") and "capacity" in line and "ratio 0.8" in line and "\n" not in line
    first = files(out)
    assert generate.main(args) == 2  # refuses a non-empty folder
    assert "--force" in capsys.readouterr().err
    assert generate.main([*args, "--force"]) == 0
    assert files(out) == first
    with pytest.raises(SystemExit):  # --month with --start/--end is a usage error
        generate.main([*args[:-2], "--month", "2026-11", "--out", str(tmp_path / "x")])


@pytest.mark.parametrize("tightness", [0.6, 0.8, 1.0, 1.1])
@pytest.mark.parametrize(("preset", "horizon"), [("small", TWO_WEEKS), ("county", DECEMBER)])
def test_generated_data_loads_and_hits_the_tightness(
    tmp_path: Path, preset: str, horizon: tuple[dt.date, dt.date], tightness: float
) -> None:
    start, end = horizon
    for seed in SEEDS:
        folder = tmp_path / str(seed)
        generate.write(folder, generate.generate(seed, tightness=tightness, start=start, end=end, **generate.PRESETS[preset]))
        data = load(folder)
        problem = build_problem(data, start, end)  # raises DataError on a bad pin
        needed, capacity, ratio = generate.measure(data, start, end)
        assert needed == problem.unit_duties == generate.needed(data, start, end)
        assert capacity == generate.capacity(data, start, end)
        assert abs(ratio - tightness) <= TOLERANCE * tightness, (seed, needed, capacity)


def test_rules_and_shapes_vary_with_the_seed() -> None:
    rules: dict[str, set[str]] = {}
    tiny_units = leader_totals = 0
    communities, pins = set(), set()
    for seed in range(20):
        tables = generate.generate(seed, tightness=None, start=TWO_WEEKS[0], end=TWO_WEEKS[1], **generate.PRESETS["county"])
        for row in tables["rules"]:
            rules.setdefault(row["key"], set()).add(row["value"])
        people: dict[str, int] = {}
        for person in tables["people"]:
            people[person["unit"]] = people.get(person["unit"], 0) + 1
        leaders = [u for u in tables["units"] if u["category"] == "县处领导"]
        assert leaders and all(u["roles"] == "领班" and 1 <= int(u["max_total"]) <= 3 for u in leaders)
        leader_totals += sum(int(u["max_total"]) for u in leaders)
        tiny_units += sum(1 for u in tables["units"] if u["category"] != "县处领导" and 1 <= people.get(u["id"], 0) <= 3)
        special = [s for s in tables["stations"] if s["level"] == "0"]
        assert len(special) == 1
        roles = {d["role"] for d in tables["demand"] if d["station"] == special[0]["id"]}
        assert roles == {"领班", "坐班", "轮班"}
        communities.add(sum(1 for s in tables["stations"] if s["level"] == "2"))
        pins.add(len(tables["fixed"]))
    assert {int(v) for v in rules["max_consecutive_days"]} <= {1, 2, 3} and len(rules["max_consecutive_days"]) >= 2
    assert {int(v) for v in rules["min_days_between"]} <= set(range(5)) and len(rules["min_days_between"]) >= 2
    assert {int(v) for v in rules["max_weekends_per_month"]} <= {1, 2, 3} and len(rules["max_weekends_per_month"]) >= 2
    assert {v.count(">") for v in rules["forbidden_successions"]} == {0, 1, 2}
    assert tiny_units >= 20 and leader_totals > 0
    assert min(communities) >= 4 and max(communities) <= 8 and len(communities) >= 3
    assert len(pins) >= 2


def test_knobs_override_the_draws() -> None:
    tables = generate.generate(
        5, stations=9, units=30, leaders=4, pins=0, rules={"max_consecutive_days": 1}, start=TWO_WEEKS[0], end=TWO_WEEKS[1]
    )
    assert len(tables["stations"]) == 9 and len(tables["units"]) == 30
    assert sum(1 for u in tables["units"] if u["category"] == "县处领导") == 4
    assert tables["fixed"] == []
    assert {"key": "max_consecutive_days", "value": "1"} in tables["rules"]
    build_problem(generate.dataset(tables), *TWO_WEEKS)


def test_a_year_the_builtin_calendar_does_not_know() -> None:
    start, end = dt.date(2027, 3, 1), dt.date(2027, 3, 14)
    tables = generate.generate(1, **generate.PRESETS["small"], start=start, end=end)
    assert tables["calendar"] == [{"date": "2027-01-01", "day": "节假日", "name": "元旦"}]
    build_problem(generate.dataset(tables), start, end)


def test_most_duties_follows_the_run_and_weekend_limits() -> None:
    for days in range(1, 32):
        for run in (1, 2, 3):
            assert generate._most_duties([1] * days, [False] * days, run, 0) == days - days // (run + 1)
    # a week with its weekend: one rest-day run allowed, worked on both days when runs allow it
    rest = [False] * 5 + [True, True]
    assert generate._most_duties([1] * 7, rest, 7, 0) == 5
    assert generate._most_duties([1] * 7, rest, 7, 1) == 7
    assert generate._most_duties([2] * 7, rest, 2, 1) == 2 * 5  # e.g. days 1-2, 4-5, 7
    assert generate._most_duties([1, 0, 1, 1, 1, 1, 1], [False] * 7, 2, 0) == 5


def test_capacity_of_the_embedded_data() -> None:
    data = load(ROOT / "data" / "fengqing")
    needed, capacity, ratio = generate.measure(data, *DECEMBER)
    assert needed == 1059 == build_problem(data, *DECEMBER).unit_duties
    # eight leaders could 领班 24 times (3 each) but only 10 Tuesdays and Thursdays need it
    assert generate.needed_by_role(data, *DECEMBER)["领班"] == 10
    capacities = generate.unit_capacities(data, *DECEMBER)
    assert capacity == sum(c for unit, c in capacities.items() if not unit.startswith("LD")) + 10
    assert capacities["GH"] == 20  # 31 days, no more than 2 in a row, 2 of the 4 weekends
    assert 0.55 < ratio < 0.65


def test_a_small_data_set_builds_a_model_cp_sat_solves() -> None:
    from ortools.sat.python import cp_model

    from rotation.solver.cpsat import Mode, build_model

    start, end = dt.date(2026, 12, 1), dt.date(2026, 12, 10)
    problem = build_problem(
        generate.dataset(generate.generate(1, tightness=0.8, start=start, end=end, **generate.PRESETS["small"])), start, end
    )
    model, _, _ = build_model(problem, Mode.FULL)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 1
    solver.parameters.num_workers = 1
    assert solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def test_pins_the_project_rejects_are_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    from rotation.errors import DataError, DataIssue

    def reject(*args: object, **kwargs: object) -> None:
        raise DataError([DataIssue("固定安排", 2, "单位", "rejected")])

    kept = generate.generate(5, pins=3, start=TWO_WEEKS[0], end=TWO_WEEKS[1])["fixed"]
    assert len(kept) == 3
    monkeypatch.setattr(generate, "build_problem", reject)
    assert generate.generate(5, pins=3, start=TWO_WEEKS[0], end=TWO_WEEKS[1])["fixed"] == []
