"""Command line: ``innoscope build | run | import | compare | uncertainty | sensitivity | report | serve``.

Each command group lives in its own module and registers itself on ``app``. User errors
(:class:`~innoscope.errors.InnoscopeError`, and ``OSError`` on a path or port the user gave) print a one-line
message to stderr and exit 1; usage errors print click's message and exit 2.
"""

from __future__ import annotations

import importlib
import sys

import typer
from rich.console import Console
from rich.markup import escape

from innoscope.model.errors import InnoscopeError

app = typer.Typer(help="innoscope: transparent composite indices of innovation capacity.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
err = Console(stderr=True)

COMMAND_MODULES = ("build", "data", "uncertainty", "report")
for _name in COMMAND_MODULES:
    try:
        importlib.import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as _e:  # a command module not written yet
        if _e.name != f"{__name__}.{_name}":
            raise


DEFAULT_RUNS = "2000"
"""Monte Carlo runs of ``--uncertainty`` given without a number (``innoscope compare 深圳 杭州 --uncertainty``)."""


def with_default_runs(argv: list[str]) -> list[str]:
    """``--uncertainty`` followed by nothing or by another option means :data:`DEFAULT_RUNS` runs."""
    out = []
    for i, arg in enumerate(argv):
        out.append(arg)
        nxt = argv[i + 1] if i + 1 < len(argv) else None
        if arg == "--uncertainty" and (nxt is None or (nxt.startswith("-") and not nxt.lstrip("-").isdigit())):
            out.append(DEFAULT_RUNS)
    return out


def main(argv: list[str] | None = None) -> int:
    argv = with_default_runs(list(sys.argv[1:] if argv is None else argv))
    try:
        app(args=argv, standalone_mode=False)
    except InnoscopeError as e:
        err.print(f"[bold red]error:[/] {escape(str(e))}", highlight=False, soft_wrap=True)
        return 1
    except typer.Exit as e:
        return e.exit_code
    except OSError as e:  # a path the user gave cannot be read or written (missing folder, permissions, port)
        err.print(f"[bold red]error:[/] {escape(str(e))}", highlight=False, soft_wrap=True)
        return 1
    except Exception as e:
        kinds = {c.__name__ for c in type(e).__mro__}
        if "ClickException" in kinds:  # usage errors, from click or from the copy of click typer >= 0.20 ships
            e.show()
            return e.exit_code
        if "Abort" in kinds:
            return 1
        raise
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
