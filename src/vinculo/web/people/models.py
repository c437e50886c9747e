"""Researchers (people: personal data, docs/privacy.md), their affiliations, the reviewed
merge suggestions and the shortlists officers keep on opportunities.

Each field says what it is for: a field without a purpose is not kept. Identity: one
person, one record — merged by ORCID, then OpenAlex id; a same name + institution match
is only a :class:`MergeSuggestion` that a planner or administrator accepts.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vinculo.web.pipeline.models import Opportunity


class Researcher(models.Model):
    """A researcher, from open profiles (OpenAlex, ORCID) or a template file."""

    class Diaspora(models.TextChoices):
        DIASPORA = "diaspora", _("In the diaspora")
        NOT_DIASPORA = "not_diaspora", _("Not in the diaspora")
        UNKNOWN = "unknown", _("Unknown")

    #: purpose: to name the person to the officers who would contact them
    name = models.CharField(_("name"), max_length=200)
    #: purpose: the reviewed name match (accent- and order-insensitive keys of the name
    #: and of the variants the sources give); ``name_key``: the name's, indexed
    name_key = models.CharField(max_length=200, db_index=True, editable=False)
    name_keys = models.JSONField(default=list, editable=False)
    #: purpose: one person, one record (merge key) and the link to the public record
    orcid = models.CharField(_("ORCID iD"), max_length=19, unique=True, null=True, blank=True)
    #: purpose: the second merge key and the link to the public profile
    openalex_id = models.CharField(
        _("OpenAlex id"), max_length=20, unique=True, null=True, blank=True
    )
    #: purpose: contact, only with a lawful basis (given in a template by the post or the
    #: person); planners and administrators only (CONTACT_FIELDS)
    email = models.EmailField(_("e-mail"), blank=True)
    #: purpose: matching to opportunities and the priorities of the diaspora
    topics = models.JSONField(_("topics"), default=list, blank=True)
    #: purpose: productivity in the diaspora per country (public counts of the source)
    works_count = models.PositiveIntegerField(_("works"), null=True, blank=True)
    cited_by_count = models.PositiveIntegerField(_("citations"), null=True, blank=True)
    #: the diaspora rule's verdict (vinculo.strategy.people.diaspora), kept to count
    diaspora = models.CharField(
        _("diaspora"), max_length=16, choices=Diaspora.choices, default=Diaspora.UNKNOWN,
        db_index=True,
    )  # fmt: skip
    diaspora_reason = models.CharField(max_length=32, blank=True)
    #: ISO3 codes of the current affiliations abroad (the rule's hosts)
    hosts = models.JSONField(default=list, blank=True)
    #: the ids of the priorities the topics fall in (derived from ``topics`` on every
    #: write: the diaspora per priority is counted from it)
    priorities = models.JSONField(default=list, blank=True, editable=False)
    #: purpose: where the data came from (openalex, orcid, a file name)
    sources = models.JSONField(_("sources"), default=list, blank=True)
    #: purpose: retention — the record is purged this long after it was last seen
    last_seen_at = models.DateTimeField(_("last imported"), db_index=True)

    class Meta:
        verbose_name = _("researcher")
        verbose_name_plural = _("researchers")
        ordering: ClassVar[list[str]] = ["name", "id"]
        indexes: ClassVar[list[models.Index]] = [
            # the list walks it in order; the name key included, a common word's search
            # (LIKE '%garcia%') reads the index alone until a page is full (PostgreSQL)
            models.Index(
                fields=["name", "id"], include=["name_key"], name="people_researcher_by_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Affiliation(models.Model):
    """A stay at an institution: the evidence of the diaspora rule and of the scope (an
    officer sees the researchers currently affiliated in their posts' host countries)."""

    class Kind(models.TextChoices):
        PUBLICATION = "publication", _("Claimed in publications")
        EMPLOYMENT = "employment", _("Employment")
        EDUCATION = "education", _("Education")
        SCHOLARSHIP = "scholarship", _("Scholarship abroad")
        DECLARED = "declared", _("Declared in a file")

    researcher = models.ForeignKey(
        Researcher, on_delete=models.CASCADE, related_name="affiliations"
    )
    institution = models.CharField(_("institution"), max_length=300)
    ror = models.CharField(_("ROR id"), max_length=40, blank=True)
    country = models.CharField(_("country"), max_length=3, blank=True, db_index=True)  # ISO3
    start_year = models.PositiveSmallIntegerField(_("from"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("to"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    current = models.BooleanField(_("current"), default=False)
    source = models.CharField(_("source"), max_length=255)

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        ordering: ClassVar[list[str]] = ["-current", "-end_year", "-start_year", "id"]
        indexes: ClassVar[list[models.Index]] = [
            # who is in a country now: an index-only probe per researcher (the lists
            # walk the researchers by name and stop at a page)
            models.Index(fields=["country", "current", "researcher"], name="people_aff_where")
        ]


class MergeSuggestion(models.Model):
    """Two records with the same name key and a shared institution: one person or two?
    Never merged until a planner or administrator accepts."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    researcher = models.ForeignKey(Researcher, on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(Researcher, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    decided_at = models.DateTimeField(null=True)


class _Entry(models.Model):
    """What every shortlist entry holds: the researcher, the fit's score and reasons when
    added, who added it and when."""

    researcher = models.ForeignKey(Researcher, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    reasons = models.JSONField(default=dict)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class ShortlistEntry(_Entry):
    """A researcher an officer shortlisted for an opportunity; seen within the
    opportunity's post (its officers) and by planners and administrators."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["opportunity", "researcher"], name="shortlist_once")
        ]
        ordering: ClassVar[list[str]] = ["-score", "id"]


class ProjectShortlistEntry(_Entry):
    """A researcher a planner shortlisted for one specialist profile a strategic project
    needs: the researchers matched to the project in its human-capital gap (3:2:3; the
    gap is needed minus expected graduates minus these). Seen by the people roles."""

    project = models.ForeignKey("registry.Project", on_delete=models.CASCADE, related_name="+")
    profile = models.CharField(_("specialist profile"), max_length=100)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["project", "researcher", "profile"], name="project_shortlist_once"
            )
        ]
        ordering: ClassVar[list[str]] = ["profile", "-score", "id"]


class AgreementShortlistEntry(_Entry):
    """A researcher shortlisted for a cooperation agreement (its exchanges, joint
    projects, the programmes it creates), by a planner, an administrator or an officer of
    the agreement's post, with the fit's score and reasons when added."""

    agreement = models.ForeignKey("registry.Agreement", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["agreement", "researcher"], name="agreement_shortlist_once"
            )
        ]
        ordering: ClassVar[list[str]] = ["-score", "id"]


class ResearcherPlace(models.Model):
    """A country where a researcher has a current affiliation, with the researcher's name
    (derived from the affiliations and the record at every write,
    :func:`vinculo.web.people.summaries.researchers_changed`): the scopes of the people
    roles and a country's list, read in name order from one index range until a page is
    full."""

    # indexed by the unique constraint (researcher, country)
    researcher = models.ForeignKey(
        Researcher, on_delete=models.CASCADE, related_name="places", db_index=False
    )
    country = models.CharField(max_length=3)  # ISO3
    #: copies of the researcher's, to walk a country's researchers in name order
    name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=200)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["researcher", "country"], name="people_place_once")
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(
                fields=["country", "name", "researcher"],
                include=["name_key"],
                name="people_place_walk",
            )
        ]


class DiasporaCountry(models.Model):
    """The diaspora in one host country, in all priorities (``priority`` empty) or in one:
    the figures the pages, the API and the brief show for the whole set of profiles.
    Derived data, recomputed for the countries a write touches in that write's
    transaction (import, merge, erasure, purge; ``vinculo-web people_refresh`` for all),
    so that reading a country's diaspora is one indexed row, not a scan of its
    researchers. Holds no personal data beyond researcher ids (erased with the person:
    their countries are recomputed)."""

    country = models.CharField(max_length=3)  # ISO3
    priority = models.CharField(max_length=40, blank=True)
    count = models.PositiveIntegerField()
    works = models.BigIntegerField()
    citations = models.BigIntegerField()
    with_mexican_ties = models.PositiveIntegerField()
    #: [[institution, researchers]], the most first (TOP_STORED)
    institutions = models.JSONField(default=list)
    topics = models.JSONField(default=list)
    #: the ids of the researchers listed first: the most works, then by name (LISTED)
    listed = models.JSONField(default=list)
    computed_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["country", "priority"], name="diaspora_country_once")
        ]


class ResearcherTerm(models.Model):
    """The matching index: one row per researcher and topic stem, with the stem's weight
    in the researcher's unit TF-IDF vector (:func:`vinculo.strategy.people.unit_vector`),
    so that an opportunity's best fits are a sum over the rows of its own stems.
    Rebuilt for a researcher on each write; the IDF it was weighted with is
    :class:`TermFrequency`'s at that moment (``people_refresh`` reweights everyone)."""

    researcher = models.ForeignKey(Researcher, on_delete=models.CASCADE, related_name="+")
    stem = models.CharField(max_length=64)
    weight = models.FloatField()

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["stem", "-weight", "researcher"], name="people_term_stem")
        ]


class TermFrequency(models.Model):
    """How many researchers' topics hold each stem (the matching's document frequency)
    and a bound on the stem's weight in any researcher's row (at least the largest: the
    matching's pruning, :func:`vinculo.web.people.summaries.top_matches`); the row with
    the empty stem holds the number of researchers with topics."""

    stem = models.CharField(max_length=64, primary_key=True)
    df = models.PositiveIntegerField()
    max_weight = models.FloatField(default=0.0)


class KeptRanking(models.Model):
    """The best fits of a record's text (an opportunity, a strategic project, an
    agreement: ``subject``, e.g. ``"opportunity:12"``) in one scope of researchers (every
    researcher, or those currently in some countries: an officer's posts), deeper than
    what is shown, kept while the text is unchanged and maintained at every write of
    researchers (:func:`vinculo.web.people.summaries.ranked_for`): the ids and scores
    only; names and reasons are read again at each request."""

    subject = models.CharField(max_length=64)
    #: the scope's countries, sorted and joined by commas, hashed ("*": every researcher)
    scope = models.CharField(max_length=64)
    #: the ISO3 codes of the scope (null: every researcher)
    countries = models.JSONField(null=True)
    #: the hash of the text and the number shown
    key = models.CharField(max_length=64)
    #: the text's stems and weights the scores were computed with
    query = models.JSONField(default=dict)
    #: [[researcher id, score], …] best first, then by id
    ranked = models.JSONField(default=list)
    #: how many are shown; ``depth``: how many are kept
    shown = models.PositiveIntegerField()
    depth = models.PositiveIntegerField()
    #: every researcher of the scope with a positive score is in ``ranked``
    complete = models.BooleanField()
    computed_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["subject", "scope"], name="kept_ranking_once")
        ]
