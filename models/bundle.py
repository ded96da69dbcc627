"""Model files: one joblib bundle plus a JSON sidecar with its SHA-256, schema and summary.

Unpickling runs code, so a bundle is loaded only after the SHA-256 of the file matches the
one recorded in `<model>.json` at training time (checked BEFORE unpickling). The sidecar
must itself come from a trusted place: the hash guards against a modified or swapped model
file, not against someone who can rewrite both files.
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from extract import __version__
from extract.errors import DyadscopeError
from extract.outputs import atomic_path

FORMAT = "dyadscope.model/1"


class ModelFileError(DyadscopeError):
    """A model file is missing, tampered with, or does not fit the features given."""


@dataclass
class ModelBundle:
    feature_columns: list[str]  # the schema: raw feature columns, in order
    covariates: tuple[str, ...]
    covariate_levels: dict[str, list]
    config: dict  # the effective `models` config section
    targets: dict  # target -> models.training.TargetModel
    novelty: object  # models.novelty.KnnNovelty
    training: pd.DataFrame  # one row per training clip and target: held-out results
    summary: dict = field(default_factory=dict)
    versions: dict = field(default_factory=dict)

    def check_schema(self, columns: list[str], *, source: str = "features") -> None:
        """Error listing missing and unexpected feature columns when they differ from training."""
        expected = set(self.feature_columns)
        given = {c for c in columns if "." in str(c) and not str(c).startswith("cov.")}
        missing = sorted(expected - given)
        unexpected = sorted(given - expected)
        if missing or unexpected:
            parts = []
            if missing:
                parts.append(
                    f"missing {len(missing)} column(s): {', '.join(missing[:20])}"
                    + (" ..." if len(missing) > 20 else "")
                )
            if unexpected:
                parts.append(
                    f"unexpected {len(unexpected)} column(s): {', '.join(unexpected[:20])}"
                    + (" ..." if len(unexpected) > 20 else "")
                )
            raise ModelFileError(
                f"{source}: feature columns do not match the model's schema: " + "; ".join(parts)
            )


def versions() -> dict:
    import numpy
    import sklearn

    return {
        "dyadscope": __version__,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "pandas": pd.__version__,
        "scikit-learn": sklearn.__version__,
    }


def sidecar_path(path: str | Path) -> Path:
    path = Path(path)
    return path.with_name(path.name + ".json")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_bundle(bundle: ModelBundle, path: str | Path) -> str:
    """Write the bundle and its sidecar; returns the SHA-256."""
    import joblib

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        joblib.dump(bundle, tmp, compress=3)
    digest = sha256(path)
    meta = {
        "format": FORMAT,
        "sha256": digest,
        "file": path.name,
        "feature_columns": bundle.feature_columns,
        "covariates": list(bundle.covariates),
        "targets": list(bundle.targets),
        "config": bundle.config,
        "versions": bundle.versions,
        "summary": bundle.summary,
    }
    with atomic_path(sidecar_path(path)) as tmp:
        tmp.write_text(json.dumps(meta, indent=1, default=str))
    return digest


def read_sidecar(path: str | Path) -> dict:
    side = sidecar_path(path)
    if not side.is_file():
        raise ModelFileError(
            f"{side}: sidecar not found; a model file is loaded only with the sidecar that records its "
            "SHA-256"
        )
    try:
        meta = json.loads(side.read_text())
    except json.JSONDecodeError as exc:
        raise ModelFileError(f"{side}: not valid JSON ({exc})") from None
    if meta.get("format") != FORMAT or "sha256" not in meta:
        raise ModelFileError(f"{side}: not a dyadscope model sidecar")
    return meta


def load_bundle(path: str | Path) -> ModelBundle:
    """Verify the SHA-256 against the sidecar, then unpickle. A folder holding one model file
    (e.g. `dyadscope run`'s OUT/model) stands for that file."""
    import joblib

    path = Path(path)
    if path.is_dir() and (path / "model.joblib").is_file():
        path = path / "model.joblib"
    if not path.is_file():
        raise ModelFileError(f"{path}: model file not found")
    meta = read_sidecar(path)
    actual = sha256(path)
    if actual != meta["sha256"]:
        raise ModelFileError(
            f"{path}: SHA-256 {actual[:16]}... does not match {meta['sha256'][:16]}... recorded in "
            f"{sidecar_path(path).name}; the file was modified or replaced and is not loaded"
        )
    bundle = joblib.load(path)
    if not isinstance(bundle, ModelBundle):
        raise ModelFileError(f"{path}: not a dyadscope model bundle")
    return bundle
