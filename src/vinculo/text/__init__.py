"""Classification of free text (opportunities, calls, offers) into the priorities of a
priorities file, offline, in Spanish, English and other languages written with letters.

TF-IDF features of accent-folded, stemmed words, word pairs and character n-grams; one
logistic regression per priority trained on the priorities file's own texts plus labelled
examples (e.g. officers' corrections); per-priority thresholds set by cross-validation;
for each suggestion, the words that drove it and the most similar known items.
docs/text.md describes the method and its measured quality.

>>> from vinculo.text import PriorityClassifier
>>> model = PriorityClassifier().fit()
>>> [s.priority for s in model.suggest("Baterías de ion de litio para vehículos eléctricos")]
['batteries', 'electromobility']
"""

from vinculo.text.classifier import (
    DEFAULT_MODEL_FILE,
    DEFAULT_THRESHOLD,
    Neighbour,
    PriorityClassifier,
    Suggestion,
    default_model,
    train,
)
from vinculo.text.corpus import (
    EU_CALLS_FILE,
    EU_HAND_LABELS,
    EU_UNLABELLED,
    Example,
    eu_examples,
    eu_folds,
    eu_split,
    eu_topic_family,
    eu_topic_text,
    eu_topic_unknown,
    fold_examples,
    label_eu_topic,
    load_eu_topics,
    load_hand_labels,
    split_examples,
)
from vinculo.text.errors import TextError
from vinculo.text.features import Counts, Vectorizer
from vinculo.text.logistic import fit_one_vs_rest, sigmoid_scores
from vinculo.text.metrics import LabelScore, Report, evaluate
from vinculo.text.persistence import MODEL_FORMAT, load_model, save_model
from vinculo.text.priors import SCOPE_FILE, prior_examples, scope_examples
from vinculo.text.records import examples_from_records, read_records, write_records
from vinculo.text.tokens import STOPWORDS, fold, stem, tokenize

__all__ = [
    "DEFAULT_MODEL_FILE",
    "DEFAULT_THRESHOLD",
    "EU_CALLS_FILE",
    "EU_HAND_LABELS",
    "EU_UNLABELLED",
    "MODEL_FORMAT",
    "SCOPE_FILE",
    "STOPWORDS",
    "Counts",
    "Example",
    "LabelScore",
    "Neighbour",
    "PriorityClassifier",
    "Report",
    "Suggestion",
    "TextError",
    "Vectorizer",
    "default_model",
    "eu_examples",
    "eu_folds",
    "eu_split",
    "eu_topic_family",
    "eu_topic_text",
    "eu_topic_unknown",
    "evaluate",
    "examples_from_records",
    "fit_one_vs_rest",
    "fold",
    "fold_examples",
    "label_eu_topic",
    "load_eu_topics",
    "load_hand_labels",
    "load_model",
    "prior_examples",
    "read_records",
    "save_model",
    "scope_examples",
    "sigmoid_scores",
    "split_examples",
    "stem",
    "tokenize",
    "train",
    "write_records",
]
