"""Command line: ``innoscope build | run | import | compare | uncertainty | sensitivity | report | serve``.

Each command group lives in its own module and registers itself on ``app``. User errors
(:class:`~innoscope.errors.InnoscopeError`, and ``OSError`` on a path or port the user gave) print a one-line
message to stderr and exit 1; usage errors print click's message and exit 2.
"""

from __future__ import annotations

import ast
import functools
import importlib
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from innoscope.model.errors import InnoscopeError

app = typer.Typer(
    help="innoscope: transparent composite indices of innovation capacity.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)


@app.callback()
def _group() -> None:
    """Always a command group: with one command module loaded, typer would otherwise run its only command
    without its name (``innoscope build ...`` -> "unexpected extra argument (build)")."""


@functools.cache
def command_index() -> dict[str, tuple[str, str]]:
    """``{command: (module, help)}`` read from the sources of the command modules (``cli/*.py``).

    A command is a function decorated ``@app.command("name")`` in a module of this package; its help is the
    decorator's ``help=`` or the docstring. Reading the sources (ast) instead of importing them lets ``innoscope
    --help`` answer without loading pandas and the engine, and ``innoscope build`` import only ``cli.build``.
    """
    index: dict[str, tuple[str, str]] = {}
    for path in sorted(Path(__file__).parent.glob("*.py")):
        if path.name.startswith("_"):
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef):
                for dec in node.decorator_list:
                    if (
                        isinstance(dec, ast.Call)
                        and isinstance(dec.func, ast.Attribute)
                        and dec.func.attr == "command"
                        and isinstance(dec.func.value, ast.Name)
                        and dec.func.value.id == "app"
                    ):
                        name = dec.args[0].value if dec.args else node.name.replace("_", "-")
                        helps = [
                            k.value.value
                            for k in dec.keywords
                            if k.arg == "help" and isinstance(k.value, ast.Constant)
                        ]
                        index[str(name)] = (path.stem, helps[0] if helps else (ast.get_docstring(node) or ""))
    return index


def load_commands(argv: list[str]) -> None:
    """Import the module of the command ``argv`` names; for the top-level help, register each command by its
    name and help only; for anything else (an unknown command), every command module (click's "did you mean")."""
    index = command_index()
    if argv and argv[0] in index:
        importlib.import_module(f"{__name__}.{index[argv[0]][0]}")
        return
    if not argv or argv[0] in ("--help", "-h"):
        known = {c.name for c in app.registered_commands}
        for name, (_, text) in index.items():
            if name not in known:
                app.command(name, help=text, context_settings={"ignore_unknown_options": True})(_placeholder)
        return
    for module in dict.fromkeys(m for m, _ in index.values()):
        importlib.import_module(f"{__name__}.{module}")


def _placeholder() -> None:  # pragma: no cover - only listed in the top-level help, never run
    raise typer.Exit(2)


DEFAULT_RUNS = "2000"
"""Monte Carlo runs of ``--uncertainty`` given without a number (``innoscope compare 深圳 杭州 --uncertainty``)."""


def with_default_runs(argv: list[str]) -> list[str]:
    """``--uncertainty`` followed by nothing or by another option means :data:`DEFAULT_RUNS` runs."""
    out = []
    for i, arg in enumerate(argv):
        out.append(arg)
        nxt = argv[i + 1] if i + 1 < len(argv) else None
        if arg == "--uncertainty" and (
            nxt is None or (nxt.startswith("-") and not nxt.lstrip("-").isdigit())
        ):
            out.append(DEFAULT_RUNS)
    return out


def main(argv: list[str] | None = None) -> int:
    argv = with_default_runs(list(sys.argv[1:] if argv is None else argv))
    load_commands(argv)
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
        if (
            "ClickException" in kinds
        ):  # usage errors, from click or from the copy of click typer >= 0.20 ships
            e.show()
            return e.exit_code
        if "Abort" in kinds:
            return 1
        raise
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
