"""rotation: duty-rotation rosters for county party-mass service positions (党群服务阵地)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("rotation")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"
