"""Problems found in a user's data, reported in Chinese with table, row and column."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DataIssue:
    """One problem in the data: where it is (as the user sees it) and what is wrong."""

    table: str  # Chinese table name as shown to the user
    row: int | None  # CSV line or sheet row; None for a whole table
    column: str | None  # Chinese column name; None for a whole row or table
    message: str

    def __str__(self) -> str:
        where = f"表「{self.table}」"
        if self.row is not None:
            where += f"第 {self.row} 行"
        if self.column is not None:
            where += f"「{self.column}」列"
        return f"{where}：{self.message}"


class DataError(Exception):
    """Raised with every problem found, so a planner can fix them all in one pass."""

    def __init__(self, issues: list[DataIssue]) -> None:
        super().__init__("\n".join(str(issue) for issue in issues))
        self.issues = issues

    def report(self) -> str:
        lines = [f"数据有 {len(self.issues)} 处问题，未进行排班："]
        lines += [f"  {n}. {issue}" for n, issue in enumerate(self.issues, 1)]
        return "\n".join(lines)
