"""Calls each planted bug; prints which module `import numpy` gave each module."""

import sys

import numpy as np

import audit_pkg
from audit_pkg import probe, stats

print("backends", np.__name__, audit_pkg.BACKEND, probe.BACKEND)
data = np.arange(6.0)
for _ in range(2):
    stats.center_head(data)
stats.clip_selected(np.array([-1.0, 2.0, -3.0]))
try:
    stats.scale_in_place(np.ones(3))
except Exception as exc:  # under the audit: refused (sa.ReadOnlyError)
    print("refused", type(exc).__name__)
    if "--reraise" in sys.argv:
        raise
print("done", data.tolist())
