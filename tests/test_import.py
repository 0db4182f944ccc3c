"""``import safearray`` imports only what every pipeline needs: NumPy's lazily loaded submodules
(numpy.testing, numpy.random, ...), the Array API namespace and the mirror of NumPy's
namespace come on first use, and then behave as if they had been there from the start."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any

#: Modules that ``import safearray`` must not import unless ``import numpy`` does.
LAZY = ("numpy.testing", "numpy.random", "numpy.polynomial", "numpy.fft", "numpy.strings", "zipfile",
        "unittest", "difflib", "sysconfig", "importlib.abc", "safearray.array_api", "safearray._random")
#: From Python 3.13, typing has all that safearray takes from typing_extensions at run time.
LAZY_HERE = LAZY + (("typing_extensions",) if sys.version_info >= (3, 13) else ())


def run(code: str) -> Any:
    """Run ``code`` in a fresh interpreter; the JSON it prints last."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_import_safearray_leaves_numpys_lazy_submodules_unimported() -> None:
    modules = run("""
        import json, sys
        import numpy
        with_numpy = set(sys.modules)
        import safearray
        print(json.dumps({"numpy": sorted(with_numpy), "safearray": sorted(sys.modules)}))
    """)
    alone, with_safearray = set(modules["numpy"]), set(modules["safearray"])
    assert "safearray._array" in with_safearray
    for name in LAZY_HERE:
        if name not in alone:  # NumPy 2.0-2.5 import some of them (zipfile...) themselves
            assert name not in with_safearray, f"import safearray imports {name}"


def test_first_use_imports_them_and_they_work() -> None:
    checks = run("""
        import json, pickle, sys
        import numpy
        import safearray as sa
        out = {}
        sa.testing.assert_array_equal(sa.arange(3), [0, 1, 2])
        out["testing is numpy's"] = sa.testing is numpy.testing and "numpy.testing" in sys.modules
        rng = sa.random.default_rng(0)
        out["random"] = type(rng.random(2)).__name__
        out["pickled Generator"] = type(pickle.loads(pickle.dumps(rng))) is sa.random.Generator
        out["polynomial"] = bool(sa.polynomial.Polynomial([1, 2])(1.0) == 3.0)
        out["array_api"] = sa.arange(2).__array_namespace__() is sa.array_api
        out["linalg"] = type(sa.linalg.inv(sa.eye(2))).__name__
        print(json.dumps(out))
    """)
    assert checks == {"testing is numpy's": True, "random": "Copy", "pickled Generator": True,
                      "polynomial": True, "array_api": True, "linalg": "Copy"}


def test_submodules_import_first_as_numpys_do() -> None:
    """``import safearray.X`` before any ``safearray.X``: the mirror's module, NumPy's spec untouched."""
    checks = run("""
        import json, sys
        import safearray.testing
        import safearray.random
        import safearray.lib.stride_tricks
        import safearray.polynomial as P
        from safearray.linalg import inv
        from safearray.fft import fft
        import numpy, safearray
        print(json.dumps({
            "testing": safearray.testing is numpy.testing is sys.modules["safearray.testing"],
            "numpy's spec": numpy.testing.__spec__.name == "numpy.testing" and sys.modules["numpy.testing"] is numpy.testing,
            "random": sys.modules["safearray.random"] is safearray.random and type(safearray.random.rand(2)).__name__,
            "stride_tricks": sys.modules["safearray.lib.stride_tricks"] is safearray.lib.stride_tricks,
            "polynomial": P is numpy.polynomial and numpy.polynomial.__spec__.name == "numpy.polynomial",
            "linalg": inv is safearray.linalg.inv and fft is safearray.fft.fft,
        }))
    """)
    assert checks == {"testing": True, "numpy's spec": True, "random": "Copy", "stride_tricks": True,
                      "polynomial": True, "linalg": True}


def test_names_dir_and_star_import_are_the_whole_namespace() -> None:
    checks = run("""
        import importlib.util, json, sys
        import safearray
        names, listed = list(safearray.__all__), dir(safearray)
        before = set(sys.modules)
        space = {}
        exec("from safearray import *", space)
        print(json.dumps({
            "all listed": set(names) <= set(listed) and {"random", "testing", "array_api", "linalg"} <= set(names),
            "star": sorted(set(names) - set(space)),
            "imported by star": sorted({"numpy.testing", "numpy.random", "safearray.array_api"} - set(sys.modules)),
            "no such module": importlib.util.find_spec("safearray.no_such_module") is None,
        }))
    """)
    assert checks == {"all listed": True, "star": [], "imported by star": [], "no such module": True}


def test_old_pickles_of_generators_still_load() -> None:
    """The classes of ``sa.random`` were defined in safearray._namespace before: pickles name them so."""
    import safearray as sa
    from safearray import _namespace

    assert getattr(_namespace, "Generator") is sa.random.Generator
    assert getattr(_namespace, "RandomState") is sa.random.RandomState


def test_the_hooks_loader_is_an_importlib_loader() -> None:
    """safearray/_hook.py takes the Loader ABC from where importlib.abc defines it."""
    import importlib.abc

    from safearray import _hook

    assert issubclass(_hook._Loader, importlib.abc.Loader)  # pyright: ignore[reportPrivateUsage]
