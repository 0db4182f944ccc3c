"""Build the optional compiled core, safearray/_speedups.c.

Everything else is declared in pyproject.toml. The extension is optional: where it
cannot be compiled (no C compiler), installation goes on and safearray runs its
pure-Python core, which behaves the same.
"""

import numpy
from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "safearray._speedups",
            ["safearray/_speedups.c"],
            include_dirs=[numpy.get_include()],
            define_macros=[("NPY_TARGET_VERSION", "NPY_2_0_API_VERSION")],
            optional=True,
        )
    ]
)
