"""The pooled relaxation: a much smaller model whose optimum bounds the full one from below.

Slots of one date, role and community (county-wide positions form their own pool) are merged
into one pool with an integer number of duties per unit. Every rule that reads only days,
counts and communities (max per day, consecutive days, weekends, monthly totals, fair shares,
spacing, home community, shortfall) is kept exactly; shifts, stations, first-inquiry owners,
people and requests are left out. Every roster of the full model is a solution of the pooled
one with an objective no larger (shortfalls are summed per pool, never more than per slot, and
requests count zero), so the pooled model's bound is a valid bound of the full problem, and its
solutions say on which days each unit should serve.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from ortools.sat.python import cp_model

from rotation.problem import Period, Problem, Slot
from rotation.solver.constraints import add_hard_rules
from rotation.solver.objective import add_objective
from rotation.solver.variables import Variables, create_variables


def pooled_problem(problem: Problem) -> Problem:
    """``problem`` with its slots merged into pools; fair shares stay those of the real slots."""
    groups: dict[tuple, list[Slot]] = defaultdict(list)
    for slot in problem.slots:
        groups[(slot.date, slot.role, slot.community)].append(slot)
    pools = []
    for index, ((date, role, community), members) in enumerate(groups.items()):
        eligible = {u for s in members for u in s.eligible}
        pools.append(Slot(
            index=index,
            period=Period(date, f"@{community or '*'}", "*"),
            role=role,
            min=sum(s.min for s in members),
            max=sum(s.max for s in members),
            eligible=tuple(u.id for u in problem.units if u.id in eligible),
            community=community,
            width=len(members),
        ))
    pooled = replace(problem, slots=tuple(pools))
    # the shares are facts of the real slots; pooling must not change them
    pooled.__dict__["targets"] = problem.targets
    pooled.__dict__["weekend_targets"] = problem.weekend_targets
    return pooled


def build_pooled_model(problem: Problem) -> tuple[cp_model.CpModel, Variables, dict]:
    """The pooled model of ``problem`` (see the module's docstring), with fixed duties as floors."""
    pooled = pooled_problem(problem)
    model = cp_model.CpModel()
    variables = create_variables(model, pooled, relaxed=True)
    add_hard_rules(variables)
    terms = add_objective(variables)
    pool_of = {(s.date, s.role, s.community): s.index for s in pooled.slots}
    floors: dict[tuple[int, str], int] = defaultdict(int)
    for pin in problem.data.fixed:
        if problem.in_horizon(pin.date):
            community = problem.data.station(pin.station).community
            floors[(pool_of[(pin.date, pin.role, community)], pin.unit)] += 1
    for key, count in floors.items():
        model.add(variables.x[key] >= count)
    return model, variables, terms
