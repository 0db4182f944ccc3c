"""The write judge over generated code: every write idiom in every scope, and ownership.

Each case is real Python source, compiled with its own file name and executed, so that the
interpreter's own bytecode (borrowed locals from CPython 3.14, cells, globals, attribute and
item loads, comprehensions, generators, coroutines) is what safearray sees. For each case the
expected verdict is what a careful NumPy expert reading the line would say:

* ``ok``: nobody else can see the bytes, or the write goes into the array that was indexed;
* ``shared``: a live holder other than the View sees the bytes (SharedWriteWarning / Error);
* ``lost``: the write goes into a temporary Copy that is then thrown away (LostWrite...);
* ``readonly``: a read-only View (ReadOnlyError under every mode).

Every case runs under "warn" (exactly the expected warning, once, at the case's line) and
under "raise" (the expected error, and no byte changed when it is refused). Ownership cases
check the tag of an expression against ``np.shares_memory`` with every live array of the case.
This file is one of the core tests: it also runs in pure-Python mode (tests/test_fallback.py)
and on every other interpreter of the machine (.ci/run).
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import warnings
from dataclasses import dataclass
from typing import Any

import numpy
import pytest

import safearray as sa
from safearray import _array, _selftest

PACKAGE = os.path.dirname(os.path.abspath(sa.__file__))
COMPILED = _array._speedups is not None

# --------------------------------------------------------------------------------------
# write idioms. ``{a}``, ``{v}``, ``{w}`` are holders: plain names, attributes, dict or list
# items, globals or cells, depending on the scope. ``write`` is the one line judged.


@dataclass(frozen=True)
class Idiom:
    setup: str
    write: str
    verdict: str
    #: the memory whose bytes the write changes (to check "nothing half written")
    watched: str = "{a}"


IDIOMS: dict[str, Idiom] = {
    # writes into an owner: silent
    "owner setitem": Idiom("{a} = sa.arange(12.0).reshape(3, 4)", "{a}[0, 0] = 99", "ok"),
    "owner slice +=": Idiom("{a} = sa.arange(12.0).reshape(3, 4)", "{a}[1:3] += 1", "ok"),
    "owner column -=": Idiom("{a} = sa.arange(12.0).reshape(3, 4)", "{a}[:, 0] -= 2", "ok"),
    "owner fancy *=": Idiom("{a} = sa.arange(12.0)", "{a}[[0, 2]] *= 2", "ok"),
    "owner mask =": Idiom("{a} = sa.arange(12.0)", "{a}[{a} > 5] = 0", "ok"),
    "owner ellipsis": Idiom("{a} = sa.arange(12.0)", "{a}[...] = 1", "ok"),
    "owner slice sort": Idiom("{a} = sa.arange(12.0)[::-1].copy()", "{a}[1:5].sort()", "ok"),
    "owner chained": Idiom("{a} = sa.arange(12.0).reshape(3, 4)", "{a}[1:3][0] = 5", "ok"),
    "owner chained diag": Idiom("{a} = sa.zeros((4, 4))", "{a}[1:][sa.diag_indices(3)] = 1", "ok"),
    "owner transposed": Idiom("{a} = sa.zeros((2, 3))", "{a}.T[0] = 5", "ok"),
    "owner chained twice": Idiom("{a} = sa.zeros(10)", "{a}[1:][::2][1] = 6", "ok"),
    "owner chained transposed": Idiom("{a} = sa.zeros((3, 3))", "{a}[1:].T[0] = 5", "ok"),
    "owner chained +=": Idiom("{a} = sa.zeros((8, 2))", "{a}[:4][:, 1] -= 1", "ok"),
    "owner chained twice +=": Idiom("{a} = sa.zeros(10)", "{a}[1:][::2] += 1", "ok"),
    "owner chained reshape": Idiom("{a} = sa.zeros(12)", "{a}[:6].reshape(2, 3)[1] = 5", "ok"),
    "owner fill": Idiom("{a} = sa.zeros(5)", "{a}.fill(3)", "ok"),
    "owner positional out": Idiom("{a} = sa.arange(4.0)", "sa.negative({a}[1:], {a}[1:])", "ok"),
    "owner keyword out": Idiom("{a} = sa.arange(4.0)", "sa.add({a}[1:], 1, out={a}[1:])", "ok"),
    "owner row kept": Idiom("{a} = sa.zeros((3, 3))\n{v} = {a}[0]", "{a}[1:] = 1", "ok"),
    "transpose of a temporary": Idiom("{a} = sa.zeros((4, 4)).T", "{a}[0, 1] = 1", "ok"),
    "newaxis of a temporary": Idiom("{a} = sa.zeros(5)[:, None]", "{a}[0] = 1", "ok"),
    "reversed eye": Idiom("{a} = sa.eye(3)[::-1]", "{a}[0, 0] = 2", "ok"),
    "strided linspace": Idiom("{a} = sa.linspace(0, 1, 10)[::2]", "{a}[0] = 2", "ok"),
    "ravel of ones": Idiom("{a} = sa.ones((2, 3)).ravel()", "{a} *= 2", "ok"),
    "atleast_2d": Idiom("{a} = sa.atleast_2d(sa.arange(3.0))", "{a}[0, 0] = 5", "ok"),
    "squeeze of array": Idiom("{a} = sa.squeeze(sa.array([[1.0, 2.0]]))", "{a}[0] = 5", "ok"),
    "ifft real part": Idiom("{a} = sa.fft.ifft(sa.arange(4.0))[:2].real", "{a}[0] = 5", "ok"),
    "numpy reshape": Idiom("{a} = numpy.reshape(sa.arange(6.0), (2, 3))", "{a}[0, 0] = 5", "ok"),
    "view returned": Idiom("{a} = fresh_view()", "{a}[0] = 1", "ok"),
    "asarray of a temporary": Idiom("{a} = sa.asarray(numpy.zeros(3))", "{a}[0] = 1", "ok"),
    "rows of a transpose": Idiom(
        "{a}, {v}, {w} = sa.array([[1.0, 2, 3], [4, 5, 6]]).T", "{v} -= {a}", "ok"),
    "disjoint sibling": Idiom("{a}, {v} = halves()", "{a}[0] = 7", "ok"),
    "eig columns": Idiom("{a} = sa.linalg.eig(sa.eye(3) * 2)[1][:, 0]", "{a}[0] = 1", "ok"),
    "eig result": Idiom("{w}, {a} = sa.linalg.eig(sa.eye(3) * 2)", "{a}[:, 0] = 1", "ok"),
    # a read-only View of other bytes of the same owner sees nothing of the write
    "beside a read-only view": Idiom("{a}, {v} = beside_read_only('readonly')", "{a}[0] = 1", "ok"),
    "beside a view of a read-only view": Idiom("{a}, {v} = beside_read_only('view of readonly')", "{a}[0] = 1", "ok"),
    "beside a read-only view of one": Idiom("{a}, {v} = beside_read_only('readonly of view of readonly')",
                                            "{a}[0] = 1", "ok"),
    # writes that someone else sees
    "view of named owner": Idiom("{a} = sa.arange(100.0)\n{v} = {a}[10:20]", "{v}[:] = 0", "shared"),
    "view +=": Idiom("{a} = sa.arange(10.0)\n{v} = {a}[2:5]", "{v} += 1", "shared"),
    "view slice +=": Idiom("{a} = sa.arange(10.0)\n{v} = {a}[2:8]", "{v}[1:3] += 1", "shared"),
    "view fill": Idiom("{a} = sa.arange(10.0)\n{v} = {a}[2:5]", "{v}.fill(0)", "shared"),
    "view sort": Idiom("{a} = sa.arange(10.0)\n{v} = {a}[::-1]", "{v}.sort()", "shared"),
    "column": Idiom("{a} = sa.zeros((3, 3))\n{v} = {a}[:, 0]", "{v}[0] = 5", "shared"),
    "chained through a view": Idiom("{a} = sa.zeros((4, 4))\n{v} = {a}[1:]", "{v}[1:][0] = 5", "shared"),
    "chained += through a view": Idiom("{a} = sa.zeros((8, 2))\n{v} = {a}[:4]", "{v}[:, 1] -= 1", "shared"),
    "chained twice through a view": Idiom("{a} = sa.zeros(10)\n{v} = {a}[1:]", "{v}[1:][::2][0] = 5", "shared"),
    "view of an ndarray": Idiom("{w} = numpy.zeros(4)\n{v} = sa.asarray({w})", "{v}[0] = 1", "shared",
                                watched="{w}"),
    "overlapping sibling": Idiom("{a}, {v} = halves()", "{a}[-1] = 7", "shared", watched="{v}"),
    "handed-out ndarray": Idiom("{a} = handed_out_view()", "{a}[0] = 1", "shared"),
    "overlapping read-only view": Idiom("{a}, {v} = beside_read_only('overlapping readonly')", "{a}[4] = 1",
                                        "shared"),
    "handed-out read-only ndarray": Idiom("{a}, {v} = beside_read_only('exported readonly')", "{a}[0] = 1",
                                          "shared"),
    "reshape of named": Idiom("{w} = sa.arange(12.0)\n{v} = {w}.reshape(3, 4)", "{v}[0, 0] = 1", "shared",
                              watched="{w}"),
    "out= a view": Idiom("{a} = sa.arange(10.0)\n{v} = {a}[2:5]", "sa.add({v}, 1, out={v})", "shared"),
    "positional out a view": Idiom("{a} = sa.arange(10.0)\n{v} = {a}[2:5]", "sa.negative({v}, {v})", "shared"),
    "out= a tuple with a view": Idiom("{a} = sa.arange(10.0)\n{v} = {a}[2:5]", "sa.add({v}, 1, out=({v},))", "shared"),
    "numpy out= a temporary": Idiom("{a} = sa.arange(10.0)", "numpy.add({a}[2:5], 1, out={a}[2:5])", "ok"),
    # writes that are lost
    "mask then index": Idiom("{a} = sa.arange(10.0)", "{a}[{a} > 5][0] = 5", "lost"),
    "fancy then slice": Idiom("{a} = sa.arange(10.0)", "{a}[[0, 2]][:] = 1", "lost"),
    "mask then sort": Idiom("{a} = sa.arange(10.0)[::-1].copy()", "{a}[{a} > 2].sort()", "lost"),
    "copy then fill": Idiom("{a} = sa.arange(10.0)", "{a}.copy().fill(0)", "lost"),
    "arithmetic then set": Idiom("{a} = sa.arange(10.0)", "({a} + 1)[0] = 5", "lost"),
    # read-only
    "readonly view": Idiom("{a} = sa.zeros(3)\n{v} = {a}.readonly()", "{v}[0] = 1", "readonly"),
}

#: Expression forms of idioms, for scopes that only hold expressions (lambdas, comprehensions).
EXPRESSIONS: dict[str, tuple[str, str]] = {
    "mask then sort": ("sa.arange(10.0)[::-1].copy()", "{a}[{a} > 2].sort()"),
    "copy then fill": ("sa.arange(10.0)", "{a}.copy().fill(0)"),
    "owner fill": ("sa.zeros(5)", "{a}.fill(3)"),
    "owner slice sort": ("sa.arange(12.0)[::-1].copy()", "{a}[1:5].sort()"),
    "view fill": ("sa.arange(10.0)", "{a}[2:5].fill(0)"),  # a temporary View of an owner
}
EXPRESSION_VERDICT = {"mask then sort": "lost", "copy then fill": "lost", "owner fill": "ok",
                      "owner slice sort": "ok", "view fill": "ok"}

HELPERS = '''
def fresh_view():
    t = sa.zeros(10)
    return t[2:5]

def halves():
    t = sa.zeros(10)
    return t[:6], t[5:]

def beside_read_only(how):
    t = sa.zeros(10)
    return t[:5], {"readonly": t[6:].readonly(), "view of readonly": t.readonly()[6:],
                   "readonly of view of readonly": t.readonly()[6:].readonly()[1:],
                   "overlapping readonly": t.readonly()[3:],
                   "exported readonly": numpy.asarray(t.readonly()[6:])}[how]

KEEP = []

def handed_out_view():
    t = sa.zeros(10)
    KEEP.append(numpy.asarray(t))
    return t[2:5]
'''

# --------------------------------------------------------------------------------------
# scopes: how the holders are spelled and what code surrounds the lines


@dataclass(frozen=True)
class Scope:
    names: dict[str, str]
    #: the code around the case: a line ``@setup`` / ``@write`` is replaced by those lines,
    #: indented as the marker is
    template: str
    names_only: bool = False  # walrus: plain names only


def _names(fmt: str) -> dict[str, str]:
    return {k: fmt.format(k) for k in ("a", "v", "w")}


PLAIN = _names("{}")
SCOPES: dict[str, Scope] = {
    "module": Scope(PLAIN, "@setup\n@write\n@after"),
    "function": Scope(PLAIN, "def case():\n    @setup\n    @write\n    @after\ncase()"),
    "loop": Scope(PLAIN, "def case():\n    for _ in range(LOOPS):\n        @setup\n        @write\n        @after\ncase()"),
    "while loop": Scope(PLAIN, "def case():\n    n = 0\n    while n < 1:\n        n += 1\n        @setup\n        @write\n        @after\ncase()"),
    "generator": Scope(PLAIN, "def case():\n    @setup\n    @write\n    @after\n    yield\nlist(case())"),
    "coroutine": Scope(PLAIN, "async def case():\n    @setup\n    @write\n    @after\nrun_coroutine(case())"),
    "closure": Scope(PLAIN, "def outer():\n    @setup\n    def inner():\n        nonlocal @nonlocal\n        @write\n        @after\n    inner()\nouter()"),
    "class body": Scope(PLAIN, "class Case:\n    @setup\n    @write\n    @after"),
    "method": Scope(PLAIN, "class Case:\n    def m(self):\n        @setup\n        @write\n        @after\nCase().m()"),
    "attribute": Scope(_names("self.{}"), "class Case:\n    def m(self):\n        @setup\n        @write\n        @after\nCase().m()"),
    "dict item": Scope(_names("d['{}']"), "def case():\n    d = {}\n    @setup\n    @write\n    @after\ncase()"),
    "list item": Scope({"a": "L[0]", "v": "L[1]", "w": "L[2]"}, "def case():\n    L = [None, None, None]\n    @setup\n    @write\n    @after\ncase()"),
    "global": Scope(PLAIN, "def case():\n    global a, v, w\n    @setup\n    @write\n    @after\ncase()"),
    "after del": Scope(PLAIN, "def case():\n    @setup\n    other = sa.zeros(2)\n    del other\n    @write\n    @after\ncase()"),
    "argument": Scope(PLAIN, "def case(a=None, v=None, w=None):\n    @setup\n    def take(a, v, w):\n        @write\n        @after\n    take(a, v, w)\ncase()"),
    "walrus": Scope(PLAIN, "def case():\n    @setup\n    @write\n    @after\ncase()", names_only=True),
}

EXPRESSION_SCOPES: dict[str, str] = {
    "lambda": "(lambda a: {expr})({make})\n",
    "list comprehension": "[{expr} for a in [{make}]]\n",
    "generator expression": "list({expr} for a in [{make}])\n",
    "dict comprehension": "{{0: {expr} for a in [{make}]}}\n",
    "nested function expression": "def case():\n    a = {make}\n    return {expr}\ncase()\n",
}


def _walrus(setup: str) -> str:
    """``a = expr`` lines as walrus expressions (``(a := expr)``) where the target is a name."""
    out = []
    for line in setup.splitlines():
        target, _, value = line.partition(" = ")
        out.append(f"({target} := {value})" if value and target.isidentifier() else line)
    return "\n".join(out)


def source(idiom: Idiom, scope: Scope) -> tuple[str, int]:
    """The case's code and the line number of its write."""
    setup = idiom.setup.format(**scope.names)
    write = idiom.write.format(**scope.names)
    if scope.names_only:
        setup = _walrus(setup)
    used = ", ".join(n for n in "avw" if "{" + n + "}" in idiom.setup + idiom.write)
    held = ", ".join(scope.names[n] for n in "avw" if "{" + n + "}" in idiom.setup + idiom.write)
    lines: list[str] = []
    line = 0
    for text in scope.template.replace("@nonlocal", used).splitlines():
        marker = text.strip()
        pad = text[: len(text) - len(text.lstrip())]
        if marker == "@setup":
            lines += [pad + x for x in setup.splitlines()]
        elif marker == "@write":
            lines.append(pad + write)
            line = len(lines)
        elif marker == "@after":  # the holders are used after the write, as in real code
            lines.append(pad + f"_ = ({held},)")
        else:
            lines.append(text)
    return "\n".join(lines) + "\n", line


def namespace() -> dict[str, Any]:
    ns: dict[str, Any] = {"sa": sa, "numpy": numpy, "run_coroutine": run_coroutine, "LOOPS": LOOPS}
    exec(compile(HELPERS, "<helpers>", "exec"), ns)
    return ns


def run_coroutine(coro: Any) -> None:
    try:
        coro.send(None)
    except StopIteration:
        pass


#: the loop scope runs its case this often, past CPython's specialisation of hot instructions
LOOPS = 10

CATEGORY = {"shared": sa.SharedWriteWarning, "lost": sa.LostWriteWarning}
ERROR = {"shared": sa.SharedWriteError, "lost": sa.LostWriteError, "readonly": sa.ReadOnlyError}


#: Known false alarms, kept visible: NumPy's own dispatch hands ``__array_ufunc__`` every out
#: as a tuple, whether the user wrote ``out=x`` or ``out=(x,)``, and the two count differently,
#: so an out there is judged as a named View (a warning, never a miss).
KNOWN_FALSE_ALARMS = {"numpy out= a temporary"}


def cases() -> list[Any]:
    out = []
    for (iname, idiom), (sname, scope) in itertools.product(IDIOMS.items(), SCOPES.items()):
        marks = [pytest.mark.xfail(strict=True, reason="judged as a named View")] if iname in KNOWN_FALSE_ALARMS else []
        out.append(pytest.param(iname, sname, id=f"{iname}-{sname}", marks=marks))
    return out


def run_case(code: str, filename: str, mode: str) -> tuple[list[warnings.WarningMessage], BaseException | None, dict[str, Any]]:
    ns = namespace()
    error = None
    with warnings.catch_warnings(record=True) as seen, sa.policy(mode):
        warnings.simplefilter("always")
        try:
            exec(compile(code, filename, "exec"), ns)
        except sa.SafeArrayError as exc:
            error = exc
    return [w for w in seen if issubclass(w.category, sa.MutationWarning)], error, ns


def prepared(iname: str, sname: str) -> tuple[Idiom, str, int, str]:
    """The idiom, its code in the scope, the line of its write, and the code's file name."""
    idiom = IDIOMS[iname]
    code, line = source(idiom, SCOPES[sname])
    return idiom, code, line, f"<case {iname} in {sname}>"


@pytest.mark.parametrize(("iname", "sname"), cases())
def test_write_idiom_in_scope_warns_exactly_when_someone_else_sees_it(iname: str, sname: str) -> None:
    idiom, code, line, filename = prepared(iname, sname)
    seen, error, _ = run_case(code, filename, "warn")
    if idiom.verdict == "readonly":
        assert isinstance(error, sa.ReadOnlyError), (code, error)
        return
    assert error is None, (code, error)
    got = [(w.category.__name__, w.filename, w.lineno) for w in seen]
    if idiom.verdict == "ok":
        assert got == [], (code, [str(w.message) for w in seen])
    else:
        times = LOOPS if sname == "loop" else 1
        expected = [(CATEGORY[idiom.verdict].__name__, filename, line)] * times
        assert got == expected, (code, got, [str(w.message) for w in seen])


@pytest.mark.parametrize(("iname", "sname"), cases())
def test_write_idiom_in_scope_raises_exactly_when_someone_else_sees_it(iname: str, sname: str) -> None:
    idiom, code, line, filename = prepared(iname, sname)
    seen, error, _ = run_case(code, filename, "raise")
    assert seen == []
    if idiom.verdict == "ok":
        assert error is None, (code, error)
        return
    assert isinstance(error, ERROR[idiom.verdict]), (code, error)
    # the error points at the user's line: the innermost frame outside safearray is the
    # case's write, and the compiled core's type slots (x[k] = v, x op= v) leave none of theirs
    tb = error.__traceback__
    frames = []
    while tb is not None:
        frames.append((tb.tb_frame.f_code.co_filename, tb.tb_lineno))
        tb = tb.tb_next
    outside = [f for f in frames if not f[0].startswith(PACKAGE)]
    assert outside[-1] == (filename, line), (code, frames)
    slot = "(" not in idiom.write or idiom.write.startswith("(")
    if COMPILED and slot:
        assert frames[-1] == (filename, line), (code, frames)


@pytest.mark.parametrize("iname", [n for n, i in IDIOMS.items() if i.verdict in ("shared", "readonly")])
def test_refused_writes_leave_every_byte_unchanged(iname: str) -> None:
    """Under "raise" a refused write changes nothing: the watched memory before and after."""
    idiom = IDIOMS[iname]
    names = PLAIN
    ns = namespace()
    exec(compile(idiom.setup.format(**names), "<setup>", "exec"), ns)
    watched = eval(idiom.watched.format(**names), ns)
    before = numpy.array(watched, copy=True)
    with sa.policy("raise"), pytest.raises((sa.SharedWriteError, sa.ReadOnlyError)):
        exec(compile(idiom.write.format(**names), "<write>", "exec"), ns)
    numpy.testing.assert_array_equal(numpy.asarray(watched), before)


@pytest.mark.parametrize(("ename", "sname"), list(itertools.product(EXPRESSIONS, EXPRESSION_SCOPES)))
def test_expression_idioms_in_lambdas_and_comprehensions(ename: str, sname: str) -> None:
    make, expr = EXPRESSIONS[ename]
    code = EXPRESSION_SCOPES[sname].format(expr=expr.format(a="a"), make=make)
    filename = f"<expression {ename} in {sname}>"
    seen, error, _ = run_case(code, filename, "warn")
    assert error is None
    verdict = EXPRESSION_VERDICT[ename]
    got = [w.category for w in seen]
    assert got == ([] if verdict == "ok" else [CATEGORY[verdict]]), (code, [str(w.message) for w in seen])
    assert all(w.filename == filename for w in seen)


def test_there_are_at_least_300_generated_cases() -> None:
    n = len(cases()) + len(EXPRESSIONS) * len(EXPRESSION_SCOPES) + len(OWNERSHIP) * len(OWNERSHIP_SCOPES)
    assert n >= 300, n


# --------------------------------------------------------------------------------------
# ownership: the tag of an expression, against np.shares_memory with every live array

#: expression -> whether its result owns its memory (Copy) when evaluated with ``a`` alive
OWNERSHIP: dict[str, str] = {
    "sa.arange(12).reshape(3, 4)": "Copy",
    "a.reshape(3, 4)": "View",
    "sa.zeros((4, 4)).T": "Copy",
    "a.reshape(3, 4).T": "View",
    "sa.linspace(0, 1, 10)[::2]": "Copy",
    "a[::2]": "View",
    "sa.ones((2, 3)).ravel()": "Copy",
    "sa.zeros(5)[:, None]": "Copy",
    "a[:, None]": "View",
    "sa.atleast_2d(sa.arange(3))": "Copy",
    "sa.atleast_2d(a)": "View",
    "sa.zeros((1, 3)).squeeze()": "Copy",
    "sa.eye(3)[::-1]": "Copy",
    "fresh()[2:5]": "Copy",
    "sa.reshape(sa.arange(6), (2, 3))": "Copy",
    "numpy.reshape(sa.arange(6), (2, 3))": "Copy",
    "numpy.reshape(a, (3, 4))": "View",
    "sa.asarray(numpy.zeros(3))": "Copy",
    "sa.asarray(nd)": "View",
    "sa.asarray(nd[1:])": "View",
    "sa.squeeze(sa.array([[1, 2]]))": "Copy",
    "sa.fft.ifft(sa.arange(4.0))[:2].real": "Copy",
    "a.T.real": "View",
    "a[2:][::2]": "View",
    "a.copy()[2:]": "Copy",
    "sa.arange(12)[2:][::2]": "Copy",
    "kept()[1:]": "View",
}

OWNERSHIP_SCOPES: dict[str, str] = {
    "module": "r = {expr}\n",
    "function": "def case():\n    return {expr}\nr = case()\n",
    "function with locals": "def case(a, nd):\n    x = 1\n    return {expr}\nr = case(a, nd)\n",
    "loop": "def case():\n    for _ in range(2):\n        out = {expr}\n    return out\nr = case()\n",
    "lambda": "r = (lambda: {expr})()\n",
    "comprehension": "r = [{expr} for _ in range(1)][0]\n",
    "generator expression": "r = next({expr} for _ in range(1))\n",
    "generator": "def case():\n    yield {expr}\nr = next(case())\n",
    "class body": "class Case:\n    r = {expr}\nr = Case.r\n",
    "closure": "def outer():\n    b = a\n    def inner():\n        return {expr}.__class__ and {expr}\n    return inner()\nr = outer()\n",
    "method": "class Case:\n    def m(self):\n        return {expr}\nr = Case().m()\n",
}

OWNERSHIP_HELPERS = '''
a = sa.arange(12)
nd = numpy.arange(12)
KEPT = [sa.arange(5)]
def fresh():
    return sa.zeros(10)
def kept():
    return KEPT[0]
'''


@pytest.mark.parametrize(("expr", "sname"), list(itertools.product(OWNERSHIP, OWNERSHIP_SCOPES)))
def test_ownership_tag_tells_the_truth_in_every_scope(expr: str, sname: str) -> None:
    ns: dict[str, Any] = {"sa": sa, "numpy": numpy}
    exec(compile(OWNERSHIP_HELPERS, "<helpers>", "exec"), ns)
    code = OWNERSHIP_SCOPES[sname].format(expr=expr)
    exec(compile(code, f"<ownership {sname}>", "exec"), ns)
    r = ns["r"]
    assert type(r).__name__ == OWNERSHIP[expr], (code, r)
    live = [ns["a"], ns["nd"], ns["KEPT"][0]]
    if isinstance(r, sa.Copy):
        # a Copy never says so of memory that a live array can see
        assert r.base is None
        assert not any(numpy.shares_memory(numpy.asarray(r), numpy.asarray(x)) for x in live), code
    else:
        assert any(numpy.shares_memory(numpy.asarray(r), numpy.asarray(x)) for x in live), code


def test_views_of_an_owner_see_each_others_bytes_only_where_they_overlap() -> None:
    def make() -> tuple[Any, Any]:
        t = sa.zeros((4, 4))
        return t[:2], t[1:]

    top, rest = make()
    with sa.policy("raise"):
        top[0] = 1  # row 0: only ``top`` sees it
        with pytest.raises(sa.SharedWriteError, match="another live View"):
            top[1] = 1  # row 1: ``rest`` sees it too
        del rest
        top[1] = 2  # ``rest`` is gone


def test_columns_that_interleave_but_do_not_overlap_are_independent() -> None:
    def make() -> tuple[Any, Any]:
        t = sa.zeros((5, 2))
        return t[:, 0], t[:, 1]

    c0, c1 = make()
    with sa.policy("raise"):
        c0 += 1
        c1 -= c0
    assert c1.tolist() == [-1.0] * 5


def test_a_view_whose_owner_name_died_is_an_owner_for_writes() -> None:
    def make() -> Any:
        t = sa.zeros(10)
        return t[2:5]

    v = make()
    assert isinstance(v, sa.View)  # the tag was decided when ``t`` was alive
    with sa.policy("raise"):
        v[0] = 1
        v += 1
        v.fill(3)


def test_a_view_whose_owner_is_held_again_warns_again() -> None:
    def make() -> Any:
        t = sa.zeros(10)
        return t[2:5]

    v = make()
    owner = v.base
    with sa.policy("raise"), pytest.raises(sa.SharedWriteError):
        v[0] = 1
    del owner
    with sa.policy("raise"):
        v[0] = 1


def test_augmented_slice_assignment_through_a_named_view_warns_once() -> None:
    data = sa.arange(10.0)
    v = data[2:8]
    i, j = 1, 3
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        v[i:j] += 1
        v[1:3] -= 1
        v[(slice(i, j),)] *= 2
    assert [w.category for w in seen] == [sa.SharedWriteWarning] * 3
    assert data[3] == 6.0  # data is used after the writes: it sees them


# --------------------------------------------------------------------------------------
# never silently off


def test_every_check_works_on_this_interpreter() -> None:
    info = sa.diagnostics()
    assert info["off"] == [], info
    assert set(info["checks"]) == set(_selftest.CHECKS)
    assert info["core"] == ("compiled" if COMPILED else "pure-Python")



def _judged_under(hook: Any, install: Any) -> list[str]:
    """Adoption, a write through a temporary View into a named Copy, and a lost write, with
    ``hook`` installed by ``install`` (sys.settrace or sys.setprofile) around the calls."""
    c = sa.array(numpy.arange(10.0))
    out = []
    old = sys.gettrace() if install is sys.settrace else sys.getprofile()
    install(hook)
    try:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            out.append(type((c + 1)[1:-1]).__name__)
            c[1:3] += 1
            (c + 1)[1:3] = 0
    finally:
        install(old)
    return out + [w.category.__name__ for w in seen]


@pytest.mark.parametrize("install", [sys.settrace, sys.setprofile], ids=["settrace", "setprofile"])
def test_the_judge_is_the_same_under_a_tracer_or_profiler(install: Any) -> None:
    """What coverage.py, debuggers and profilers install does not change the judgements: the
    slice of a temporary owns its memory, ``c[1:3] += 1`` into a named Copy is silent, a write
    into a temporary Copy is a lost write."""
    def hook(frame: Any, event: str, arg: Any) -> Any:
        return None

    expected = ["Copy", "LostWriteWarning"]
    assert _judged_under(None, install) == expected  # what the interpreter does untraced
    assert _judged_under(hook, install) == expected


BROKEN_COUNTS = """
import itertools, sys, warnings
counter = itertools.count(100)
sys.getrefcount = lambda obj: next(counter)  # reference counts that mean nothing
with warnings.catch_warnings(record=True) as seen:
    warnings.simplefilter("always")
    import safearray as sa
print([(w.category.__name__, w.filename) for w in seen])
print(str(seen[0].message) if seen else "")
print(sa.diagnostics()["off"])
print(type(sa.zeros((4, 4)).T).__name__, type(sa.arange(6)[1:]).__name__)
a = sa.arange(6)
print(type(a[1:]).__name__)
"""


def test_checks_that_cannot_be_established_are_reported_once_at_import() -> None:
    """Pure-Python mode on an interpreter whose reference counts cannot be read (simulated):
    one DetectionWarning at the importing line naming what goes unreported, the checks
    listed by diagnostics(), and tags that stay conservative (Views)."""
    env = dict(os.environ, SAFEARRAY_PURE_PYTHON="1")
    out = subprocess.run([sys.executable, "-c", BROKEN_COUNTS], env=env, capture_output=True,
                         text=True, check=True).stdout.splitlines()
    assert out[0] == "[('DetectionWarning', '<string>')]", out
    assert "lost writes by assignment (a[mask][0] = 5 reported)" in out[1]
    assert "so they are off and what they would report goes unreported" in out[1]
    assert "ownership by indexing" in out[2] and "lost writes by methods" in out[2]
    assert out[3] == "View View"
    assert out[4] == "View"


def test_the_report_names_each_check_that_is_off() -> None:
    results = dict.fromkeys(_selftest.CHECKS, True)
    _selftest.report(results)  # nothing to say
    results["lost writes by methods"] = False
    with pytest.warns(sa.DetectionWarning, match=r"lost writes by methods \(a\[mask\]\.sort\(\)"):
        _selftest.report(results)


def test_the_compiled_core_declares_that_it_needs_the_gil() -> None:
    if not COMPILED:
        pytest.skip("pure-Python core")
    with open(os.path.join(PACKAGE, "_speedups.c"), encoding="utf-8") as f:
        source = f.read()
    assert "PyUnstable_Module_SetGIL(m, Py_MOD_GIL_USED)" in source


# --------------------------------------------------------------------------------------
# a name that is never read again does not see the bytes

#: a write through ``s`` into ``data``, which each case below then uses, or not
WRITE_THROUGH = """
def case(M):
    data = sa.arange(10.0)
    s = data[2:5]
    s[:] = 0
"""

#: A library function writing into the View it was given (``outer`` makes it of ``x``).
THROUGH_A_CALL = """
def inner(X):
    X -= 1

def outer(x):
    X = sa.asarray(sa.atleast_2d(x).T)
    inner(X)
    return X
"""

DEAD_NAMES: dict[str, tuple[str, str]] = {
    # code (a function ``case``), verdict
    "eig column, V unused after": ("""
def case(M):
    w, V = sa.linalg.eig(M)
    point = sa.real(V[:, 3]).squeeze()
    point /= point[3]
    return point
""", "ok"),
    "owner returned after the write": (WRITE_THROUGH + """    return data
""", "shared"),
    "owner unused after the write": (WRITE_THROUGH + """    return s
""", "ok"),
    "owner reassigned before any read": ("""
def case(M):
    w, V = sa.linalg.eig(M)
    point = sa.real(V[:, 3]).squeeze()
    point /= point[3]
    w, V = sa.linalg.eig(M[:3, :3])
    return V[:, 0], point
""", "ok" if sys.version_info >= (3, 11) else "shared"),
    "owner reassigned in a try whose handler reads it": ("""
def case(M):
    w, V = sa.linalg.eig(M)
    point = sa.real(V[:, 3]).squeeze()
    try:
        point /= point[3]
        V = None
    except ValueError:
        return V
    return point
""", "shared"),
    "owner reassigned after a branch": (WRITE_THROUGH + """    if M.shape[0] > 100:
        return data
    data = None
    return s
""", "shared"),
    "owner reassigned after a try whose handler does not read it": ("""
def case(M):
    try:
        w, V = sa.linalg.eig(M)
        point = sa.real(V[:, 3]).squeeze()
        point /= point[3]
    except IndexError:
        point = None
    w, V = sa.linalg.eig(M[:3, :3])
    return V[:, 0], point
""", "ok" if sys.version_info >= (3, 11) else "shared"),
    "owner read after the try": ("""
def case(M):
    try:
        w, V = sa.linalg.eig(M)
        point = sa.real(V[:, 3]).squeeze()
        point /= point[3]
    except IndexError:
        pass
    return V
""", "shared"),
    "owner read in a finally": ("""
def case(M):
    w, V = sa.linalg.eig(M)
    try:
        point = sa.real(V[:, 3]).squeeze()
        point /= point[3]
    finally:
        print(V.shape, end="")
    return point
""", "shared"),
    "owner unused after a with block": ("""
def case(M):
    with sa.errstate(all="ignore"):
        w, V = sa.linalg.eig(M)
        point = sa.real(V[:, 3]).squeeze()
        point /= point[3]
    return point
""", "ok"),
    "owner assigned anew at each loop iteration": ("""
def case(M):
    points = []
    for k in range(3):
        w, V = sa.linalg.eig(M + k)
        point = sa.real(V[:, 3]).squeeze()
        point /= point[3]
        points.append(point)
    return points
""", "ok" if sys.version_info >= (3, 11) else "shared"),
    "owner assigned anew in a loop but read after it": ("""
def case(M):
    for k in range(3):
        w, V = sa.linalg.eig(M + k)
        point = sa.real(V[:, 3]).squeeze()
        point /= point[3]
    return V
""", "shared"),
    "owner read in a later loop iteration": ("""
def case(M):
    data = sa.arange(10.0)
    for i in range(3):
        s = data[i:i + 2]
        s += 1
""", "shared"),
    "owner deleted after the write": (WRITE_THROUGH + """    del data
""", "shared"),
    "frame that calls locals()": (WRITE_THROUGH + """    return locals()
""", "shared"),
    "owner in a closure cell": (WRITE_THROUGH + """    return lambda: data
""", "shared"),
    "owner held by callers that do not read it again": (THROUGH_A_CALL + """
def case(M):
    x = sa.ones(5)
    return outer(x)
""", "ok" if (3, 11) <= sys.version_info < (3, 14) else "shared"),  # see _policy._CALLERS_COUNTED
    "owner held by a caller that reads it after the call": (THROUGH_A_CALL + """
def case(M):
    x = sa.ones(5)
    r = outer(x)
    return x, r
""", "shared"),
    "owner an argument read by an inner function": ("""
def case(M):
    def inner(data):
        s = data[2:5]
        s[:] = 0
        return lambda: data
    return inner(sa.arange(10.0))
""", "shared"),
}


@pytest.mark.parametrize("name", list(DEAD_NAMES))
def test_a_name_never_read_again_does_not_see_the_bytes(name: str) -> None:
    """``w, V = np.linalg.eig(M); col = V[:, 0]; col /= norm`` with V not used after: no one
    will see the change through V. A name read later, in a loop, deleted (conservatively), a
    cell, or a frame using ``locals()`` still counts."""
    code, verdict = DEAD_NAMES[name]
    ns: dict[str, Any] = {"sa": sa}
    exec(compile(code, f"<dead {name}>", "exec"), ns)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        ns["case"](sa.eye(4) * 2)
    got = [w.category for w in seen if issubclass(w.category, sa.MutationWarning)]
    if verdict == "ok":
        assert got == [], (name, [str(w.message) for w in seen])
    else:
        assert got and set(got) == {sa.SharedWriteWarning}, name


def test_the_dead_name_check_leaves_no_reference_behind() -> None:
    """Reading the frame's locals (a snapshot up to CPython 3.12) must not keep the owner alive."""
    def case() -> None:
        data = sa.arange(10.0)
        s = data[2:5]
        with pytest.warns(sa.SharedWriteWarning):
            s[:] = 0  # data is read below: judged, which reads this frame's locals
        assert data[2] == 0
        del data
        with sa.policy("raise"):
            s[0] = 1  # the owner is held by s alone now: no snapshot may still hold it

    case()


def test_a_view_returned_by_a_function_is_an_owner_for_its_store_back_idioms() -> None:
    """``M = quaternion_matrix(q); M[:3, :3] *= s`` (trimesh): M is a View of a Copy that only M
    holds, so writing through a temporary View of M is writing into M, and nobody else sees it."""
    def make() -> Any:
        ret = sa.zeros((1, 4, 4))
        return ret.squeeze()

    m = make()
    with sa.policy("raise"):
        m[:3, :3] *= 2.0
        m[:3][:, 1] += 1.0
    assert m.base is not None and float(m[0, 1]) == 1.0
