"""No mutation bug: the same output and exit status with and without the audit."""

import sys

import numpy as np

from audit_pkg import clean

print("argv", sys.argv)
print("name", __name__)
print("summary", clean.summary(12))
print("late", clean.late_import() in ("numpy", "safearray"))
print("total", float(np.ones(3).sum()))
if "--exit" in sys.argv:
    sys.exit(int(sys.argv[sys.argv.index("--exit") + 1]))
if "--crash" in sys.argv:
    raise RuntimeError("planned crash")
