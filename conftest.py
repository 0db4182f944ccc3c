"""pytest at the root: ``safearray/dask.py``'s examples run only where Dask is installed (the
``interop`` extra); elsewhere importing the module would be a collection error."""

from __future__ import annotations

import importlib.util

collect_ignore = [] if importlib.util.find_spec("dask") is not None else ["safearray/dask.py"]
