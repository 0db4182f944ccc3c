"""``out``: every NumPy function, array method and Generator method that takes one.

They are enumerated from NumPy's own signatures (``inspect.signature``, or the signature a C
function's docstring opens with on NumPy < 2.3), never listed by hand; the position of
``out`` found there is first checked against NumPy itself (called with an ndarray at that
position, NumPy must return it). Then each one is called on tagged arrays with ``out`` given
by position and by keyword, into a View of a named Copy (a shared write: warned under
"warn", refused before any byte changes under "raise", silent under "allow"), into a named
Copy, a temporary Copy and a plain ndarray (silent under every mode). The values, dtype and
shape written are NumPy's, and the result is the very object passed, as NumPy returns its
``out``.
"""

from __future__ import annotations

import inspect
import os
import types
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

import safearray as sa
from safearray._array import _OUT_NOT_BY_POSITION, _documented_positionals

#: The namespaces whose functions are enumerated: (prefix, NumPy's module, safearray's).
SPACES = [("", np, sa), ("linalg.", np.linalg, sa.linalg), ("fft.", np.fft, sa.fft),
          ("emath.", np.emath, sa.emath), ("strings.", np.strings, sa.strings)]

F = np.arange(1.0, 7.0).reshape(2, 3)
DATES = np.array(["2026-12-01", "2026-12-02"], dtype="datetime64[D]")  # a Tuesday, a Wednesday

#: A value for each parameter name that has no usable default, wherever it appears.
SAMPLES: dict[str, Any] = {
    "a": F, "x": F, "arr": F, "b": F.T, "other": F.T, "arrays": [F, F], "q": 50.0,
    "a_min": 2.0, "a_max": 4.0, "min": 2.0, "max": 4.0, "indices": [0, 2],
    "choices": [F, F * 10], "condition": [True, False],
    "dates": DATES, "begindates": DATES, "enddates": DATES + np.timedelta64(7, "D"), "offsets": [1, 2],
    "shape": 2.0,  # Generator.standard_gamma
    "(a1, a2, ...)": [F, F],  # NumPy 2.2's documented signature of concatenate
}
#: Where one function needs another value than the parameter's name says.
OVERRIDES: dict[str, dict[str, Any]] = {
    "choose": {"a": np.array([[0, 1, 0], [1, 0, 1]])},
    "ndarray.choose": {"self": np.array([[0, 1, 0], [1, 0, 1]])},
    "cumulative_sum": {"x": F[0]}, "cumulative_prod": {"x": F[0]},
    "quantile": {"q": 0.5}, "nanquantile": {"q": 0.5},
    "linalg.multi_dot": {"arrays": [F, F.T, F]},
}
#: Arguments of functions that take their arrays as ``*args`` (``out`` is keyword-only there).
VARARGS: dict[str, tuple[Any, ...]] = {"einsum": ("ij->j", F)}
#: Defaults of C functions whose signature is only documented (NumPy < 2.3), by parameter name.
DOCUMENTED_DEFAULTS: dict[str, Any] = {
    "axis": None, "dtype": None, "offset": 0, "axis1": 0, "axis2": 1, "decimals": 0, "ddof": 0,
    "roll": "raise", "weekmask": "1111100", "holidays": None, "busdaycal": None}
NO_VALUE = getattr(np, "_NoValue", object())
PACKAGE = os.path.dirname(sa.__file__)


def _parameters(func: Any) -> list[tuple[str, Any, bool]] | None:
    """``(name, default or inspect's empty, positional)`` of each parameter up to ``out``,
    ``out`` included, or None when ``func`` has no ``out``."""
    try:
        params = list(inspect.signature(func).parameters.values())
    except (TypeError, ValueError):
        names = _documented_positionals(func)
        if names is None or "out" not in names:
            return None
        return [(n, DOCUMENTED_DEFAULTS.get(n, inspect.Parameter.empty), True)
                for n in names[: names.index("out") + 1]]
    if "out" not in {p.name for p in params}:
        return None
    found = []
    positional = True
    for p in params:
        if p.kind in (p.VAR_POSITIONAL, p.KEYWORD_ONLY, p.VAR_KEYWORD):
            positional = False
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        found.append((p.name, p.default, positional))
        if p.name == "out":
            return found
    return None


def _sample(label: str, name: str, default: Any) -> Any:
    given = OVERRIDES.get(label, {})
    if name in given:
        return given[name]
    if default is not inspect.Parameter.empty and default is not NO_VALUE:
        return default
    if name not in SAMPLES:
        raise AssertionError(
            f"{label}: no sample value for its parameter {name!r}; add one to SAMPLES or OVERRIDES")
    return SAMPLES[name]


class Case:
    """One callable with ``out``: how to call it on NumPy's arrays and on tagged ones."""

    def __init__(self, label: str, numpy_f: Callable[..., Any], safe_fs: dict[str, Callable[..., Any]],
                 before: list[Any], keywords: dict[str, Any], positional: bool,
                 fresh: Callable[[], tuple[Callable[..., Any], dict[str, Callable[..., Any]]]] | None = None) -> None:
        self.label = label
        self.numpy_f = numpy_f
        self.safe_fs = safe_fs  # "numpy dispatch" / "safearray namespace" / "method" -> callable
        self.before = before  # arguments before out, as NumPy's arrays (defaults included)
        self.required = len(before)  # how many of them to give with out=... (set below)
        self.keywords = keywords  # keyword-only arguments needed before out
        self.positional = positional
        self.fresh = fresh  # Generators: new ones, of the same seed, for each call

    def __repr__(self) -> str:
        return self.label


def _tagged(value: Any) -> Any:
    return sa.array(value) if isinstance(value, np.ndarray) else value


def _required(label: str, params: list[tuple[str, Any, bool]]) -> int:
    """How many leading positional parameters need a value (no default, or an override)."""
    n = 0
    for i, (name, default, positional) in enumerate(params):
        if positional and (default is inspect.Parameter.empty or default is NO_VALUE
                           or name in OVERRIDES.get(label, {})):
            n = i + 1
    return n


def _bound(name: str) -> Callable[..., Any]:
    """``f(x, *args, **kwargs)``: the method ``name`` of the tagged array ``x``, called on it."""
    return lambda x, *args, **kwargs: getattr(x, name)(*args, **kwargs)


def _enumerate() -> Iterator[Case]:
    for prefix, space, mirror in SPACES:
        for name in getattr(space, "__all__", dir(space)):
            obj = getattr(space, name, None)
            if (obj is None or name.startswith("_") or not callable(obj)
                    or isinstance(obj, (type, types.ModuleType, np.ufunc))):
                continue
            params = _parameters(obj)
            if params is None:
                continue
            label = prefix + name
            if label in VARARGS:
                before, keywords = list(VARARGS[label]), {}
            else:
                before = [_sample(label, n, d) for n, d, pos in params[:-1] if pos]
                keywords = {n: _sample(label, n, d) for n, d, pos in params[:-1]
                            if not pos and n in OVERRIDES.get(label, {})}
            case = Case(label, obj, {"numpy dispatch": obj, "safearray namespace": getattr(mirror, name)},
                        before, keywords, params[-1][2])
            if label not in VARARGS:
                case.required = _required(label, params[:-1])
            yield case
    for name in dir(np.ndarray):
        meth = getattr(np.ndarray, name)
        if name.startswith("_") or not callable(meth):
            continue
        params = _parameters(meth)
        if params is None and getattr(meth, "__doc__", None) is None:  # NumPy 2.2's ndarray.dot
            params = _parameters(getattr(np, name, None))
        if params is None:
            continue
        label = f"ndarray.{name}"
        self_value = OVERRIDES.get(label, {}).get("self", F)
        before = [self_value] + [_sample(label, n, d) for n, d, pos in params[1:-1] if pos]
        case = Case(label, getattr(np.ndarray, name), {"method": _bound(name)}, before, {}, params[-1][2])
        case.required = 1 + _required(label, params[1:-1])
        yield case
    for kind, numpy_cls, ours, make in (
        ("Generator", np.random.Generator, sa.random.Generator, lambda: np.random.default_rng(7)),
        ("RandomState", np.random.RandomState, sa.random.RandomState, lambda: np.random.RandomState(7)),
    ):
        for name in dir(numpy_cls):
            meth = getattr(numpy_cls, name)
            if name.startswith("_") or not callable(meth):
                continue
            params = _parameters(meth)
            if params is None:
                continue
            label = f"random.{kind}.{name}"
            before = [_sample(label, n, d) for n, d, pos in params[1:-1] if pos]

            def fresh(make: Any = make, ours: Any = ours, name: str = name) -> Any:
                return getattr(make(), name), {"method": getattr(ours(make()), name)}

            case = Case(label, meth, {}, before, {}, params[-1][2], fresh)
            case.required = _required(label, params[1:-1])
            yield case


def _deprecated(case: Case) -> bool:
    """Does NumPy warn that the case's function is deprecated (numpy.fix from NumPy 2.5)?"""
    numpy_f = case.fresh()[0] if case.fresh else case.numpy_f
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        numpy_f(*case.before[: case.required], **case.keywords)
    return any(issubclass(w.category, DeprecationWarning) for w in record)


#: Every case, but those NumPy deprecates (each of their calls would warn, which fails a test
#: here: their out goes through the same path as the others').
CASES = {case.label: case for case in _enumerate() if not _deprecated(case)}
DEPRECATED = sorted({case.label for case in _enumerate()} - set(CASES))
POSITIONAL = sorted(label for label, case in CASES.items() if case.positional)
#: ``(label, "position" | "keyword")``: every way each case takes ``out``.
WAYS = [(label, by) for label in sorted(CASES) for by in ("position", "keyword")
        if by == "keyword" or CASES[label].positional]
#: The methods whose signature shows a positional ``out`` that NumPy does not take there.
NOT_BY_POSITION = {f"ndarray.{name}" for name in _OUT_NOT_BY_POSITION}


def test_the_enumeration_finds_every_kind_of_out() -> None:
    for label in ("cumsum", "cumprod", "clip", "around", "round", "dot", "take", "choose", "compress",
                  "trace", "mean", "std", "var", "sum", "prod", "max", "min", "any", "all", "ptp",
                  "median", "percentile", "quantile", "nancumsum", "concatenate", "fft.fft",
                  "ndarray.sum", "ndarray.clip", "random.Generator.random",
                  "random.Generator.standard_normal"):
        assert label in POSITIONAL, label
    # np.cumulative_sum is NumPy 2.1's
    for label in ("einsum", *(["cumulative_sum"] if hasattr(np, "cumulative_sum") else []), "linalg.multi_dot",
                  "random.Generator.permuted"):
        assert label in CASES and label not in POSITIONAL, label
    assert len(POSITIONAL) >= 80, len(POSITIONAL)
    assert len(DEPRECATED) <= 3, DEPRECATED  # only what NumPy itself is removing is left out


# --------------------------------------------------------------------------------------
# calling a case


def _call(case: Case, f: Callable[..., Any], before: list[Any], out: Any, by: str) -> Any:
    if by == "position":
        return f(*before, out, **case.keywords)
    return f(*before[: case.required], out=out, **case.keywords)


class Oracle:
    """What NumPy does with an ndarray ``out``: the bytes it leaves there (``out``), what it
    returns (``returned``, and ``gives_out``: that ndarray itself), or the exception it raises
    (``error``: NumPy's signature shows a position its implementation does not take, as
    ``ndarray.all(axis, out)``, or the arguments before ``out`` cannot all be given)."""

    def __init__(self, case: Case, by: str) -> None:
        def numpy_f() -> Callable[..., Any]:
            return case.fresh()[0] if case.fresh else case.numpy_f

        before = list(case.before)
        self.error: type[BaseException] | None = None
        self.returned: Any = None
        result = np.asarray(numpy_f()(*before[: case.required], **case.keywords))
        try:
            if by == "position":  # the defaults given too, as they will be with out
                result = np.asarray(numpy_f()(*before, **case.keywords))
        except (TypeError, ValueError) as exc:
            self.error = type(exc)
        shape = (3,) if case.fresh and not result.ndim else result.shape  # size=None: out gives it
        self.out = np.zeros(shape, dtype=result.dtype)
        if self.error is None:
            try:
                self.returned = _call(case, numpy_f(), before, self.out, by)
            except (TypeError, ValueError) as exc:
                self.error = type(exc)
        self.gives_out = self.returned is self.out

    def check(self, returned: Any, target: Any, written: np.ndarray, how: str) -> None:
        """``returned`` (safearray's, given ``target``) and the bytes ``written`` there are NumPy's."""
        np.testing.assert_array_equal(written, self.out, err_msg=how)
        assert written.dtype == self.out.dtype and written.shape == self.out.shape, how
        if self.gives_out:
            assert returned is target, (how, type(returned))
        else:  # NumPy's fft.hfft, ifft2, irfft2: a new array, out holding an intermediate step
            assert returned is not target and isinstance(returned, sa.Copy), (how, type(returned))
            np.testing.assert_array_equal(np.asarray(returned), self.returned, err_msg=how)


def _oracle(case: Case, by: str) -> Oracle:
    if by == "position" and case.label in NOT_BY_POSITION:
        pytest.skip("NumPy takes the argument there as something else than out")
    oracle = Oracle(case, by)
    if oracle.error is not None and by == "position":
        pytest.skip(f"NumPy refuses out by position here ({oracle.error.__name__})")
    assert oracle.error is None, f"{case.label}: NumPy refuses out={by}"
    return oracle


def _targets(case: Case) -> Iterator[tuple[str, Callable[..., Any], list[Any]]]:
    """``(how, callable, arguments before out)`` for each way safearray runs the case: the
    mirrored function and NumPy's dispatch on tagged inputs, NumPy's dispatch on NumPy's
    arrays (only the out tagged), the tagged array's method, a safearray Generator's."""
    if case.fresh:
        yield "method", case.fresh()[1]["method"], list(case.before)
        return
    tagged = [_tagged(v) for v in case.before]
    for how, f in case.safe_fs.items():
        yield how, f, tagged
        if how == "numpy dispatch":
            yield "numpy dispatch, ndarray inputs", f, list(case.before)


def _shared_view(expected: np.ndarray) -> tuple[Any, Any]:
    """A named Copy holding two blocks of ``expected``'s shape and dtype, and a View of its
    second block (contiguous, as NumPy's Generators require)."""
    base = sa.zeros((2, *expected.shape), dtype=expected.dtype)
    return base, base[1, ...]


def _fresh(case: Case, f: Any) -> Any:
    """``f``, or for a Generator's method the same method of a new Generator of the same seed,
    so that each call writes the values NumPy's oracle wrote."""
    return case.fresh()[1]["method"] if case.fresh else f


# --------------------------------------------------------------------------------------
# the tests, one per case


@pytest.mark.parametrize("label", POSITIONAL)
def test_numpy_takes_out_at_the_position_its_signature_gives(label: str) -> None:
    """NumPy writes into the ndarray given at the position its signature shows and returns it
    (or refuses the call: see Oracle), except for the methods safearray knows to take ``out``
    by keyword only, where NumPy takes that argument as something else."""
    oracle = Oracle(CASES[label], "position")
    if label in NOT_BY_POSITION:
        assert oracle.error is not None or not oracle.out.any(), f"NumPy now takes {label}'s out by position"
    elif oracle.error is None:
        assert oracle.gives_out or label.startswith("fft."), label


@pytest.mark.parametrize("mode", sa.MODES)
@pytest.mark.parametrize("label", sorted(NOT_BY_POSITION))
def test_where_numpys_signature_shows_out_but_numpy_reads_an_argument_safearray_does_too(
        label: str, mode: str) -> None:
    """``a.choose(choices, v)`` takes ``v`` as one more choice: a read, never judged as a write."""
    case = CASES[label]
    oracle = Oracle(case, "position")
    if oracle.error is not None:
        pytest.skip("NumPy refuses the call: see the test below")
    base, view = _shared_view(oracle.out)
    for how, f, before in _targets(case):
        with sa.policy(mode):
            returned = _call(case, f, before, view, "position")
        np.testing.assert_array_equal(np.asarray(returned), oracle.returned, err_msg=how)
        assert not np.asarray(base).any()


#: Where NumPy refuses a call with every argument up to ``out`` given by position (the
#: ``busday_*`` functions take no explicit None for ``busdaycal``, nor both it and a weekmask).
REFUSED = [label for label in POSITIONAL if Oracle(CASES[label], "position").error is not None]


def test_numpy_refuses_out_by_position_only_where_it_cannot_be_given() -> None:
    assert set(REFUSED) <= {"busday_count", "busday_offset", "is_busday", *NOT_BY_POSITION}, REFUSED


@pytest.mark.parametrize("mode", sa.MODES)
@pytest.mark.parametrize("label", REFUSED)
def test_where_numpy_refuses_out_by_position_so_does_safearray(label: str, mode: str) -> None:
    case = CASES[label]
    oracle = Oracle(case, "position")
    for how, f, before in _targets(case):
        target = sa.zeros(oracle.out.shape, dtype=oracle.out.dtype)
        with sa.policy(mode), pytest.raises(oracle.error):
            _call(case, _fresh(case, f), before, target, "position")


@pytest.mark.parametrize("label, by", WAYS)
def test_out_through_a_view_warns_once_and_writes_numpys_values(label: str, by: str) -> None:
    case = CASES[label]
    oracle = _oracle(case, by)
    for how, f, before in _targets(case):
        base, view = _shared_view(oracle.out)
        f = _fresh(case, f)
        with pytest.warns(sa.SharedWriteWarning, match=r"\(out=\.\.\.\) writes through a View") as record:
            returned = _call(case, f, before, view, by)
        assert len(record) == 1, (how, [str(w.message) for w in record])
        if how == "numpy dispatch, ndarray inputs":
            # NumPy dispatches on its arrays only where its dispatcher lists out; elsewhere
            # (nanargmax) NumPy's own code hands out to a function that does: the warning
            # points at that line of NumPy's, never inside safearray
            assert not record[0].filename.startswith(PACKAGE), (how, record[0].filename)
        else:
            assert record[0].filename == __file__, (how, record[0].filename)
        oracle.check(returned, view, np.asarray(base)[1], how)


@pytest.mark.parametrize("label, by", WAYS)
def test_out_through_a_view_is_refused_before_any_byte_changes(label: str, by: str) -> None:
    case = CASES[label]
    oracle = _oracle(case, by)
    for how, f, before in _targets(case):
        base, view = _shared_view(oracle.out)
        f = _fresh(case, f)
        snapshot = np.array(base)
        with sa.policy("raise"), pytest.raises(sa.SharedWriteError, match=r"\(out=\.\.\.\)"):
            _call(case, f, before, view, by)
        np.testing.assert_array_equal(np.asarray(base), snapshot, err_msg=how)


@pytest.mark.parametrize("label, by", WAYS)
def test_out_through_a_view_allowed_is_silent(label: str, by: str) -> None:
    case = CASES[label]
    oracle = _oracle(case, by)
    for how, f, before in _targets(case):
        base, view = _shared_view(oracle.out)
        f = _fresh(case, f)
        with sa.policy("allow"):
            returned = _call(case, f, before, view, by)
        oracle.check(returned, view, np.asarray(base)[1], how)


@pytest.mark.parametrize("mode", sa.MODES)
@pytest.mark.parametrize("label, by", WAYS)
def test_out_into_a_copy_or_an_ndarray_is_silent_and_given_back(label: str, by: str, mode: str) -> None:
    case = CASES[label]
    oracle = _oracle(case, by)
    shape, dtype = oracle.out.shape, oracle.out.dtype
    for how, f, before in _targets(case):
        with sa.policy(mode):  # filterwarnings=error: any warning fails the test
            named = sa.zeros(shape, dtype=dtype)
            returned = _call(case, _fresh(case, f), before, named, by)
            oracle.check(returned, named, np.asarray(named), how)
            if how != "numpy dispatch, ndarray inputs":  # no SafeArray at all: NumPy's own call
                raw = np.zeros(shape, dtype=dtype)
                returned = _call(case, _fresh(case, f), before, raw, by)
                oracle.check(returned, raw, raw, how)
            returned = _call(case, _fresh(case, f), before, sa.zeros(shape, dtype=dtype), by)
            assert type(returned) is sa.Copy, how
            if oracle.gives_out:
                np.testing.assert_array_equal(np.asarray(returned), oracle.out, err_msg=how)


# --------------------------------------------------------------------------------------
# ufuncs and their methods: the out objects themselves, one or several

X = np.arange(1.0, 7.0)

#: ``(name, call(f, x, outs) -> result, shapes of the outputs)``: ``outs`` is a tuple with
#: one array per output (``None`` leaves that output to NumPy); ``f`` NumPy's ufunc or
#: safearray's.
UFUNC_CALLS: list[tuple[str, Callable[[Any, Any, tuple[Any, ...]], Any], tuple[tuple[int, ...], ...]]] = [
    ("add out=", lambda f, x, o: f.add(x, 1, out=o[0]), ((6,),)),
    ("add out=(o,)", lambda f, x, o: f.add(x, 1, out=o), ((6,),)),
    ("add by position", lambda f, x, o: f.add(x, 1, o[0]), ((6,),)),
    ("divmod out=(o1, o2)", lambda f, x, o: f.divmod(x, 4, out=o), ((6,), (6,))),
    ("divmod by position", lambda f, x, o: f.divmod(x, 4, o[0], o[1]), ((6,), (6,))),
    ("modf out=(o1, o2)", lambda f, x, o: f.modf(x / 4, out=o), ((6,), (6,))),
    ("frexp out=(o1, None)", lambda f, x, o: f.frexp(x, out=(o[0], None)), ((6,), (6,))),
    ("frexp out=(None, o2)", lambda f, x, o: f.frexp(x, out=(None, o[1])), ((6,), (6,))),
    ("add.reduce out=", lambda f, x, o: f.add.reduce(x.reshape(2, 3), 0, out=o[0]), ((3,),)),
    ("add.reduce by position", lambda f, x, o: f.add.reduce(x.reshape(2, 3), 0, None, o[0]), ((3,),)),
    ("add.reduce by position, keepdims after", lambda f, x, o: f.add.reduce(x.reshape(2, 3), 0, None, o[0], True), ((1, 3),)),
    ("add.accumulate out=", lambda f, x, o: f.add.accumulate(x, out=o[0]), ((6,),)),
    ("add.accumulate by position", lambda f, x, o: f.add.accumulate(x, 0, None, o[0]), ((6,),)),
    ("add.reduceat out=", lambda f, x, o: f.add.reduceat(x, [0, 2], out=o[0]), ((2,),)),
    ("add.reduceat by position", lambda f, x, o: f.add.reduceat(x, [0, 2], 0, None, o[0]), ((2,),)),
    ("multiply.outer out=", lambda f, x, o: f.multiply.outer(x[:2], x[:3], out=o[0]), ((2, 3),)),
]
OUT_KINDS = ["named Copy", "View", "ndarray"]


def _outs(kind: str, shapes: tuple[tuple[int, ...], ...], dtypes: list[np.dtype[Any]],
          bases: list[Any] | None = None) -> tuple[Any, ...]:
    """One out per output: an ndarray, a named Copy, or a View of a Copy that ``bases`` holds."""
    made: list[Any] = []
    for shape, dtype in zip(shapes, dtypes):
        if kind == "ndarray":
            made.append(np.zeros(shape, dtype))
        elif kind == "named Copy":
            made.append(sa.zeros(shape, dtype=dtype))
        else:
            assert bases is not None
            bases.append(sa.zeros((2, *shape), dtype=dtype))
            made.append(bases[-1][1, ...])
            assert type(made[-1]) is sa.View
    return tuple(made)


@pytest.mark.parametrize("kind", OUT_KINDS)
@pytest.mark.parametrize("space", [np, sa], ids=["numpy dispatch", "safearray namespace"])
@pytest.mark.parametrize("name", [c[0] for c in UFUNC_CALLS])
def test_ufunc_outs_come_back_as_the_objects_passed(name: str, space: Any, kind: str) -> None:
    call, shapes = next((c[1], c[2]) for c in UFUNC_CALLS if c[0] == name)
    plain = call(np, X, tuple([None] * len(shapes)))
    plain = plain if isinstance(plain, tuple) else (plain,)
    dtypes = [np.asarray(p).dtype for p in plain]
    theirs = _outs("ndarray", shapes, dtypes)
    expected = call(np, X, theirs)
    bases: list[Any] = []
    given = _outs(kind, shapes, dtypes, bases)
    x = sa.array(X)
    with sa.policy("allow"):
        result = call(space, x, given)
    for r, e, g, t in zip(result if isinstance(result, tuple) else (result,),
                          expected if isinstance(expected, tuple) else (expected,), given, theirs):
        if e is t:
            assert r is g, (name, kind, type(r))  # NumPy gives its out back: the same object
        else:
            assert isinstance(r, sa.Copy), (name, kind, type(r))  # NumPy's new array, tagged
        np.testing.assert_array_equal(np.asarray(r), e)


@pytest.mark.parametrize("mode", sa.MODES)
@pytest.mark.parametrize("space", [np, sa], ids=["numpy dispatch", "safearray namespace"])
@pytest.mark.parametrize("name", [c[0] for c in UFUNC_CALLS])
def test_ufunc_outs_through_views_are_judged_by_position_and_keyword(name: str, space: Any, mode: str) -> None:
    call, shapes = next((c[1], c[2]) for c in UFUNC_CALLS if c[0] == name)
    plain = call(np, X, tuple([None] * len(shapes)))
    dtypes = [np.asarray(p).dtype for p in (plain if isinstance(plain, tuple) else (plain,))]
    theirs = _outs("ndarray", shapes, dtypes)
    expected = call(np, X, theirs)
    used = sum(e is t for e, t in zip(expected if isinstance(expected, tuple) else (expected,), theirs))
    bases: list[Any] = []
    views = _outs("View", shapes, dtypes, bases)
    snapshot = [np.array(b) for b in bases]
    x = sa.array(X)
    with sa.policy(mode), warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        if mode == "raise":
            with pytest.raises(sa.SharedWriteError, match=r"\(out=\.\.\.\) writes through a View"):
                call(space, x, views)
        else:
            call(space, x, views)
    if mode == "raise":
        for b, before in zip(bases, snapshot):
            np.testing.assert_array_equal(np.asarray(b), before)
    else:
        assert [w.category for w in record] == [sa.SharedWriteWarning] * (used if mode == "warn" else 0)
        assert all(w.filename == __file__ for w in record)


@pytest.mark.parametrize("target", ["named Copy", "View"])
def test_numpys_own_generators_refuse_a_safearray_out(target: str) -> None:
    """NumPy's Generator methods take only real ndarrays as out and never ask safearray (no
    dispatch protocol reaches them): they refuse a SafeArray, leaving its bytes alone. The
    README says so, and points at sa.random.default_rng()."""
    base = sa.zeros(6)
    out = base if target == "named Copy" else base[:3]
    rng = np.random.default_rng(0)
    for call in (lambda: rng.random(out=out), lambda: rng.standard_normal(None, "f8", out)):
        with pytest.raises(ValueError, match="Supplied output array"):
            call()
    assert not np.asarray(base).any()
