"""``python -m safearray [options] script.py [args]`` / ``python -m safearray [options] -m module [args]``.

Runs the program as ``python script.py`` (``python -m module``) would, with ``import numpy``
giving safearray in the selected modules (see ``safearray/_hook.py``), then prints the
findings (to stderr) and, with ``--report FILE``, writes them as JSON or SARIF.
"""

from __future__ import annotations

import argparse
import importlib.machinery
import io
import os
import runpy
import sys
import traceback
import types
from types import TracebackType
from typing import Any

__all__ = ["main"]

_HERE = os.path.dirname(os.path.abspath(__file__))
_RUNPY = (os.path.abspath(runpy.__file__ or ""), "<frozen runpy>")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m safearray",
        description="Run a Python program with `import numpy` giving safearray in your own modules, "
                    "and report the writes through Views, lost writes and refused writes it makes.")
    parser.add_argument("--policy", choices=("warn", "raise"), default="warn",
                        help="warn: run to the end and list every finding (default); raise: stop at the first")
    parser.add_argument("--include", action="append", metavar="P",
                        help="a module name or a path whose modules get safearray (repeatable; "
                             "default: the current directory, without site-packages)")
    parser.add_argument("--exclude", action="append", metavar="P", default=[],
                        help="a module name or a path that keeps NumPy (repeatable)")
    parser.add_argument("--report", metavar="FILE", action="append", default=[],
                        help="also write the findings to FILE: SARIF 2.1.0 if it ends in .sarif, else JSON "
                             "(repeatable)")
    parser.add_argument("-m", dest="module", metavar="module", help="run a module, as python -m does")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="script.py and its arguments")
    return parser


def _split_argv(argv: list[str]) -> tuple[list[str], list[str]]:
    """Our options, and the program's command line from the script or ``-m module`` on."""
    takes_value = {"--policy", "--include", "--exclude", "--report"}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "-m":
            return argv[: i + 2], argv[i + 2:]
        if arg in takes_value:
            i += 2
            continue
        if arg.startswith("-") and arg != "-":
            i += 1
            continue
        return argv[:i], argv[i:]
    return argv, []


def _trim(tb: TracebackType | None) -> TracebackType | None:
    """The traceback without the frames of this runner and runpy (as ``python script.py`` shows it)."""
    while tb is not None and (tb.tb_frame.f_code.co_filename.startswith(_HERE)
                              or tb.tb_frame.f_code.co_filename in _RUNPY
                              or os.path.abspath(tb.tb_frame.f_code.co_filename) in _RUNPY):
        tb = tb.tb_next
    return tb


def _run_script(path: str, run_globals: dict[str, Any]) -> None:
    """Run the file ``path`` as ``python path`` does: in a new ``__main__`` module (which stays
    in ``sys.modules``, for pickle and atexit), with its absolute path as ``__file__``."""
    full = os.path.abspath(path)
    if not os.path.isfile(full):  # a directory or a zip file with a __main__.py
        runpy.run_path(path, run_name="__main__", init_globals=run_globals)
        return
    with io.open_code(full) as source:
        code = compile(source.read(), full, "exec", dont_inherit=True)
    main = types.ModuleType("__main__")
    main.__dict__.update(run_globals)
    main.__dict__.update(__file__=full, __cached__=None, __package__=None, __spec__=None,
                         __loader__=importlib.machinery.SourceFileLoader("__main__", full))
    sys.modules["__main__"] = main
    exec(code, main.__dict__)


def _exit_code(exc: SystemExit) -> int:
    code: Any = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ours, program = _split_argv(argv)
    opts = _parser().parse_args(ours)
    if opts.module is None and not program:
        _parser().error("a script or -m module is needed")

    import safearray
    from . import _findings, _hook

    safearray.set_policy(opts.policy)
    findings = _findings.Findings()
    undo = _findings.record_warnings(findings)
    include: list[str] | None = opts.include
    if opts.module is None:  # sys.path[0] is the script's directory, as for python script.py
        sys.path[0] = os.path.dirname(os.path.abspath(program[0]))
    before = _hook.install(include, opts.exclude)
    if before:
        _findings.stderr_write(f"safearray: imported before the hook, keep NumPy: {', '.join(before)}\n")
    # the program itself is audited unless excluded
    selection = _hook.active()
    main_name = opts.module or "__main__"
    excluded = selection is not None and selection.excluded(main_name, None if opts.module else program[0])
    run_globals: dict[str, Any] = {} if excluded else {"__builtins__": _hook.safe_builtins()}
    status = 0
    try:
        try:
            if opts.module is not None:
                sys.argv = [opts.module, *program]  # runpy sets argv[0] to the module's file
                runpy.run_module(opts.module, run_name="__main__", alter_sys=True, init_globals=run_globals)
            else:
                sys.argv = list(program)
                _run_script(program[0], run_globals)
        except SystemExit as exc:
            status = _exit_code(exc)
        except BaseException as exc:  # the program's traceback, as Python prints it
            findings.add_exception(exc)
            traceback.print_exception(type(exc), exc, _trim(exc.__traceback__))
            status = 130 if isinstance(exc, KeyboardInterrupt) else 1
    finally:
        undo()
        _hook.uninstall()
    sys.stdout.flush()
    _findings.stderr_write(findings.table(opts.policy))
    for report in opts.report:
        findings.write(report, opts.policy, {"command": [sys.executable, "-m", "safearray", *argv],
                                             "exit_status": status})
    return status


if __name__ == "__main__":
    sys.exit(main())
