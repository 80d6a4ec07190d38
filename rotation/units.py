"""The fixed-point units shared by the model, the checker and the reports.

Penalties are whole numbers in hundredths of a point, and fair shares in tenths of a duty, so
that fairness (a square of a share's deviation) is exact in integers, as CP-SAT needs, and the
checker computes the very same numbers.
"""

SCALE = 100
"""Objective units per point: penalties are kept in hundredths of a point."""
TARGET_SCALE = 10
"""Fair-share targets are kept in tenths of a duty, so penalties are exact integers."""
