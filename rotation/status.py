"""How a search ended, in the terms reports use; CP-SAT's status codes become this at once."""

from __future__ import annotations

from enum import Enum

from ortools.sat.python import cp_model


class SolveStatus(Enum):
    OPTIMAL = "最优（已证明）"
    FEASIBLE = "可行（未证明最优）"
    INFEASIBLE = "无解：硬性规则互相冲突"
    UNKNOWN = "时限内未找到排班"

    @classmethod
    def of(cls, code: cp_model.CpSolverStatus) -> SolveStatus:
        """The status of a CP-SAT status code (MODEL_INVALID is a bug, reported as UNKNOWN)."""
        return {cp_model.OPTIMAL: cls.OPTIMAL, cp_model.FEASIBLE: cls.FEASIBLE, cp_model.INFEASIBLE: cls.INFEASIBLE}.get(
            code, cls.UNKNOWN
        )

    @property
    def found(self) -> bool:
        return self in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
