"""The ``paralign`` command's entry point: interrupts are clean from the very first import.

The console script runs ``main``, which installs the signal handlers
(``paralign.interrupts``) before it imports anything else, so Ctrl-C (SIGINT)
or a SIGTERM at any moment, even while typer, numba or torch are still
importing, ends the process with one line on stderr and exit code 130, never
a traceback.
Everything else is ``paralign.cli``'s.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Run the command line; exit with its status."""
    from paralign import interrupts

    interrupts.install()
    try:
        from paralign.cli import run

        status = run(sys.argv[1:])
    except KeyboardInterrupt:
        # Only reached before a command started (importing, parsing): nothing was written yet.
        print("paralign: error: interrupted; no export was changed", file=sys.stderr)
        status = interrupts.EXIT_CODE
    except Exception as error:  # a broken install or a bug: still one line (PARALIGN_DEBUG=1 for the traceback)
        if os.environ.get("PARALIGN_DEBUG"):
            raise
        print(f"paralign: error: internal error, please report it: {type(error).__name__}: {error}", file=sys.stderr)
        status = 1
    sys.exit(status)


if __name__ == "__main__":
    main()
