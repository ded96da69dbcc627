"""Novelty: how unlike the training clips a clip is, in scaled feature space."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.impute import SimpleImputer
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import StandardScaler


class KnnNovelty(BaseEstimator):
    """Mean Euclidean distance to the `n_neighbors` nearest training clips after median
    imputation and standard scaling, divided by sqrt(n_features) (so 1 ~ one SD per feature).

    `threshold_` is the `quantile` of the training clips' own scores (each scored against
    the others, leaving itself out)."""

    def __init__(self, n_neighbors: int = 5, quantile: float = 0.99):
        self.n_neighbors = n_neighbors
        self.quantile = quantile

    def fit(self, X, y=None):
        X = np.asarray(X, dtype=float)
        self.imputer_ = SimpleImputer(strategy="median", keep_empty_features=True).fit(X)
        self.scaler_ = StandardScaler().fit(self.imputer_.transform(X))
        Z = self._z(X)
        k = max(1, min(self.n_neighbors, len(Z) - 1))
        self.k_ = k
        self.index_ = NearestNeighbors(n_neighbors=k + 1, algorithm="brute").fit(Z)
        dist, _ = self.index_.kneighbors(Z, n_neighbors=k + 1)
        self.train_scores_ = dist[:, 1:].mean(axis=1) / np.sqrt(Z.shape[1])
        self.threshold_ = float(np.quantile(self.train_scores_, self.quantile))
        return self

    def _z(self, X) -> np.ndarray:
        return self.scaler_.transform(self.imputer_.transform(np.asarray(X, dtype=float)))

    def score_samples(self, X) -> np.ndarray:
        """(n,) novelty scores; higher = less like the training data."""
        Z = self._z(X)
        out = []
        for start in range(0, len(Z), 2000):
            dist, _ = self.index_.kneighbors(Z[start:start + 2000], n_neighbors=self.k_)
            out.append(dist.mean(axis=1) / np.sqrt(Z.shape[1]))
        return np.concatenate(out) if out else np.empty(0)
