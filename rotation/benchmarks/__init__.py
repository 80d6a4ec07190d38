"""Readers of public benchmark formats, such as the Curtois & Qu staff-scheduling instances.

Each reads its instances into the same data model as a county's tables, so that the same engine
solves them and the same checker judges them. The planners' code never imports this package:
only the benchmark's entry points do (``rotation bench curtois``, bench/curtois.py and the tests).
"""
