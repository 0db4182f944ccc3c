"""Drop-in fidelity on code nobody in this project wrote: the examples in NumPy's own docstrings.

Every public NumPy object is collected: the names in ``__all__`` of ``numpy`` and of its public
submodules (see ``MODULES``), the public members of every class found there that are defined in
NumPy (so the methods of ``numpy.ndarray`` and ``numpy.random.Generator`` are in), and the
modules themselves. Docstrings are deduplicated by their text (an object implemented in C builds a
new string each time its ``__doc__`` is read, so identity would not find aliases); the first name
in the order of ``MODULES``, then alphabetical, names the docstring.

Each docstring's examples run as one doctest (state flows from one example to the next, and a
failing example does not stop the ones after it), twice, in a fresh namespace each time:

* ``numpy``: the globals are ``{"np": numpy}``, as NumPy's own doctest configuration has them;
* ``safearray``: the globals are ``{"np": safearray}``, and ``import numpy ...`` /
  ``from numpy... import ...`` written in an example give ``safearray`` and its attributes (the
  drop-in change a user makes); the code the example calls imports what it always does.

The run follows NumPy's doctest configuration (scipy-doctest with NumPy's conftest): output is
compared by doctest's checker with ``NORMALIZE_WHITESPACE | ELLIPSIS``; examples marked
``# doctest: +SKIP`` are not run (also when the marker stands where doctest reads the output, as in
``numpy.std``'s timing example); an example whose source or expected output carries a
random-output marker (``# may vary``, ``# random``, ``# uninitialized``, ...) or whose source has a
plotting stopword (``plt.``, ``.plot(``, ...) runs but its output is not compared. Each run starts
with NumPy's default print options and error state (restored afterwards), in an empty temporary
working directory, with the legacy random state seeded and ``default_rng()`` without a seed given
fixed seeds, so that repeated runs print the same. ``safearray.MutationWarning``s are not failures:
they are counted separately. The runs are spread over worker processes (two by default); an
example that gives no result within the timeout, or kills its worker, counts as raising, and the
examples after it in that docstring as not run.

Each example gets a verdict:

* comparable: the ``numpy`` run matches the expected output (or the expected exception);
* same: comparable, and the ``safearray`` run matches the expected output too;
* different: comparable, and the ``safearray`` run gives another output, or another exception than
  the expected one; "tag only" when the output matches once safearray's array reprs are written as
  NumPy's (``Copy(x)`` / ``View(x, base=...)`` as ``array(x)``);
* error: comparable, and the ``safearray`` run raises where NumPy did not.

A different or error example "after an error" follows an error in the same docstring: it may only
be a consequence of it (a name the failed example did not define, an array it did not change).

Run from the repository root:

    python benchmarks/corpus.py                   # the summary (about half a minute, 2 cores)
    python benchmarks/corpus.py --list            # also each different and error example
    python benchmarks/corpus.py --json out.json   # also every example, both runs, as JSON
    python benchmarks/corpus.py --only linalg --list   # objects whose name contains "linalg"

The output is sorted and does not depend on the order in which the workers finish; the run time
goes to stderr.
"""

from __future__ import annotations

import argparse
import builtins
import collections
import contextlib
import dataclasses
import doctest
import functools
import importlib.metadata
import itertools
import json
import multiprocessing
import os
import platform
import re
import sys
import tempfile
import time
import types
import warnings
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from multiprocessing.connection import Connection, wait
from multiprocessing.context import SpawnContext
from multiprocessing.process import BaseProcess
from typing import Literal
from unittest import mock

import numpy

import safearray

Library = Literal["numpy", "safearray"]
Outcome = Literal["pass", "fail", "raise"]
Verdict = Literal["not comparable", "same", "different", "error"]
ExcInfo = tuple[type[BaseException], BaseException, types.TracebackType]
Seed = (int | Sequence[int] | numpy.random.SeedSequence | numpy.random.BitGenerator
        | numpy.random.Generator | numpy.random.RandomState | None)

#: The public modules whose ``__all__`` is collected, in the order that names a docstring.
MODULES = (
    "numpy", "numpy.linalg", "numpy.fft", "numpy.random", "numpy.emath", "numpy.strings",
    "numpy.char", "numpy.ma", "numpy.rec", "numpy.polynomial", "numpy.polynomial.polynomial",
    "numpy.polynomial.chebyshev", "numpy.polynomial.legendre", "numpy.polynomial.hermite",
    "numpy.polynomial.hermite_e", "numpy.polynomial.laguerre", "numpy.polynomial.polyutils",
    "numpy.lib", "numpy.lib.array_utils", "numpy.lib.format", "numpy.lib.introspect",
    "numpy.lib.mixins", "numpy.lib.npyio", "numpy.lib.stride_tricks",
    "numpy.testing", "numpy.ctypeslib", "numpy.dtypes", "numpy.exceptions",
)

#: What NumPy's conftest skips (``dt_config.skiplist``), by the names given here.
SKIPLIST = frozenset({"numpy.savez", "numpy.__array_namespace_info__"})

#: scipy-doctest's markers of an output that is not compared, with the two NumPy adds.
RANDOM_MARKERS = ("# random", "# Random", "#random", "#Random", "# may vary",
                  "#uninitialized", "# uninitialized")
#: scipy-doctest's stopwords: an example whose source has one runs, but its output is not compared.
STOPWORDS = ("plt.", ".hist", ".show", ".ylim", ".subplot(", "set_title", "imshow", ".axis(",
             ".plot(", ".bar(", ".title", ".ylabel", ".xlabel", "set_ylim", "set_xlim",
             "# reformatted", ".set_xlabel(", ".set_ylabel(", ".set_zlabel(", ".set(xlim=",
             ".set(ylim=", ".set(xlabel=", ".set(ylabel=", ".xlim(", "ax.set(", ".text(")

OPTIONFLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
#: Set on an example whose output is not compared (a random marker or a stopword).
UNCHECKED = doctest.register_optionflag("CORPUS_UNCHECKED")
SEED = 1234
NUMPY_VERSION = importlib.metadata.version("numpy")
CLIP = 300  # characters of an output or a source shown by --list


@dataclasses.dataclass(frozen=True)
class Docstring:
    name: str
    text: str


@dataclasses.dataclass(frozen=True)
class Task:
    docstring: Docstring
    library: Library


@dataclasses.dataclass(frozen=True)
class ExampleRun:
    """One example of one run: ``got`` is the output, or the message of the exception raised."""

    outcome: Outcome
    got: str
    #: The exception's type name when it raised unexpectedly; ``Timeout``, ``WorkerCrash`` or
    #: ``NotRun`` when the worker gave no result for it.
    exception: str | None = None
    mutation_warnings: int = 0


@dataclasses.dataclass(frozen=True)
class ExampleReport:
    name: str
    index: int  # 0-based among the docstring's examples that run
    line: int  # 1-based line of the example in the docstring
    source: str
    want: str
    output_compared: bool
    numpy: ExampleRun
    safearray: ExampleRun
    verdict: Verdict
    tag_only: bool  # different, and the same once safearray's reprs are written as NumPy's
    after_error: bool  # an earlier example of the docstring has the verdict error


@dataclasses.dataclass(frozen=True)
class Summary:
    docstrings: int
    examples: int
    skipped: int
    comparable: int
    output_not_compared: int
    same: int
    different: int
    tag_only: int
    different_after_error: int
    error: int
    error_after_error: int
    same_percent: float
    same_result_percent: float  # same, or different only by the tag in the repr
    examples_with_mutation_warnings: int
    mutation_warnings: int


# --- collecting -----------------------------------------------------------------------------


def _public_names(module: types.ModuleType) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is None:
        names = [name for name in vars(module) if not name.startswith("_")]
    return sorted(set(names))


def _class_members(cls: type) -> Iterator[tuple[str, object, bool]]:
    """``(name, member, own)`` for each public member that attribute lookup on ``cls`` finds in a
    NumPy class (not ``object``'s or ``float``'s); ``own`` when ``cls`` itself defines it."""
    found: set[str] = set()
    for klass in cls.__mro__:
        for name, member in sorted(vars(klass).items(), key=lambda item: item[0]):
            if name.startswith("_") or name in found:
                continue
            found.add(name)
            if klass.__module__.split(".")[0] == "numpy":
                yield name, member, klass is cls


def _objects() -> Iterator[tuple[str, object]]:
    """Each public object and its name. A class's own members follow it and inherited ones come
    last, so that ``numpy.ndarray.copy`` is named after ndarray, not after ``numpy.matrix``."""
    inherited: list[tuple[str, object]] = []
    for module_name in MODULES:
        module = functools.reduce(getattr, module_name.split(".")[1:], numpy)  # numpy.emath too
        assert isinstance(module, types.ModuleType), module_name
        yield module_name, module
        for attr in _public_names(module):
            obj = getattr(module, attr)
            if isinstance(obj, types.ModuleType):
                continue  # walked as a module of its own when it is public
            name = f"{module_name}.{attr}"
            yield name, obj
            if isinstance(obj, type):
                for member_name, member, own in _class_members(obj):
                    if own:
                        yield f"{name}.{member_name}", member
                    else:
                        inherited.append((f"{name}.{member_name}", member))
    yield from inherited


def collect(only: str | None = None) -> list[Docstring]:
    """The docstrings with examples, each once, named by the first name that reaches it, sorted."""
    seen: set[str] = set()
    found: list[Docstring] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reading deprecated attributes
        for name, obj in _objects():
            text = getattr(obj, "__doc__", None)
            if not isinstance(text, str) or ">>>" not in text or text in seen:
                continue
            seen.add(text)
            if name not in SKIPLIST and (only is None or only in name):
                found.append(Docstring(name, text))
    return sorted(found, key=lambda d: d.name)


#: ``# doctest: +SKIP`` where doctest reads output (numpy.std's timing example): meant to skip.
_SKIP_IN_OUTPUT = re.compile(r"^\s*#\s*doctest:\s*\+SKIP", re.MULTILINE)


def parse(docstring: Docstring) -> tuple[list[doctest.Example], int]:
    """The examples that run (with ``UNCHECKED`` set where due), and how many are skipped."""
    examples = doctest.DocTestParser().get_examples(docstring.text, docstring.name)
    skip = doctest.OPTIONFLAGS_BY_NAME["SKIP"]
    run = [example for example in examples
           if not example.options.get(skip, False) and not _SKIP_IN_OUTPUT.search(example.want)]
    for example in run:
        if (any(marker in example.source or marker in example.want for marker in RANDOM_MARKERS)
                or any(word in example.source for word in STOPWORDS)):
            example.options[UNCHECKED] = True
    return run, len(examples) - len(run)


# --- running one docstring (in a worker) -----------------------------------------------------


class _Checker(doctest.OutputChecker):
    def check_output(self, want: str, got: str, optionflags: int) -> bool:
        return bool(optionflags & UNCHECKED) or super().check_output(want, got, optionflags)


class _Runner(doctest.DocTestRunner):
    """Sends an :class:`ExampleRun` through ``conn`` as soon as each example has run."""

    def __init__(self, conn: Connection, caught: list[warnings.WarningMessage]) -> None:
        super().__init__(checker=_Checker(), optionflags=OPTIONFLAGS)
        self._conn = conn
        self._caught = caught
        self._first_warning = 0

    def report_start(self, out: Callable[[str], object], test: doctest.DocTest,
                     example: doctest.Example) -> None:
        self._first_warning = len(self._caught)

    def report_success(self, out: Callable[[str], object], test: doctest.DocTest,
                       example: doctest.Example, got: str) -> None:
        self._send("pass", _without_stack(got))

    def report_failure(self, out: Callable[[str], object], test: doctest.DocTest,
                       example: doctest.Example, got: str) -> None:
        self._send("fail", _without_stack(got))

    def report_unexpected_exception(self, out: Callable[[str], object], test: doctest.DocTest,
                                    example: doctest.Example, exc_info: ExcInfo) -> None:
        self._send("raise", str(exc_info[1]), exc_info[0].__name__)

    def _send(self, outcome: Outcome, got: str, exception: str | None = None) -> None:
        new = self._caught[self._first_warning:]
        count = sum(issubclass(w.category, safearray.MutationWarning) for w in new)
        self._conn.send(ExampleRun(outcome, got, exception, count))


_TRACEBACK = "Traceback (most recent call last):\n"


def _without_stack(got: str) -> str:
    """doctest's ``got`` with the stack of a traceback left out (the exception's own lines stay)."""
    head, found, tail = got.partition(_TRACEBACK)
    if not found:
        return got
    lines = tail.splitlines(keepends=True)
    first = next((i for i, line in enumerate(lines) if not line.startswith(" ")), len(lines))
    return head + "".join(lines[first:])


def _import_numpy_as_safearray(name: str, globals: Mapping[str, object] | None = None,
                               locals: Mapping[str, object] | None = None,
                               fromlist: Sequence[str] | None = (), level: int = 0) -> object:
    """``__import__`` for the examples' own code: ``numpy`` and ``numpy.x`` come from safearray.

    An import statement passes ``fromlist`` as ``None`` or a tuple; C code importing while an
    example's frame is the current one (``PyImport_ImportModule``: NumPy's ``dtype.__repr__``
    importing ``numpy._core._dtype``) passes a list, and gets the real module.
    """
    if level != 0 or isinstance(fromlist, list) or name.split(".")[0] != "numpy":
        return builtins.__import__(name, globals, locals, fromlist or (), level)
    module: object = safearray
    for attr in name.split(".")[1:]:
        module = getattr(module, attr)  # a name safearray does not cover raises here
    return module if fromlist else safearray


def _globals(library: Library) -> dict[str, object]:
    if library == "numpy":
        return {"np": numpy}
    safe_builtins = dict(vars(builtins), __import__=_import_numpy_as_safearray)
    return {"np": safearray, "__builtins__": safe_builtins}


@contextlib.contextmanager
def _sandbox() -> Generator[list[warnings.WarningMessage], None, None]:
    """NumPy's doctest context, repeatable: print options, error state, seeds, cwd, warnings."""
    seeds = itertools.count(SEED)
    default_rng = numpy.random.default_rng

    def seeded_default_rng(seed: Seed = None) -> numpy.random.Generator:
        return default_rng(next(seeds) if seed is None else seed)

    numpy.random.seed(SEED)
    cwd = os.getcwd()
    with (tempfile.TemporaryDirectory() as scratch, numpy.printoptions(legacy=False),
          numpy.errstate(), warnings.catch_warnings(record=True) as caught,
          mock.patch.object(numpy.random, "default_rng", seeded_default_rng)):
        warnings.simplefilter("always")
        os.chdir(scratch)
        try:
            yield caught
        finally:
            os.chdir(cwd)
            pyplot = sys.modules.get("matplotlib.pyplot")
            if pyplot is not None:
                pyplot.close("all")


def _worker(conn: Connection) -> None:
    """Run tasks until ``None`` arrives; send each example's result, then ``None`` per task."""
    os.environ["MPLBACKEND"] = "Agg"
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # output written around doctest's capture (C code, subprocesses)
    os.dup2(devnull, 2)
    while (task := conn.recv()) is not None:
        examples, _ = parse(task.docstring)
        test = doctest.DocTest(examples, _globals(task.library), task.docstring.name, None, 0,
                               task.docstring.text)
        with _sandbox() as caught:
            _Runner(conn, caught).run(test, out=lambda _text: None)
        conn.send(None)


# --- running the corpus ----------------------------------------------------------------------


@dataclasses.dataclass
class _Slot:
    """A worker process and the task it runs."""

    process: BaseProcess
    conn: Connection
    task: Task | None = None
    runs: list[ExampleRun] = dataclasses.field(default_factory=list[ExampleRun])
    deadline: float = 0.0


def _start(context: SpawnContext) -> _Slot:
    parent, child = context.Pipe()
    process = context.Process(target=_worker, args=(child,), daemon=True)
    process.start()
    child.close()
    return _Slot(process, parent)


def run_all(docstrings: Sequence[Docstring], workers: int,
            timeout: float) -> dict[Task, list[ExampleRun]]:
    """Both runs of every docstring; ``timeout`` is in seconds without a result from a worker."""
    context = multiprocessing.get_context("spawn")
    counts = {d: len(parse(d)[0]) for d in docstrings}
    pending = collections.deque(Task(d, lib) for d in docstrings
                                for lib in ("numpy", "safearray") if counts[d])
    results: dict[Task, list[ExampleRun]] = {}
    slots = [_start(context) for _ in range(workers)]

    def give_up(slot: _Slot, why: str, message: str) -> _Slot:
        assert slot.task is not None
        slot.process.kill()
        slot.process.join()
        missing = counts[slot.task.docstring] - len(slot.runs)
        not_run = f"not run: an earlier example {message.split(':')[0]}"
        results[slot.task] = [*slot.runs, ExampleRun("raise", message, why),
                              *[ExampleRun("raise", not_run, "NotRun")] * (missing - 1)]
        return _start(context)

    while pending or any(slot.task is not None for slot in slots):
        for slot in slots:
            if slot.task is None and pending:
                slot.task, slot.runs = pending.popleft(), []
                slot.deadline = time.monotonic() + timeout
                slot.conn.send(slot.task)
        busy = [slot for slot in slots if slot.task is not None]
        ready = wait([slot.conn for slot in busy],
                     max(0.0, min(slot.deadline for slot in busy) - time.monotonic()))
        for i, slot in enumerate(slots):
            if slot.task is None:
                continue
            if slot.conn in ready:
                try:
                    message: ExampleRun | None = slot.conn.recv()
                except EOFError:
                    slot.process.join()
                    code = slot.process.exitcode
                    slots[i] = give_up(slot, "WorkerCrash", f"killed its worker (exit code {code})")
                    continue
                if message is None:
                    results[slot.task] = slot.runs
                    slot.task = None
                else:
                    slot.runs.append(message)
                    slot.deadline = time.monotonic() + timeout
            elif time.monotonic() > slot.deadline:
                slots[i] = give_up(slot, "Timeout", f"timed out: no result within {timeout:g} s")
    for slot in slots:
        slot.conn.send(None)
        slot.process.join()
    return results


# --- judging ---------------------------------------------------------------------------------

_TAG = re.compile(r"\b(?:Copy|View|memmap)\(")
_BASE = re.compile(r", base=(?:<[^<>]*>|\w+\()")  # base=<bytes buffer>, base=Copy(shape=...)


def untag(text: str) -> str:
    """``text`` with each ``Copy(x)`` and ``View(x, base=...)`` written ``array(x)``, as NumPy
    writes an ndarray (and NumPy's ``memmap(x)`` too: safearray shows a file's memory as a View)."""
    while match := _BASE.search(text):
        depth, end = int(text[match.end() - 1] == "("), match.end()
        while depth and end < len(text):
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            end += 1
        text = text[:match.start()] + text[end:]
    return _TAG.sub("array(", text)


_VERDICTS: dict[Outcome, Verdict] = {"pass": "same", "fail": "different", "raise": "error"}


def judge(docstrings: Sequence[Docstring],
          results: Mapping[Task, list[ExampleRun]]) -> tuple[list[ExampleReport], int]:
    """Every example's report, sorted by name and index, and the number of examples skipped."""
    checker = _Checker()
    reports: list[ExampleReport] = []
    skipped = 0
    for docstring in docstrings:
        examples, skips = parse(docstring)
        skipped += skips
        errored = False
        runs = zip(examples, results.get(Task(docstring, "numpy"), []),
                   results.get(Task(docstring, "safearray"), []), strict=True)
        for index, (example, np_run, sa_run) in enumerate(runs):
            flags = OPTIONFLAGS
            for flag, on in example.options.items():  # as doctest merges an example's options
                flags = flags | flag if on else flags & ~flag
            verdict = _VERDICTS[sa_run.outcome] if np_run.outcome == "pass" else "not comparable"
            expected = example.want if example.exc_msg is None else example.exc_msg
            tag_only = verdict == "different" and checker.check_output(untag(expected), untag(sa_run.got),
                                                                       flags)
            reports.append(ExampleReport(
                docstring.name, index, example.lineno + 1, example.source.rstrip("\n"), expected,
                not flags & UNCHECKED, np_run, sa_run, verdict, tag_only, errored))
            errored |= verdict == "error"
    return reports, skipped


def summarize(docstrings: Sequence[Docstring], reports: Sequence[ExampleReport],
              skipped: int) -> Summary:
    verdicts = collections.Counter(report.verdict for report in reports)
    comparable = len(reports) - verdicts["not comparable"]
    warned = [r.safearray.mutation_warnings for r in reports if r.safearray.mutation_warnings]
    return Summary(
        docstrings=len(docstrings),
        examples=len(reports),
        skipped=skipped,
        comparable=comparable,
        output_not_compared=sum(r.verdict != "not comparable" and not r.output_compared
                                for r in reports),
        same=verdicts["same"],
        different=verdicts["different"],
        tag_only=sum(report.tag_only for report in reports),
        different_after_error=sum(r.verdict == "different" and r.after_error for r in reports),
        error=verdicts["error"],
        error_after_error=sum(r.verdict == "error" and r.after_error for r in reports),
        same_percent=round(100 * verdicts["same"] / comparable, 1) if comparable else 0.0,
        same_result_percent=(round(100 * (verdicts["same"] + sum(r.tag_only for r in reports)) / comparable, 1)
                             if comparable else 0.0),
        examples_with_mutation_warnings=len(warned),
        mutation_warnings=sum(warned),
    )


# --- reporting -------------------------------------------------------------------------------


_ADDRESS = re.compile(r"\b0x[0-9a-f]{6,}\b")


def _clip(text: str, indent: str) -> str:
    """``text`` shortened to ``CLIP`` characters, without memory addresses, indented."""
    text = _ADDRESS.sub("0x...", text.rstrip("\n"))
    if len(text) > CLIP:
        text = text[:CLIP] + f"... ({len(text)} characters)"
    return text.replace("\n", "\n" + indent)


def format_summary(summary: Summary) -> str:
    s = summary
    versions = (f"numpy {NUMPY_VERSION}, safearray {importlib.metadata.version('safearray')}, "
                f"Python {platform.python_version()}")
    comparable = (f"comparable  {s.comparable} (NumPy matches the expected output; "
                  f"{s.output_not_compared} of them without comparing output)")
    different = (f"different   {s.different} ({s.tag_only} only by the Copy/View repr, "
                 f"{s.different_after_error} after an error in the same docstring)")
    return "\n".join([
        versions,
        f"docstrings  {s.docstrings}",
        f"examples    {s.examples} run ({s.skipped} skipped by +SKIP)",
        comparable,
        f"same        {s.same}",
        different,
        f"error       {s.error} ({s.error_after_error} after an error in the same docstring)",
        f"same / comparable: {s.same_percent:.1f}% (identical text)",
        f"same result / comparable: {s.same_result_percent:.1f}% (identical once the tags are read "
        f"as NumPy's reprs)",
        f"MutationWarnings: {s.mutation_warnings} in {s.examples_with_mutation_warnings} examples",
    ])


def format_report(report: ExampleReport) -> str:
    pad = " " * 13
    notes = [note for note, on in (("tag only", report.tag_only),
                                   ("after an error", report.after_error)) if on]
    lines = [f"{report.name} [example {report.index}, line {report.line}] {report.verdict}"
             + (f" ({', '.join(notes)})" if notes else ""),
             f"  source     {_clip(report.source, pad)}"]
    sa_run = report.safearray
    if sa_run.outcome == "raise":
        lines.append(f"  raised     {sa_run.exception}: {_clip(sa_run.got, pad)}")
    else:
        lines.append(f"  expected   {_clip(report.want, pad)}")
        lines.append(f"  got        {_clip(sa_run.got, pad)}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--list", action="store_true",
                        help="list every comparable example that is not the same")
    parser.add_argument("--json", metavar="FILE", help="write the summary and every example")
    parser.add_argument("--only", metavar="NAME_SUBSTRING",
                        help="only the objects whose qualified name contains this")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds an example may run before it counts as hung (default 60)")
    args = parser.parse_args(argv)

    started = time.monotonic()
    docstrings = collect(args.only)
    results = run_all(docstrings, max(1, args.workers), args.timeout)
    reports, skipped = judge(docstrings, results)
    summary = summarize(docstrings, reports, skipped)
    if args.list:
        for report in reports:
            if report.verdict in ("different", "error"):
                print(format_report(report), end="\n\n")
    print(format_summary(summary))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as file:
            json.dump({"numpy": NUMPY_VERSION, "safearray": importlib.metadata.version("safearray"),
                       "python": platform.python_version(),
                       "summary": dataclasses.asdict(summary),
                       "examples": [dataclasses.asdict(report) for report in reports]},
                      file, indent=1)
            file.write("\n")
    print(f"{time.monotonic() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
