"""Words of Spanish and English text: accent folding, stopwords, a light shared stemmer."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["STOPWORDS", "fold", "name_key", "stem", "tokenize"]

# Function words of Spanish and English, accent-folded. Short on purpose: TF-IDF discounts
# the other common words.
_SPANISH = """
    a al algo algun alguna algunas alguno algunos ante antes aqui asi aun bajo cada como con
    contra cual cuales cuando de del desde donde dos durante e el ella ellas ellos en entre era
    es esa esas ese eso esos esta estan estas este esto estos fue fueron ha han hasta hay la
    las le les lo los mas me mi mientras muy ni no nos o otra otras otro otros para pero por
    porque que quien se segun ser si sin sobre solo son su sus tambien tan tanto te tiene
    tienen toda todas todo todos tras u un una unas uno unos usted y ya
"""
_ENGLISH = """
    about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself just
    more most must no nor not of off on once only or other our ours out over own per same shall
    she should so some such than that the their theirs them then there these they this those
    through to too under until up upon us very via was we were what when where which while who
    whom why will with within without would you your etc eg ie
"""
STOPWORDS: frozenset[str] = frozenset(_SPANISH.split() + _ENGLISH.split())

_WORD = re.compile(r"[^\W_]+")
_DOUBLE = re.compile(r"([a-z])\1+")
# (suffix, replacement, shortest stem left); the first that applies wins.
_SUFFIXES: tuple[tuple[str, str, int], ...] = (
    ("mente", "", 4),
    ("miento", "", 4),
    ("cion", "", 4),
    ("sion", "", 4),
    ("tion", "", 4),
    ("idad", "", 4),
    ("iti", "", 4),  # English -ity after y -> i
    ("ment", "", 4),
    ("ing", "", 4),
    ("ium", "i", 3),  # lithium, sodium -> liti, sodi (Spanish litio, sodio)
    ("ed", "", 4),
)


def fold(text: str) -> str:
    """Lower-case ``text`` and strip its accents (the combining marks of NFKD).

    Parameters
    ----------
    text
        Any text.

    Returns
    -------
    str
        The folded text; characters without a decomposition (``ø``, Greek, CJK) are kept.

    Examples
    --------
    >>> fold("Transición Energética, ÉLECTROMOBILITÉ, Straße")
    'transicion energetica, electromobilite, strasse'
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_key(name: str) -> tuple[str, str]:
    """The sort key of a name as a reader looks it up: accents and case ignored ("Åland"
    among the A's, "Bélgica" before "Belice"), then the name itself (a stable order).

    >>> sorted(["Belice", "Austria", "Bélgica", "Alemania", "Åland"], key=name_key)
    ['Åland', 'Alemania', 'Austria', 'Bélgica', 'Belice']
    """
    return fold(name), name


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """A light stemmer shared by Spanish and English, so that cognates meet.

    On a folded word: ``y`` becomes ``i``, ``ph`` ``f``, ``th`` ``t``; doubled letters are
    single; a plural ``-s`` (``-ies`` → ``-i``) goes; then the first suffix that applies
    (``-mente``, ``-miento``, ``-cion``, ``-sion``, ``-tion``, ``-idad``, ``-ity``,
    ``-ment``, ``-ing``, ``-ed`` where four letters remain; ``-ium`` → ``-i`` where three
    do); then a final ``a``, ``e`` or ``o`` when five letters remain. Words with digits
    are kept whole.

    Parameters
    ----------
    word
        One folded word (see :func:`fold`).

    Returns
    -------
    str
        The stem.

    Examples
    --------
    >>> [stem(w) for w in ("batteries", "baterias", "satellite", "satelites")]
    ['bateri', 'bateri', 'satelit', 'satelit']
    >>> [stem(w) for w in ("lithium", "litio", "energy", "energia", "transition", "transicion")]
    ['liti', 'liti', 'energi', 'energi', 'transi', 'transi']
    >>> stem("co2")
    'co2'
    """
    if not word.isalpha() or len(word) <= 3:
        return word
    w = word.replace("y", "i").replace("ph", "f").replace("th", "t")
    w = _DOUBLE.sub(r"\1", w)
    if w.endswith("ies") and len(w) > 4:
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("us", "is")) and len(w) > 4:
        w = w[:-1]
    for suffix, replacement, shortest in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= shortest:
            w = w[: -len(suffix)] + replacement
            break
    if len(w) > 4 and w[-1] in "aeo":
        w = w[:-1]
    return w


@lru_cache(maxsize=262_144)
def term(word: str) -> str | None:
    """The stem of one word as it appears in a text, or None for a stopword, a number or a
    single character."""
    folded = fold(word)
    if len(folded) < 2 or folded in STOPWORDS or folded.isdigit():
        return None
    return stem(folded)


def words(text: str) -> list[tuple[str, int, int]]:
    """The content words of ``text``: (stem, start, end), positions in the NFC text."""
    found: list[tuple[str, int, int]] = []
    for match in _WORD.finditer(text):
        stemmed = term(match.group())
        if stemmed is not None:
            found.append((stemmed, match.start(), match.end()))
    return found


def tokenize(text: str) -> list[str]:
    """The stems of the content words of ``text``, in order.

    Words are runs of letters and digits (a hyphen or an apostrophe separates them);
    each is folded (:func:`fold`), dropped if it is a stopword (:data:`STOPWORDS`), a
    number or one character long, and stemmed (:func:`stem`).

    Parameters
    ----------
    text
        Text in Spanish, English or another language written with letters.

    Returns
    -------
    list of str
        The stems.

    Examples
    --------
    >>> tokenize("Baterías de ion-litio para vehículos eléctricos")
    ['bateri', 'ion', 'liti', 'vehicul', 'electric']
    >>> tokenize("Lithium-ion batteries for electric vehicles (2026)")
    ['liti', 'ion', 'bateri', 'electric', 'vehicl']
    """
    return [t for t, _, _ in words(unicodedata.normalize("NFC", text))]
