"""pamphlet: statements in, reviewed multilingual print-ready pamphlets out."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pamphlet")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"
