"""Search as you type for the pickers: ``/search/<source>/?q=`` answers JSON for the
browser session (login required) with at most :data:`LIMIT` results, best first.

Sources: ``institutions`` (name, name variants and acronyms, ROR id, country),
``countries`` (name in the user's language, ISO code), ``agreements`` (title, partner
country, post) and ``opportunities`` (title and description, post). Every source reads
through the same scoped selector as its pages (``agreements_visible_to``,
``opportunities_visible_to``...), so nobody finds what they cannot open.

Matching ignores case and accents ("Universidad Nacional Autonoma" finds "Universidad
Nacional Autónoma de México"): every word of the query must occur in the object's folded
text, or name its country or post. How, on SQLite and PostgreSQL alike: the searched
tables keep a folded ``search_text`` column, written on save (``models.search_key``; the
institutions' import and the migration that added it fill it too), and the query is
folded the same way, so a plain ``LIKE``/``contains`` does it; no ``unaccent`` extension
(PostgreSQL only) and no collation (differs per database). Countries and posts are few
(hundreds): their names are folded in Python and the matching ones become ``IN`` lists.

Ranking: exact match of the name first, then names starting with the query, then names
with words starting with the query's words, then the rest (substring), each by name.
Two bounded reads give the candidates: those whose key starts with the query (so an
exact or prefix match is never lost among many substring matches) and the first
:data:`CANDIDATES` of all matches; they are ranked in Python and cut to :data:`LIMIT`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.http import require_safe

from vinculo.web.pipeline.models import Opportunity
from vinculo.web.pipeline.selectors import opportunities_visible_to
from vinculo.web.registry.forms import country_label
from vinculo.web.registry.models import Agreement, Country, Institution, search_key
from vinculo.web.registry.selectors import (
    agreements_visible_to,
    institutions_visible_to,
    posts_visible_to,
)

__all__ = ["CANDIDATES", "LIMIT", "SOURCES", "labels", "rank", "search"]

#: Results returned at most.
LIMIT = 20
#: Matches read from the database at most before ranking.
CANDIDATES = 200
#: Queries longer than this are cut (a search box, not a document).
MAX_QUERY = 200


@dataclass(frozen=True)
class Result:
    value: str  # what the form field takes (an id, a code)
    label: str  # what the user reads and chose
    detail: str  # what tells two alike apart (country, post, status)
    keys: tuple[str, ...]  # folded names ranked against the query


def rank(query: str, keys: Iterable[str]) -> int:
    """0 exact, 1 prefix, 2 every query word starts a word of the name, 3 anything else
    (the best over the name and its variants). ``query`` and ``keys`` are folded."""
    words = query.split()
    best = 3
    for key in keys:
        if key == query:
            return 0
        if key.startswith(query):
            best = min(best, 1)
        elif words and all(any(k.startswith(w) for k in key.split()) for w in words):
            best = min(best, 2)
    return best


def _words(query: str) -> list[str]:
    return search_key(query[:MAX_QUERY]).replace("|", " ").split()


def _countries_matching(word: str) -> list[str]:
    """The codes of the countries whose code or name (either language) holds ``word``."""
    return [
        code
        for code, name_es, name_en in _all_countries()
        if word == code.lower() or word in search_key(name_es) or word in search_key(name_en)
    ]


def _all_countries() -> list[tuple[str, str, str]]:
    return list(Country.objects.values_list("code", "name_es", "name_en"))


def _posts_matching(user: Any, word: str) -> list[int]:
    return [
        pk
        for pk, name, city in posts_visible_to(user).values_list("pk", "name", "city")
        if word in search_key(name, city)
    ]


def _candidates(queryset: QuerySet[Any], query: str, word_filter: Callable[[str], Q]) -> list[Any]:
    """Prefix matches of the folded key, then the first matches of every word."""
    matches = queryset
    for word in query.split():
        matches = matches.filter(word_filter(word))
    found = {obj.pk: obj for obj in queryset.filter(search_text__startswith=query)[:LIMIT]}
    for obj in matches[:CANDIDATES]:
        found.setdefault(obj.pk, obj)
    return list(found.values())


# ---------------------------------------------------------------- sources
def _institutions(user: Any, query: str) -> list[Result]:
    institutions = institutions_visible_to(user)

    def word_filter(word: str) -> Q:
        condition = Q(search_text__contains=word) | Q(ror_id__iendswith=f"/{word}")
        codes = _countries_matching(word)
        return condition | Q(country_id__in=codes) if codes else condition

    return [_institution_result(i) for i in _candidates(institutions, query, word_filter)]


def _institution_result(institution: Institution) -> Result:
    place = ", ".join(
        part for part in (institution.city, country_label(institution.country)) if part
    )
    ror = (institution.ror_id or "").rstrip("/").rsplit("/", 1)[-1]
    return Result(
        value=institution.ror_id or str(institution.pk),
        label=institution.name,
        detail=" · ".join(part for part in (place, f"ROR {ror}" if ror else "") if part),
        keys=tuple(institution.search_text.split(" | ")),
    )


def _countries(user: Any, query: str) -> list[Result]:
    if not getattr(user, "is_authenticated", False):
        return []
    results = []
    for country in Country.objects.all():
        name = country_label(country)
        keys = (search_key(name), country.code.lower())
        if all(any(word in key for key in keys) for word in query.split()):
            results.append(Result(country.code, name, country.code, keys))
    return results


def _agreements(user: Any, query: str) -> list[Result]:
    agreements = agreements_visible_to(user)

    def word_filter(word: str) -> Q:
        condition = Q(search_text__contains=word)
        codes = _countries_matching(word)
        posts = _posts_matching(user, word)
        if codes:
            condition |= Q(partner_country_id__in=codes)
        if posts:
            condition |= Q(post_id__in=posts)
        return condition

    return [_agreement_result(a) for a in _candidates(agreements, query, word_filter)]


def _agreement_result(agreement: Agreement) -> Result:
    from django.utils.translation import gettext

    post = agreement.post.name if agreement.post else gettext("central")
    detail = " · ".join(
        (country_label(agreement.partner_country), post, agreement.get_status_display())
    )
    return Result(str(agreement.pk), agreement.title, detail, (agreement.search_text,))


def _opportunities(user: Any, query: str) -> list[Result]:
    opportunities = opportunities_visible_to(user)

    def word_filter(word: str) -> Q:
        condition = Q(search_text__contains=word)
        posts = _posts_matching(user, word)
        return condition | Q(post_id__in=posts) if posts else condition

    return [_opportunity_result(o) for o in _candidates(opportunities, query, word_filter)]


def _opportunity_result(opportunity: Opportunity) -> Result:
    from django.utils.translation import gettext

    detail = " · ".join(
        (
            opportunity.post.name,
            opportunity.get_status_display(),
            gettext("No. %(number)s") % {"number": opportunity.pk},
        )
    )
    return Result(str(opportunity.pk), opportunity.title, detail, (search_key(opportunity.title),))


SOURCES: dict[str, Callable[[Any, str], list[Result]]] = {
    "institutions": _institutions,
    "countries": _countries,
    "agreements": _agreements,
    "opportunities": _opportunities,
}


def search(source: str, user: Any, q: str) -> list[Result]:
    """The best :data:`LIMIT` results of ``source`` for ``q`` that ``user`` may open."""
    query = " ".join(_words(q))
    if not query:
        return []
    results = SOURCES[source](user, query)
    results.sort(key=lambda r: (rank(query, r.keys), search_key(r.label), r.label, r.value))
    return results[:LIMIT]


def labels(source: str, user: Any, values: Iterable[str]) -> dict[str, str]:
    """The labels of chosen ``values`` (ids or codes) that ``user`` may open, for a picker
    shown with a value already in it (an unknown or hidden value gets no label)."""
    wanted = [str(v) for v in values if str(v).strip()]
    if not wanted or not getattr(user, "is_authenticated", False):
        return {}
    if source == "countries":
        countries = Country.objects.filter(code__in=[v.upper() for v in wanted])
        return {c.code: country_label(c) for c in countries}
    numbers = [int(v) for v in wanted if v.isdigit() and int(v) <= 2**63 - 1]
    if source == "institutions":
        # a ROR id as stored (https://ror.org/...), as typed (the short id), or a number
        short = {f"https://ror.org/{v.rstrip('/').rsplit('/', 1)[-1]}": v for v in wanted}
        found = institutions_visible_to(user).filter(
            Q(ror_id__in=[*wanted, *short]) | Q(pk__in=numbers)
        )
        out = {}
        for institution in found:
            for key in (str(institution.pk), institution.ror_id, short.get(institution.ror_id)):
                if key in wanted:
                    out[key] = institution.name
        return out
    if source == "agreements":
        return {str(a.pk): a.title for a in agreements_visible_to(user).filter(pk__in=numbers)}
    if source == "opportunities":
        visible = opportunities_visible_to(user).filter(pk__in=numbers)
        return {str(o.pk): o.title for o in visible}
    raise KeyError(source)


# ---------------------------------------------------------------- the endpoint
@login_required
@require_safe
def search_view(request: HttpRequest, source: str) -> JsonResponse:
    if source not in SOURCES:
        raise Http404("No such source")
    results = search(source, request.user, request.GET.get("q", ""))
    return JsonResponse(
        {"results": [{"value": r.value, "label": r.label, "detail": r.detail} for r in results]}
    )


app_name = "search"
urlpatterns = [path("<slug:source>/", search_view, name="source")]
