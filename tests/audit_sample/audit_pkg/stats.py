"""Three planted mutation bugs: each function changes or loses data its caller did not expect."""

import numpy as np

# safearray's sa.guard under the audit (np is safearray there), a no-op with NumPy
guard = getattr(np, "guard", lambda func: func)


def center_head(values):
    head = values[:3]
    head -= head.mean()  # BUG shared write: changes the caller's array
    return head


def clip_selected(values):
    values[values < 0][:] = 0.0  # BUG lost write: writes into a temporary copy
    return values


@guard
def scale_in_place(values):
    values *= 2.0  # BUG guarded argument: writes into the caller's array
    return values
