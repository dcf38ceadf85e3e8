"""The package's version, in one place: the package face, saved files and the
command line read it from here (pyproject.toml too, at build time)."""

__version__ = "0.1.0"
