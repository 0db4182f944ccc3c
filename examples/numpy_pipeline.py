"""A data pipeline written for plain NumPy: sensor readings -> cleaning -> features -> a model.

It runs unchanged with ``import safearray as np`` instead (tests/test_examples.py does
exactly that and checks that the numbers are the same). Run it with
``python examples/numpy_pipeline.py``.
"""

import numpy as np


def pipeline(seed: int = 7) -> dict:
    rng = np.random.default_rng(seed)
    raw = rng.normal(20.0, 4.0, size=(48, 6))  # 48 hours x 6 sensors
    raw[rng.integers(0, 48, 5), rng.integers(0, 6, 5)] = np.nan  # dropouts

    # cleaning: fill gaps with each sensor's median, clip outliers
    medians = np.nanmedian(raw, axis=0)
    clean = np.where(np.isnan(raw), medians, raw)
    clean = np.clip(clean, 5.0, 35.0)

    # features: daily means, hourly deltas, a rolling mean, standardised readings
    days = clean.reshape(2, 24, 6).mean(axis=1)
    deltas = np.diff(clean, axis=0)
    kernel = np.ones(4) / 4
    smooth = np.stack([np.convolve(clean[:, j], kernel, mode="valid") for j in range(6)], axis=1)
    z = (clean - clean.mean(axis=0)) / clean.std(axis=0)

    # a least-squares model of sensor 0 from the others
    X = np.column_stack([np.ones(len(clean)), clean[:, 1:]])
    coef, *_ = np.linalg.lstsq(X, clean[:, 0], rcond=None)
    residual = clean[:, 0] - X @ coef

    hot_hours = np.flatnonzero(z.max(axis=1) > 1.5)
    corr = np.corrcoef(clean.T)
    order = np.argsort(-np.abs(corr[0, 1:])) + 1
    return {
        "days": days,
        "delta_range": np.ptp(deltas, axis=0),
        "smooth_last": smooth[-1],
        "coef": coef,
        "rmse": float(np.sqrt(np.mean(residual**2))),
        "hot_hours": hot_hours,
        "closest_sensors": order[:2],
        "summary": np.percentile(clean, [10, 50, 90]),
    }


if __name__ == "__main__":
    for name, value in pipeline().items():
        print(f"{name:16}", np.round(value, 3) if not isinstance(value, float) else round(value, 3))
