"""SIGINT and SIGTERM as one clean stop, wherever they land.

``install`` (called first thing by ``paralign.__main__``) makes both signals
raise ``KeyboardInterrupt`` in the main thread, which the command turns into
one line and exit code 130. Two things can still go wrong, and this module
covers both:

* a second signal while the first unwinds would interrupt the clean-up (the
  export transaction's roll-back, removing temp files) and print a second
  line: after the first, both signals are ignored;
* third-party code running when the signal lands may swallow the
  ``KeyboardInterrupt`` (a bare ``except:`` in an import fallback), and the
  run would go on to write its exports: the signal is therefore also
  recorded, and ``check`` raises it again at the next stage boundary and
  before anything is written.
"""

from __future__ import annotations

import signal
from types import FrameType

#: The exit code of an interrupted run, by the shell's convention (128 + SIGINT), for SIGTERM too.
EXIT_CODE = 130

_received: list[int] = []


def _interrupt(signum: int, frame: FrameType | None) -> None:
    _received.append(signum)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


def install() -> None:
    """Route SIGINT and SIGTERM to ``KeyboardInterrupt`` (main thread only, as Python requires)."""
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)


def check() -> None:
    """Raise ``KeyboardInterrupt`` again if a signal came and its first one was swallowed.

    Raises:
        KeyboardInterrupt: a signal was received.
    """
    if _received:
        raise KeyboardInterrupt
