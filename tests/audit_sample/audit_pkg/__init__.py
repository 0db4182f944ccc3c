"""A sample package that uses plain NumPy."""

import numpy as np

BACKEND = np.__name__
