"""The package version, in one place: the CLI's ``--version`` and every export's generator field read it.

A module of its own so that an exporter can name the version without
importing the package ``__init__`` (which names the whole API).
"""

from __future__ import annotations

__version__ = "0.1.0"
