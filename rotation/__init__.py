"""rotation: duty-rotation rosters for county party-mass service positions (党群服务阵地)."""

import time

STARTED = time.monotonic()
"""When this process began to load us: the command line counts its time limit from here, so that
imports and loading the data count too."""

from importlib.metadata import PackageNotFoundError, version  # noqa: E402

try:
    __version__ = version("rotation")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"


def __getattr__(name: str) -> object:
    """``rotation.load``, ``rotation.solve`` and ``rotation.check``: the
    API of :mod:`rotation.api`, imported on first use (the solver's imports take a second)."""
    if name in ("load", "solve", "check"):
        from rotation import api

        return getattr(api, name)
    raise AttributeError(f"module 'rotation' has no attribute {name!r}")
