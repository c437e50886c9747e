"""Model files: a trained classifier as one NumPy ``.npz`` archive (a JSON header and
arrays, no pickles), written atomically and checked when read."""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import sparse

from vinculo.text.errors import TextError
from vinculo.text.features import Vectorizer

if TYPE_CHECKING:
    from vinculo.text.classifier import PriorityClassifier

__all__ = ["MODEL_FORMAT", "load_model", "save_model"]

#: Written in every model file; :func:`load_model` refuses other formats.
MODEL_FORMAT = "vinculo.text.PriorityClassifier/2"  # /2: scikit-learn regressions, scope


def save_model(model: PriorityClassifier, path: str | os.PathLike[str]) -> Path:
    """Write a trained ``model`` to ``path``; the file appears whole or not at all.

    The header (JSON) holds the format, the parameters, the priorities' ids and names, the
    vocabulary and the ids and titles of the training texts; the arrays hold the IDF, the
    coefficients, intercepts and thresholds, and the training rows (for similar items).
    """
    target = Path(path)
    header = {
        "format": MODEL_FORMAT,
        "parameters": model.get_params(),
        "labels": list(model.labels_),
        "names": model.names_,
        "n_priors": model.n_priors_,
        "n_examples": model.n_examples_,
        "train_ids": list(model.train_ids_),
        "train_titles": list(model.train_titles_),
        "threshold_sources": list(model.threshold_sources_),
        "vectorizer": model.vectorizer_.state(),
    }
    rows = model.train_rows_
    arrays: dict[str, Any] = {
        "header": np.array(json.dumps(header, ensure_ascii=False)),
        "idf": model.vectorizer_.idf_,
        "coef": model.coef_,
        "intercept": model.intercept_,
        "thresholds": model.thresholds_,
        "train_labels": model.train_labels_,
        "rows_data": rows.data,
        "rows_indices": rows.indices,
        "rows_indptr": rows.indptr,
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            np.savez_compressed(out, **arrays)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def load_model(path: str | os.PathLike[str], cls: type[PriorityClassifier]) -> PriorityClassifier:
    """The model :func:`save_model` wrote to ``path``, as an instance of ``cls``.

    Raises
    ------
    TextError
        The file cannot be read, is not a model, is of another format or is damaged.
    """
    file = Path(path)
    try:
        with np.load(file, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        header = json.loads(str(arrays["header"]))
    except FileNotFoundError:
        raise TextError(f"{file}: no such file") from None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        raise TextError(f"{file}: not a Vínculo classifier model ({error})") from None
    if not isinstance(header, dict) or header.get("format") != MODEL_FORMAT:
        found = header.get("format") if isinstance(header, dict) else None
        raise TextError(f"{file}: not a model of format {MODEL_FORMAT} (found {found!r})")
    try:
        parameters = dict(header["parameters"])
        grams = parameters["char_ngrams"]
        parameters["char_ngrams"] = (int(grams[0]), int(grams[1])) if grams else None
        model = cls(**parameters)
        model.labels_ = tuple(header["labels"])
        model.names_ = {k: dict(v) for k, v in header["names"].items()}
        model.n_priors_ = int(header["n_priors"])
        model.n_examples_ = int(header["n_examples"])
        model.train_ids_ = tuple(header["train_ids"])
        model.train_titles_ = tuple(header["train_titles"])
        model.threshold_sources_ = tuple(header["threshold_sources"])
        model.vectorizer_ = Vectorizer.from_state(header["vectorizer"], arrays["idf"])
        model.coef_ = np.asarray(arrays["coef"], dtype=np.float64)
        model.intercept_ = np.asarray(arrays["intercept"], dtype=np.float64)
        model.thresholds_ = np.asarray(arrays["thresholds"], dtype=np.float64)
        model.train_labels_ = np.asarray(arrays["train_labels"], dtype=bool)
        model.train_rows_ = sparse.csr_matrix(
            (arrays["rows_data"], arrays["rows_indices"], arrays["rows_indptr"]),
            shape=(len(model.train_ids_), model.vectorizer_.n_features),
        )
        model.train_columns_ = sparse.csr_matrix(model.train_rows_.T)
    except (KeyError, TypeError, ValueError) as error:
        raise TextError(f"{file}: a damaged model file ({error})") from None
    return model
