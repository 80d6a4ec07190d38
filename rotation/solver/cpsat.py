"""Building and running the CP-SAT model: options, live progress, interruption."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, TypedDict

from ortools.sat.python import cp_model

from rotation.budget import Budget
from rotation.problem import Problem
from rotation.roster import Assignment
from rotation.solver.constraints import add_full_coverage, add_hard_rules
from rotation.solver.extract import extract_duties
from rotation.solver.objective import add_objective
from rotation.solver.outcome import Outcome, Settled, shortfall
from rotation.solver.stability import Keep, add_changes
from rotation.solver.variables import LinearExpr, Variables, create_variables
from rotation.status import SolveStatus
from rotation.units import SCALE

if TYPE_CHECKING:
    from ortools.sat.python import cp_model_helper


@dataclass(frozen=True)
class SolveOptions:
    """How long and how to search. With one worker the limit is CP-SAT's deterministic time
    (about a second of work each), so the same data and seed give the same roster."""

    time_limit: float = 60.0
    workers: int = 2
    seed: int = 0
    log: bool = False

    @property
    def deterministic(self) -> bool:
        return self.workers == 1

    def budget(self) -> Budget:
        """The options' time limit, starting now."""
        return Budget(self.time_limit, self.deterministic)

    def parameters(self) -> dict[str, object]:
        """What the report records of these options."""
        return {"time_limit": self.time_limit, "workers": self.workers, "seed": self.seed, "deterministic": self.deterministic}


@dataclass
class Progress:
    """What the search has reached so far; updated from the solver's threads."""

    phase: str = ""
    started: float = field(default_factory=time.monotonic)
    scored: bool = True  # the objective is the roster's penalty total (not a phase's own measure)
    objective: float | None = None
    bound: float | None = None
    solutions: int = 0
    first_at: float | None = None  # elapsed seconds at the first solution
    last_at: float | None = None  # and at the last, the best so far
    missing: int | None = None  # unit-duties the best roster leaves uncovered, when known
    changed: threading.Event = field(default_factory=threading.Event, repr=False)  # set on news

    @property
    def elapsed(self) -> float:
        """Seconds since ``started``, for display and for :meth:`stalled`: limits are the Budget's."""
        return time.monotonic() - self.started

    def stalled(self, patience: float) -> bool:
        """Whether the search has found nothing better for ``patience`` seconds, and for as
        long as it took to find its best (none found: not stalled, it has yet to start)."""
        if self.last_at is None:
            return False
        return self.elapsed - self.last_at >= max(patience, self.last_at)

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return relative_gap(self.objective, self.bound)


def relative_gap(objective: float, bound: float) -> float:
    """(objective - bound) / objective, 0 when both are 0."""
    if objective <= 0:
        return 0.0 if objective <= bound else 1.0
    return max(0.0, (objective - bound) / objective)


def new_solver(workers: int, seed: int) -> cp_model.CpSolver:
    """A CP-SAT solver that leaves Ctrl-C to us: by default CP-SAT catches SIGINT itself and ends
    the current search as if its time were up, so the next phase would start as if nothing
    happened (and, seen once, the process aborted)."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.catch_sigint_signal = False
    return solver


class SearchControl:
    """Lets another thread (a Ctrl-C handler) stop the search; the best roster is kept."""

    def __init__(self) -> None:
        self._solver: cp_model.CpSolver | None = None
        self._interrupt: Callable[[], object] | None = None
        self.interrupted = False

    def attach(self, solver: cp_model.CpSolver) -> None:
        self._solver = solver
        if self.interrupted:  # stopped before this search began: CP-SAT forgets a stop asked before solve()
            solver.parameters.max_time_in_seconds = 0.0

    def attach_interrupt(self, interrupt: Callable[[], object] | None) -> None:
        """Another solver's way to stop at once (GLOP's InterruptSolve), called on stop."""
        self._interrupt = interrupt

    def stop(self) -> None:
        self.interrupted = True
        if self._solver is not None:
            self._solver.stop_search()
        if self._interrupt is not None:
            self._interrupt()


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, progress: Progress) -> None:
        super().__init__()
        self.progress = progress

    def on_solution_callback(self) -> None:
        if self.progress.first_at is None:
            self.progress.first_at = self.progress.elapsed
        self.progress.last_at = self.progress.elapsed
        self.progress.solutions += 1
        self.progress.objective = self.objective_value
        self.progress.bound = self.best_objective_bound
        self.progress.changed.set()


class Mode(Enum):
    """What a run optimises: every soft rule, or coverage (and, repairing, changes) first."""

    FULL = "优化"  # every soft rule
    SHORTFALL = "补缺"  # fewest missing duties, nothing else
    REPAIR = "调整"  # fewest missing duties, then fewest changes to a published roster

    @property
    def scored(self) -> bool:
        """Whether the run's objective is the roster's penalty total (FULL), not another measure."""
        return self is Mode.FULL


def build_model(
    problem: Problem, mode: Mode = Mode.FULL, keep: Keep | None = None, budget: Budget | None = None
) -> tuple[cp_model.CpModel, Variables, dict[str, LinearExpr]]:
    """The model of ``problem`` for ``mode``, with the term of each soft rule it minimises.
    With ``keep``, the term ``changes`` counts changes to a published roster: REPAIR minimises
    them (after coverage); FULL keeps them and coverage within what REPAIR reached. With
    ``budget``, building stops between rule families once its deadline has passed
    (:class:`~rotation.budget.OutOfTime`): a large model takes seconds to build."""
    between = budget.check if budget is not None else None
    model = cp_model.CpModel()
    variables = create_variables(model, problem)
    add_hard_rules(variables, between=between)
    if mode is Mode.REPAIR and keep is not None and keep.cover:
        add_full_coverage(variables)
        changes, _ = add_changes(variables, keep)
        model.minimize(changes)
        return model, variables, {"coverage": 0, "changes": changes}
    terms = add_objective(variables, soft=mode is Mode.FULL, between=between)
    if keep is not None:
        changes, most = add_changes(variables, keep)
        if mode is Mode.REPAIR:
            # one missing duty outweighs every possible change: coverage first, then stability
            unit = max(dict(problem.data.rules.weights)["coverage"] * SCALE, 1)
            model.minimize(terms["coverage"] * (most // unit + 1) + changes)
        if keep.max_changes is not None:
            model.add(changes <= keep.max_changes)
        if keep.max_coverage_penalty is not None:
            model.add(terms["coverage"] <= keep.max_coverage_penalty)
        terms = {**terms, "changes": changes}
    return model, variables, terms


def run_model(
    problem: Problem,
    options: SolveOptions,
    control: SearchControl | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    hint: list[Assignment] | None = None,
    mode: Mode = Mode.FULL,
    started: float | None = None,
    lns_only: bool = False,
    keep: Keep | None = None,
    budget: Budget | None = None,
    enough_after: float | None = None,
) -> Outcome:
    """Build the model for ``problem``, search within ``budget`` (by default the options' time
    limit), and read back the best roster found. With ``lns_only`` every worker improves the
    hint by neighbourhood search and none tries to prove a bound: on a county month that finds
    better rosters with two thirds of the memory. ``keep`` is a published roster to stay close
    to (see :func:`build_model`). Building stops with :class:`~rotation.budget.OutOfTime` when
    the budget's deadline passes first. With ``enough_after`` (wall-clock seconds) the search
    ends once that long has passed and it has a solution."""
    budget = budget or options.budget()
    model, variables, terms = build_model(problem, mode, keep, budget)
    hinted = add_complete_hint(variables, hint, options.seed, budget) if hint else None
    control = control or SearchControl()
    progress = Progress(phase=mode.value, started=budget.origin if started is None else started, scored=mode.scored)
    solver = _watched_solver(options, budget, control, progress)
    solver.parameters.use_lns_only = lns_only
    enough = _after(budget, enough_after)
    status = solve_watched(solver, model, progress, on_progress, enough_after=enough)
    budget.after_cp_sat(solver.deterministic_time, solver.wall_time)
    ended = SolveStatus.of(status)
    found = ended.found
    value = solver.value
    objective = solver.objective_value
    if not found and hinted is not None:
        # no time to do better than the (complete, feasible) hint: it is the answer
        found, ended = True, SolveStatus.FEASIBLE
        value, objective = hinted.value, hinted.objective_value
    size = size_of(model, variables)
    if not found:
        return Outcome(ended, None, None, progress.solutions, size)
    duties, values = _read_back(variables, terms, keep, value)
    roster = Settled(duties, round(objective), values, 0, shortfall(problem, duties))
    bound = round(solver.best_objective_bound) if status != cp_model.UNKNOWN else None
    return Outcome(ended, roster, bound, progress.solutions, size)


def _read_back(variables: Variables, terms: dict, keep: Keep | None, value: Callable) -> tuple[list[Assignment], dict[str, int]]:
    """The duties of the solution that ``value`` reads, and each rule's term there."""
    duties = extract_duties(variables, value, keep.owners() if keep else None)
    return duties, {rule: round(value(term)) if not isinstance(term, int) else term for rule, term in terms.items()}


def size_of(model: cp_model.CpModel, variables: Variables) -> dict[str, int]:
    return {"booleans": len(variables.x), "variables": len(model.proto.variables), "constraints": len(model.proto.constraints)}


def _watched_solver(options: SolveOptions, budget: Budget, control: SearchControl, progress: Progress) -> cp_model.CpSolver:
    """A solver within ``budget`` that ``control`` can stop and that reports its bound."""
    solver = new_solver(options.workers, options.seed)
    budget.limit_cp_sat(solver.parameters)
    solver.parameters.log_search_progress = options.log
    control.attach(solver)

    def on_bound(bound: float) -> None:
        progress.bound = bound
        progress.changed.set()

    solver.best_bound_callback = on_bound
    return solver


class _Outcome(TypedDict, total=False):
    """What the worker thread of :func:`solve_watched` leaves: the status, or the error it raised."""

    status: cp_model.CpSolverStatus
    error: BaseException


def _after(budget: Budget, seconds: float | None) -> Budget | None:
    """A wall-clock part of ``budget`` for a watcher, from now; none under a deterministic
    budget, whose run must not depend on the clock."""
    return budget.part(seconds) if seconds is not None and not budget.deterministic else None


def solve_watched(
    solver: cp_model.CpSolver,
    model: cp_model.CpModel,
    progress: Progress,
    on_progress: Callable[[Progress], None] | None,
    enough_after: Budget | None = None,
    give_up_after: Budget | None = None,
    patience: float | None = None,
) -> cp_model.CpSolverStatus:
    """Solve in a worker thread, so that the main thread stays free for Ctrl-C and reports progress.
    The search stops once ``enough_after`` is spent and it has a solution, or once
    ``give_up_after`` is spent and it has none; and once it has gone ``patience`` seconds
    without a better solution, and as long as it took to find its best (a search that still
    improves is not cut short)."""
    outcome: _Outcome = {}
    changed = progress.changed
    callback = _Callback(progress)

    def work() -> None:
        try:
            outcome["status"] = solver.solve(model, callback)
        except BaseException as error:  # re-raised in the calling thread
            outcome["error"] = error

    worker = threading.Thread(target=work, name="cp-sat", daemon=True)
    worker.start()
    last_report = 0.0
    while worker.is_alive():
        worker.join(timeout=0.25)
        if progress.solutions and enough_after is not None and enough_after.expired:
            solver.stop_search()
        if not progress.solutions and give_up_after is not None and give_up_after.expired:
            solver.stop_search()
        if patience is not None and progress.stalled(patience):
            solver.stop_search()
        if on_progress is not None and (changed.is_set() or progress.elapsed - last_report >= 1.0):
            changed.clear()
            last_report = progress.elapsed
            on_progress(progress)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["status"]


@dataclass
class Incumbent:
    """The best solution so far: a value for every variable of the model, and its objective."""

    values: list[int]
    objective: int


@dataclass(frozen=True)
class SearchRun:
    """One search of an already built model."""

    status: SolveStatus
    incumbent: Incumbent | None
    bound: int | None
    solutions: int
    spent: float  # seconds, or deterministic seconds with one worker
    first_at: float | None = None  # seconds from ``started`` to the first solution


def search(
    model: cp_model.CpModel,
    options: SolveOptions,
    budget: Budget,
    control: SearchControl,
    on_progress: Callable[[Progress], None] | None = None,
    started: float | None = None,
    enough_after: float | None = None,
    give_up_after: float | None = None,
) -> SearchRun:
    """Search ``model`` (with whatever hints it holds) within ``budget``; the best solution found.
    With ``enough_after`` seconds the search ends early once it has a solution, with
    ``give_up_after`` once it has passed that long without one (wall-clock limits only: with one
    worker the run must not depend on the clock)."""
    progress = Progress(phase=Mode.FULL.value, started=budget.origin if started is None else started)
    solver = _watched_solver(options, budget, control, progress)
    status = solve_watched(solver, model, progress, on_progress, _after(budget, enough_after), _after(budget, give_up_after))
    budget.after_cp_sat(solver.deterministic_time, solver.wall_time)
    outcome = SolveStatus.of(status)
    spent = solver.deterministic_time if budget.deterministic else solver.wall_time
    if not outcome.found:
        return SearchRun(outcome, None, None, progress.solutions, spent)
    return SearchRun(
        outcome, incumbent_of(model, solver), round(solver.best_objective_bound), progress.solutions, spent, progress.first_at
    )


def incumbent_of(model: cp_model.CpModel, solver: cp_model.CpSolver) -> Incumbent:
    """The solver's solution with its objective computed from the values themselves: once, with
    two workers and a hint, the reported objective was a point above its solution's."""
    values = list(solver.response_proto.solution)
    return Incumbent(values, objective_of(model, values))


def objective_of(model: cp_model.CpModel, values: list[int]) -> int:
    """The model's objective at ``values`` (one per variable)."""
    objective = model.proto.objective
    total = objective.offset
    for index, coefficient in zip(objective.vars, objective.coeffs, strict=True):
        total += coefficient * (values[index] if index >= 0 else 1 - values[-index - 1])
    return round(total)


@contextlib.contextmanager
def narrowed(model: cp_model.CpModel, values: dict[int, int]) -> Iterator[None]:
    """Fix the variables of ``values`` (proto index to value) for the duration, in place rather
    than in a copy of the model: a large model is most of our memory."""
    proto = model.proto
    saved = [(index, list(proto.variables[index].domain)) for index in values]
    try:
        for index, value in values.items():
            _set_domain(proto.variables[index].domain, [value, value])
        yield
    finally:
        for index, domain in saved:
            _set_domain(proto.variables[index].domain, domain)


def _set_domain(domain: cp_model_helper.repeated_scalar_int64_t, bounds: list[int]) -> None:
    domain.clear()
    domain.extend(bounds)


def fixed_solution(v: Variables, values: list[int], seed: int) -> cp_model.CpSolver:
    """A solver holding exactly the solution ``values`` (to read duties and terms from)."""
    solver = new_solver(1, seed)
    with narrowed(v.model, dict(enumerate(values))):
        status = solver.solve(v.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise AssertionError(f"a solution the search returned breaks its own model ({solver.status_name(status)})")
    return solver


def hint_all(v: Variables, values: list[int]) -> None:
    """Hint every variable of the model with ``values``."""
    v.model.clear_hints()
    for index, value in enumerate(values):
        v.model.add_hint(v.model.get_int_var_from_proto_index(index), value)


def _hinted(v: Variables, hint: list[Assignment]) -> set[tuple[int, str]]:
    slots = {(s.date, s.station, s.shift, s.role): s.index for s in v.problem.slots}
    return {(slots[(a.date, a.station, a.shift, a.role)], a.unit) for a in hint if (a.date, a.station, a.shift, a.role) in slots}


HINT_LIMIT = 5.0
"""Deterministic seconds for completing a hint: with the duties fixed, propagation decides it."""


def add_complete_hint(v: Variables, hint: list[Assignment], seed: int, budget: Budget | None = None) -> cp_model.CpSolver | None:
    """Hint every variable, not only the duties: with the duties fixed, the model's propagation
    sets the rest at once. A partial hint is often dropped by CP-SAT, which
    then starts from nothing. Returns the solver holding the hinted solution, when it is one."""
    on = _hinted(v, hint)
    solver = new_solver(1, seed)
    solver.parameters.max_deterministic_time = HINT_LIMIT
    if budget is not None:
        budget.guard_cp_sat(solver.parameters)
    with narrowed(v.model, {var.index: int(key in on) for key, var in v.x.items()}):
        status = solver.solve(v.model)
    if budget is not None:
        budget.after_cp_sat(solver.deterministic_time, solver.wall_time)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        hint_all(v, list(solver.response_proto.solution))
        return solver
    for key, var in v.x.items():  # the hint breaks a hard rule: let CP-SAT repair what it can
        v.model.add_hint(var, key in on)
    return None
