"""Entry point: ``python solve.py ARGS`` does what ``rotation ARGS`` does.

With no arguments it solves next calendar month for the embedded Fengqing data into ``out/``.
"""

from rotation.cli import run

if __name__ == "__main__":
    run()
