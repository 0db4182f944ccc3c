"""matplotlib given SafeArrays: what the artists hold after the plotting calls a data engineer's
`import safearray as np` code makes, against the same calls on ndarrays.

Every case runs under each policy (the ``mode`` fixture) and, through ``same_as_numpy``, on
a Copy, a View of a Copy and a read-only View. Each call draws on a fresh Agg figure that is
closed afterwards; the comparison is of the data the artists hold (line vertices, patch
heights, bin counts, limits), not of pictures, except for savefig's bytes.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import numpy
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import safearray as np  # noqa: E402

from ._compare import same_as_numpy  # noqa: E402

RNG = numpy.random.default_rng(0)
DATA = RNG.normal(size=100)
T = numpy.linspace(0.0, 2.0, 12)
Z = RNG.normal(size=(6, 7))


def drawn(draw: Callable[..., Any]) -> Callable[..., Any]:
    """``draw(ax, *arrays)`` on a fresh figure, closed afterwards; returns what ``draw`` returns."""

    def fn(*arrays: Any) -> Any:
        fig, ax = plt.subplots()
        try:
            return draw(ax, *arrays)
        finally:
            plt.close(fig)

    return fn


@pytest.fixture(autouse=True)
def _no_figures_left() -> Any:
    yield
    assert plt.get_fignums() == []


def test_plot(mode: str) -> None:
    same_as_numpy(drawn(lambda ax, t: [line.get_xydata() for line in ax.plot(t, t**2, "o-")]), T)


def test_plot_2d_columns(mode: str) -> None:
    same_as_numpy(drawn(lambda ax, t, z: [line.get_xydata() for line in ax.plot(t[:6], z)]), T, Z)


def test_pyplot_plot_and_datetime_axis(mode: str) -> None:
    days = numpy.arange("2026-01-01", "2026-01-13", dtype="datetime64[D]")

    def draw(ax: Any, d: Any, y: Any) -> Any:
        plt.sca(ax)
        (line,) = plt.plot(d, y)
        return line.get_xydata(), ax.get_xlim()

    same_as_numpy(drawn(draw), days, T)


def test_scatter(mode: str) -> None:
    def draw(ax: Any, x: Any, y: Any) -> Any:
        pc = ax.scatter(x, y, s=numpy.abs(y) * 10, c=x)
        return numpy.asarray(pc.get_offsets()), pc.get_sizes(), numpy.asarray(pc.get_array())

    same_as_numpy(drawn(draw), T, numpy.sin(T))


def test_hist_of_1d_copy_is_one_dataset(mode: str) -> None:
    # a 1-d array is one dataset (it was drawn as 100 one-value datasets)
    def draw(ax: Any, d: Any) -> Any:
        n, bins, patches = ax.hist(d, bins=8)
        return n, bins, [p.get_height() for p in patches]

    results = same_as_numpy(drawn(draw), DATA)
    for n, _, heights in results:
        assert numpy.asarray(n).shape == (8,) and len(heights) == 8


def test_hist_of_2d_is_one_dataset_per_column(mode: str) -> None:
    def draw(ax: Any, z: Any) -> Any:
        n, bins, _ = ax.hist(z, bins=4)
        return n, bins

    same_as_numpy(drawn(draw), Z)


def test_hist_of_a_column_vector(mode: str) -> None:
    # X[:, :1], shape (n, 1): one dataset of n values
    def draw(ax: Any, column: Any) -> Any:
        n, bins, _ = ax.hist(column, bins=6)
        return n, bins

    same_as_numpy(drawn(draw), DATA[:, None])


def test_hist_of_a_list_of_arrays(mode: str) -> None:
    def draw(ax: Any, a: Any, b: Any) -> Any:
        n, bins, _ = ax.hist([a, b], bins=5, density=True)
        return n, bins

    same_as_numpy(drawn(draw), DATA[:50], DATA[50:] + 1)


def test_boxplot_of_1d_copy(mode: str) -> None:
    def draw(ax: Any, d: Any) -> Any:
        parts = ax.boxplot(d)
        return (
            len(parts["boxes"]),
            [m.get_ydata() for m in parts["medians"]],
            [w.get_ydata() for w in parts["whiskers"]],
            [f.get_ydata() for f in parts["fliers"]],
        )

    for result in same_as_numpy(drawn(draw), DATA):
        assert result[0] == 1


def test_violinplot_of_1d_copy(mode: str) -> None:
    def draw(ax: Any, d: Any) -> Any:
        parts = ax.violinplot(d, showmeans=True)
        return len(parts["bodies"]), parts["bodies"][0].get_paths()[0].vertices, parts["cmeans"].get_segments()

    for result in same_as_numpy(drawn(draw), DATA, rtol=1e-12):
        assert result[0] == 1


def test_boxplot_of_2d_is_one_box_per_column(mode: str) -> None:
    def draw(ax: Any, z: Any) -> Any:
        parts = ax.boxplot(z)
        return len(parts["boxes"]), [m.get_ydata() for m in parts["medians"]]

    same_as_numpy(drawn(draw), Z)


def test_violinplot_of_2d_is_one_violin_per_column(mode: str) -> None:
    def draw(ax: Any, z: Any) -> Any:
        parts = ax.violinplot(z, showmedians=True)
        return len(parts["bodies"]), parts["cmedians"].get_segments()

    same_as_numpy(drawn(draw), Z, rtol=1e-12)


def test_bar(mode: str) -> None:
    def draw(ax: Any, x: Any, h: Any) -> Any:
        bars = ax.bar(x, h, width=0.5)
        return [(p.get_x(), p.get_height()) for p in bars], ax.get_ylim()

    same_as_numpy(drawn(draw), numpy.arange(12), T)


def test_barh_with_errors(mode: str) -> None:
    def draw(ax: Any, y: Any, w: Any) -> Any:
        bars = ax.barh(y, w, xerr=w / 10)
        return [p.get_width() for p in bars], bars.errorbar.lines[2][0].get_segments()

    same_as_numpy(drawn(draw), numpy.arange(12), T)


def test_eventplot_of_1d_copy(mode: str) -> None:
    def draw(ax: Any, d: Any) -> Any:
        collections = ax.eventplot(d)
        return len(collections), [c.get_positions() for c in collections]

    for result in same_as_numpy(drawn(draw), DATA[:10]):
        assert result[0] == 1


def test_set_xlim_from_reductions(mode: str) -> None:
    def draw(ax: Any, t: Any) -> Any:
        ax.plot(t, t)
        ax.set_xlim(t.min(), t.max())
        ax.set_ylim(t.mean() - t.std(), t.mean() + t.std())
        return ax.get_xlim(), ax.get_ylim()

    same_as_numpy(drawn(draw), T)


def test_axhline_and_axvspan_from_values(mode: str) -> None:
    def draw(ax: Any, d: Any) -> Any:
        line = ax.axhline(d.mean())
        span = ax.axvspan(d[0], d[-1])
        return line.get_ydata(), numpy.asarray(span.get_xy())

    same_as_numpy(drawn(draw), DATA)


def test_imshow(mode: str) -> None:
    def draw(ax: Any, z: Any) -> Any:
        im = ax.imshow(z, vmin=z.min(), vmax=z.max())
        return numpy.asarray(im.get_array()), im.get_extent(), im.get_clim()

    same_as_numpy(drawn(draw), Z)


def test_pcolormesh(mode: str) -> None:
    def draw(ax: Any, x: Any, y: Any, z: Any) -> Any:
        mesh = ax.pcolormesh(x, y, z)
        return numpy.asarray(mesh.get_array()), mesh.get_coordinates()

    same_as_numpy(drawn(draw), numpy.arange(8.0), numpy.arange(7.0), Z)


def test_contour(mode: str) -> None:
    def draw(ax: Any, z: Any) -> Any:
        cs = ax.contour(z, levels=4)
        return cs.levels, [p.vertices for p in cs.get_paths()]

    same_as_numpy(drawn(draw), Z, rtol=1e-12)


def test_fill_between(mode: str) -> None:
    def draw(ax: Any, t: Any, lo: Any, hi: Any) -> Any:
        poly = ax.fill_between(t, lo, hi, where=hi > lo + 0.5)
        return [p.vertices for p in poly.get_paths()]

    same_as_numpy(drawn(draw), T, numpy.sin(T), numpy.cos(T) + 1)


def test_errorbar(mode: str) -> None:
    def draw(ax: Any, t: Any, y: Any, e: Any) -> Any:
        container = ax.errorbar(t, y, yerr=e, capsize=2)
        data_line, caps, bars = container.lines
        return data_line.get_xydata(), [c.get_xydata() for c in caps], [b.get_segments() for b in bars]

    same_as_numpy(drawn(draw), T, numpy.sin(T), numpy.abs(numpy.cos(T)) / 5)


def test_pie(mode: str) -> None:
    def draw(ax: Any, share: Any) -> Any:
        wedges, _ = ax.pie(share)
        return [(w.theta1, w.theta2) for w in wedges]

    same_as_numpy(drawn(draw), numpy.array([3.0, 1.0, 2.0, 4.0]), rtol=1e-12)


def test_stem(mode: str) -> None:
    def draw(ax: Any, t: Any, y: Any) -> Any:
        container = ax.stem(t, y)
        return container.markerline.get_xydata(), container.stemlines.get_segments()

    same_as_numpy(drawn(draw), T, numpy.sin(T))


def test_step(mode: str) -> None:
    same_as_numpy(drawn(lambda ax, t, y: ax.step(t, y, where="mid")[0].get_path().vertices), T, numpy.sin(T))


def test_hexbin(mode: str) -> None:
    def draw(ax: Any, x: Any, y: Any) -> Any:
        hb = ax.hexbin(x, y, gridsize=6)
        return numpy.asarray(hb.get_array()), hb.get_offsets()

    same_as_numpy(drawn(draw), DATA, DATA[::-1] * 0.5)


def test_savefig_png_bytes(mode: str) -> None:
    def draw(ax: Any, t: Any, d: Any) -> Any:
        ax.plot(t, numpy.sin(t))
        ax.hist(d, bins=10)
        ax.set_xlim(t.min(), t.max())
        buffer = io.BytesIO()
        ax.figure.savefig(buffer, format="png", metadata={"Software": None})
        return buffer.getvalue()

    same_as_numpy(drawn(draw), T, DATA)


def test_plot_data_made_with_safearray(mode: str) -> None:
    # the whole chain written with `import safearray as np`
    x = np.linspace(0, 1, 20)
    window = x[2:-2]                       # a View
    fig, ax = plt.subplots()
    try:
        (line,) = ax.plot(window, np.sqrt(window))
        ax.set_xlim(window.min(), window.max())
        counts, _, _ = ax.hist(np.random.default_rng(0).normal(size=50), bins=5)
        numpy.testing.assert_array_equal(line.get_xydata()[:, 0], numpy.asarray(window))
        assert ax.get_xlim() == (float(window[0]), float(window[-1]))
        assert numpy.asarray(counts).shape == (5,) and counts.sum() == 50
    finally:
        plt.close(fig)
