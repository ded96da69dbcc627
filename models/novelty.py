"""Novelty: how unlike the training clips a clip is, in scaled feature space."""

from __future__ import annotations

import math

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.impute import SimpleImputer
from sklearn.metrics import euclidean_distances
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import StandardScaler

from models.conformal import exact_level


class KnnNovelty(BaseEstimator):
    """Mean Euclidean distance to the `n_neighbors` nearest training clips after median
    imputation and standard scaling, divided by sqrt(n_features) (so 1 ~ one SD per feature).

    `threshold_` is calibrated leaving out whole dyads: each training clip is scored against
    the clips of the other dyads only (a new dyad has no clip in the training data either;
    scored against its own dyad's other clips, a clip looks familiar and the threshold comes
    out too low). It is the ceil(quantile x (n + 1))-th smallest of these n scores (the
    largest when n is too small), so a new dyad's clip exceeds it with probability at most
    1 - quantile when dyads are exchangeable. Without `groups` every clip is its own dyad."""

    def __init__(self, n_neighbors: int = 5, quantile: float = 0.99):
        self.n_neighbors = n_neighbors
        self.quantile = quantile

    def fit(self, X, y=None, groups=None):
        X = np.asarray(X, dtype=float)
        groups = np.arange(len(X)) if groups is None else np.asarray(groups)
        self.imputer_ = SimpleImputer(strategy="median", keep_empty_features=True).fit(X)
        self.scaler_ = StandardScaler().fit(self.imputer_.transform(X))
        Z = self._z(X)
        _, sizes = np.unique(groups, return_counts=True)
        k = max(1, min(self.n_neighbors, len(Z) - int(sizes.max())))
        self.k_ = k
        self.index_ = NearestNeighbors(n_neighbors=k, algorithm="brute").fit(Z)
        self.train_scores_ = self._leave_dyad_out_scores(Z, groups, k)
        n = len(self.train_scores_)
        rank = min(n, math.ceil(exact_level(self.quantile) * (n + 1)))
        self.threshold_ = float(np.sort(self.train_scores_)[rank - 1])
        return self

    @staticmethod
    def _leave_dyad_out_scores(Z: np.ndarray, groups: np.ndarray, k: int, chunk: int = 2000) -> np.ndarray:
        """Mean distance of each clip to its k nearest clips of other dyads, / sqrt(n_features)."""
        out = []
        for start in range(0, len(Z), chunk):
            block = Z[start : start + chunk]
            dist = euclidean_distances(block, Z)
            dist[groups[start : start + chunk, None] == groups[None, :]] = np.inf
            out.append(np.partition(dist, k - 1, axis=1)[:, :k].mean(axis=1))
        return np.concatenate(out) / np.sqrt(Z.shape[1]) if out else np.empty(0)

    def _z(self, X) -> np.ndarray:
        return self.scaler_.transform(self.imputer_.transform(np.asarray(X, dtype=float)))

    def score_samples(self, X) -> np.ndarray:
        """(n,) novelty scores; higher = less like the training data."""
        Z = self._z(X)
        out = []
        for start in range(0, len(Z), 2000):
            dist, _ = self.index_.kneighbors(Z[start : start + 2000], n_neighbors=self.k_)
            out.append(dist.mean(axis=1) / np.sqrt(Z.shape[1]))
        return np.concatenate(out) if out else np.empty(0)
