import sys

import numpy as np

from audit_pkg import stats

data = np.arange(6.0)
stats.center_head(data)
print("module", sys.argv[1:], np.__name__, data.tolist())
