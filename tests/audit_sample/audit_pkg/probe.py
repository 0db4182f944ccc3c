"""Says which module `import numpy` gave it."""

import numpy

BACKEND = numpy.__name__
