"""scikit-learn given SafeArrays: what a data engineer's `import safearray as np` code hands it.

Every case runs under each policy (the ``mode`` fixture) and, through ``same_as_numpy``, on
a Copy, a View of a Copy and a read-only View: the results must be NumPy's and the inputs
must hold what NumPy's inputs hold afterwards.
"""

from __future__ import annotations

from typing import Any

import numpy
import pytest

pytest.importorskip("sklearn")

from sklearn.cluster import KMeans  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.impute import SimpleImputer  # noqa: E402
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge  # noqa: E402
from sklearn.metrics import accuracy_score, mean_squared_error, roc_auc_score  # noqa: E402
from sklearn.model_selection import cross_val_score, train_test_split  # noqa: E402
from sklearn.neighbors import NearestNeighbors  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler  # noqa: E402

import safearray as np  # noqa: E402

from ._compare import same_as_numpy, written_as_numpy_or_unchanged  # noqa: E402

RNG = numpy.random.default_rng(0)
X = RNG.normal(size=(40, 4))
Y_CLASS = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(numpy.int64)
Y_REG = X @ numpy.array([1.0, -2.0, 0.5, 3.0]) + 0.1 * RNG.normal(size=40)


def test_standard_scaler(mode: str) -> None:
    same_as_numpy(lambda x: StandardScaler().fit_transform(x), X)


def test_min_max_scaler(mode: str) -> None:
    same_as_numpy(lambda x: MinMaxScaler().fit(x).transform(x[:5]), X)


def test_scaler_fitted_attributes(mode: str) -> None:
    def fitted(x: Any) -> Any:
        s = StandardScaler().fit(x)
        return s.mean_, s.scale_, s.var_, s.n_samples_seen_

    same_as_numpy(fitted, X)


def test_pca(mode: str) -> None:
    def pca(x: Any) -> Any:
        p = PCA(n_components=2).fit(x)
        return p.transform(x), p.components_, p.explained_variance_ratio_

    same_as_numpy(pca, X, rtol=1e-12)


def test_linear_regression(mode: str) -> None:
    def fit_predict(x: Any, y: Any) -> Any:
        m = LinearRegression().fit(x, y)
        return m.predict(x[:5]), m.coef_, m.intercept_

    same_as_numpy(fit_predict, X, Y_REG, rtol=1e-12)


def test_ridge(mode: str) -> None:
    same_as_numpy(lambda x, y: Ridge(alpha=0.5).fit(x, y).predict(x), X, Y_REG, rtol=1e-12)


def test_logistic_regression(mode: str) -> None:
    def fit_predict(x: Any, y: Any) -> Any:
        m = LogisticRegression().fit(x, y)
        return m.predict(x), m.predict_proba(x[:5])

    same_as_numpy(fit_predict, X, Y_CLASS, rtol=1e-10)


def test_kmeans(mode: str) -> None:
    def cluster(x: Any) -> Any:
        km = KMeans(n_clusters=3, n_init=1, random_state=0).fit(x)
        return km.labels_, km.cluster_centers_

    same_as_numpy(cluster, X, rtol=1e-12)


def test_train_test_split(mode: str) -> None:
    same_as_numpy(lambda x, y: train_test_split(x, y, test_size=0.25, random_state=0), X, Y_CLASS)


def test_cross_val_score(mode: str) -> None:
    same_as_numpy(lambda x, y: cross_val_score(Ridge(), x, y, cv=3), X, Y_REG, rtol=1e-12)


def test_pipeline(mode: str) -> None:
    def pipe(x: Any, y: Any) -> Any:
        p = make_pipeline(StandardScaler(), PCA(n_components=3), LogisticRegression())
        return p.fit(x, y).predict_proba(x[:6])

    same_as_numpy(pipe, X, Y_CLASS, rtol=1e-10)


def test_one_hot_encoder_on_ints(mode: str) -> None:
    codes = numpy.array([[0, 3], [1, 3], [2, 4], [0, 4], [1, 5]])

    def encode(c: Any) -> Any:
        enc = OneHotEncoder(sparse_output=False).fit(c)
        return enc.transform(c), enc.categories_

    same_as_numpy(encode, codes)


def test_one_hot_encoder_sparse(mode: str) -> None:
    codes = numpy.array([[0], [2], [1], [2]])
    same_as_numpy(lambda c: OneHotEncoder().fit_transform(c), codes)


def test_simple_imputer_nan(mode: str) -> None:
    holes = X[:8].copy()
    holes[[0, 3, 5], [1, 2, 1]] = numpy.nan
    same_as_numpy(lambda x: SimpleImputer(strategy="mean").fit_transform(x), holes)


def test_metrics(mode: str) -> None:
    scores = 1 / (1 + numpy.exp(-X[:, 0]))
    predicted = (scores > 0.5).astype(numpy.int64)

    def metrics(y: Any, p: Any, s: Any, r: Any) -> Any:
        return (
            accuracy_score(y, p),
            mean_squared_error(r, s),
            roc_auc_score(y, s),
        )

    same_as_numpy(metrics, Y_CLASS, predicted, scores, Y_REG)


def test_nearest_neighbors(mode: str) -> None:
    same_as_numpy(lambda x: NearestNeighbors(n_neighbors=3).fit(x).kneighbors(x[:5]), X, rtol=1e-12)


def test_estimator_on_safearray_made_data(mode: str) -> None:
    # the whole pipeline written with `import safearray as np`: features, a mask, a View
    data = np.random.default_rng(1).normal(size=(30, 3))
    keep = data[:, 0] > -1
    features = data[keep][:, :2]          # a View of the masked Copy
    target = data[keep][:, 2]
    model = Ridge().fit(features, target)
    expected = Ridge().fit(numpy.asarray(features).copy(), numpy.asarray(target).copy())
    numpy.testing.assert_allclose(model.coef_, expected.coef_, rtol=1e-12)
    numpy.testing.assert_allclose(model.predict(features), expected.predict(numpy.asarray(features)), rtol=1e-12)


def test_standard_scaler_copy_false(mode: str) -> None:
    # copy=False asks scikit-learn to scale the caller's array in place. Observed
    # (scikit-learn 1.9, this core, in which numpy.asarray(x) hands out writable memory
    # except a View's under "raise"):
    #   "allow": copy, view: as numpy (scaled in place); readonly: unchanged (sklearn copies
    #            read-only input: validate_data(..., force_writeable=True)).
    #   "warn":  the same as "allow" (safearray does not see the write: it happens in the
    #            ndarray handed out by __array__).
    #   "raise": copy: as numpy; view, readonly: unchanged (the View's ndarray is sealed, so
    #            sklearn copies it).
    # Once __array__ hands out read-only memory under "warn" and "raise", every kind is
    # unchanged there (sklearn copies) and "allow" stays as today.
    outcome = written_as_numpy_or_unchanged(
        lambda x: StandardScaler(copy=False).fit_transform(x), X, rtol=1e-15
    )
    assert outcome["readonly"] == ("unchanged",)
