"""The registry: countries, diplomatic posts, research institutions, agreements with their
intellectual-property and technology-transfer terms, and strategic projects."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vinculo.text.tokens import fold


def search_key(*texts: str) -> str:
    """The text a search matches against: lower case, accents removed, spaces collapsed
    (``"Autónoma  de México"`` -> ``"autonoma de mexico"``); several texts joined by
    `` | `` (a separator no folded query word contains)."""
    return " | ".join(" ".join(fold(text).split()) for text in texts if text)


class Country(models.Model):
    """A country by its ISO 3166 alpha-3 code (the evidence store's codes)."""

    code = models.CharField(_("ISO3 code"), max_length=3, primary_key=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering: ClassVar[list[str]] = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_en}"


class Post(models.Model):
    """A diplomatic post: an embassy or a consulate in a host country."""

    class Kind(models.TextChoices):
        EMBASSY = "embassy", _("Embassy")
        CONSULATE = "consulate", _("Consulate")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    host_country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="posts", verbose_name=_("host country")
    )
    city = models.CharField(_("city"), max_length=100)
    # where it stands (Wikidata, through vinculo.evidence.sources.embassies), for the map
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    wikidata = models.CharField(_("Wikidata item"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering: ClassVar[list[str]] = ["host_country", "name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["host_country", "city", "kind"], name="one_post_per_city"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Institution(models.Model):
    """A research institution (imported from the evidence store's ROR table, or added)."""

    ror_id = models.CharField(_("ROR id"), max_length=40, unique=True, null=True, blank=True)
    name = models.CharField(_("name"), max_length=300, db_index=True)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="institutions", verbose_name=_("country")
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    types = models.JSONField(_("types"), default=list, blank=True)
    aliases = models.JSONField(_("name variants"), default=list, blank=True)
    search_text = models.TextField(editable=False, blank=True)  # search_key of name, variants

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering: ClassVar[list[str]] = ["name"]

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_text = search_key(self.name, *self.aliases)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def __str__(self) -> str:
        return self.name


class Agreement(models.Model):
    """A cooperation agreement, its parties, priorities, dates and status."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government-to-government")
        INSTITUTIONAL = "institutional", _("Inter-institutional")
        MOBILITY = "mobility", _("Mobility")
        CO_INVESTMENT = "co_investment", _("Co-investment")
        LICENSING = "licensing", _("Licensing")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        NEGOTIATION = "negotiation", _("In negotiation")
        SIGNED = "signed", _("Signed")
        IN_FORCE = "in_force", _("In force")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT)  # fmt: skip
    post = models.ForeignKey(
        Post, on_delete=models.PROTECT, related_name="agreements", null=True, blank=True,
        verbose_name=_("post"),
    )  # fmt: skip
    partner_country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="agreements",
        verbose_name=_("partner country"),
    )  # fmt: skip
    institutions = models.ManyToManyField(
        Institution, blank=True, related_name="agreements", verbose_name=_("parties")
    )
    priorities = models.JSONField(_("priorities covered"), default=list, blank=True)
    signed_on = models.DateField(_("signed"), null=True, blank=True)
    effective_on = models.DateField(_("effective"), null=True, blank=True)
    expires_on = models.DateField(_("expires"), null=True, blank=True)
    renewal_notice_days = models.PositiveIntegerField(_("renewal alert (days)"), default=90)
    shared = models.BooleanField(_("shared with every post"), default=False)
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_text = models.TextField(editable=False, blank=True)  # search_key of the title

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering: ClassVar[list[str]] = ["-updated_at"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["partner_country", "status"]),
            models.Index(fields=["expires_on"]),
            # the lists' order (most recently changed first): a page is read off the index
            # instead of sorting every visible agreement
            models.Index(fields=["updated_at", "id"]),
        ]

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_text = search_key(self.title)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "title" in update_fields:  # type: ignore[operator]
            kwargs["update_fields"] = {*update_fields, "search_text"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def __str__(self) -> str:
        return self.title


class IPTerms(models.Model):
    """The intellectual-property and technology-transfer terms of an agreement
    (confidential: legal officers, planners, administrators and the agreement's post)."""

    class Ownership(models.TextChoices):
        EACH_PARTY = "each_party", _("Each party keeps its own")
        JOINT = "joint", _("Joint ownership")
        HOME = "home", _("Home institution")
        PARTNER = "partner", _("Partner institution")
        GENERATING = "generating", _("The party that generates it")

    class Licensing(models.TextChoices):
        NONE = "none", _("No licensing")
        NON_EXCLUSIVE = "non_exclusive", _("Non-exclusive")
        EXCLUSIVE = "exclusive", _("Exclusive")
        OPEN = "open", _("Open licence")
        CASE_BY_CASE = "case_by_case", _("Case by case")

    agreement = models.OneToOneField(Agreement, on_delete=models.CASCADE, related_name="ip_terms")
    background_ip = models.CharField(_("background IP"), max_length=20,
                                     choices=Ownership.choices)  # fmt: skip
    foreground_ip = models.CharField(_("foreground IP"), max_length=20,
                                     choices=Ownership.choices)  # fmt: skip
    licensing = models.CharField(_("licensing model"), max_length=20, choices=Licensing.choices)
    royalty_home_percent = models.DecimalField(
        _("royalty share of the home party (%)"), max_digits=5, decimal_places=2,
        null=True, blank=True,
    )  # fmt: skip
    publication_rights = models.TextField(_("publication rights"), blank=True)
    confidentiality_years = models.PositiveIntegerField(_("confidentiality (years)"), null=True,
                                                        blank=True)  # fmt: skip
    jurisdiction = models.CharField(_("jurisdiction"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("IP and technology-transfer terms")
        verbose_name_plural = _("IP and technology-transfer terms")


class AgreementDocument(models.Model):
    """A file attached to an agreement (type and size are checked on upload)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("file"), upload_to="agreements/%Y/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")  # fmt: skip
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")


class Outcome(models.Model):
    """What followed an agreement: a co-publication, a patent, a mobility, a project."""

    class Kind(models.TextChoices):
        PUBLICATION = "publication", _("Co-publication")
        PATENT = "patent", _("Patent")
        MOBILITY = "mobility", _("Mobility")
        PROJECT = "project", _("Project")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=500)
    reference = models.CharField(_("reference (DOI, patent number, link)"), max_length=300,
                                 blank=True)  # fmt: skip
    occurred_on = models.DateField(_("date"), null=True, blank=True)


class Project(models.Model):
    """A strategic project (the national supercomputer, satellites, lithium...)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        COMPLETED = "completed", _("Completed")

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    priorities = models.JSONField(_("priorities"), default=list, blank=True)
    lead_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="led_projects", null=True,
        blank=True, verbose_name=_("lead institution"),
    )  # fmt: skip
    partner_institutions = models.ManyToManyField(
        Institution, blank=True, related_name="partner_projects",
        verbose_name=_("partner institutions"),
    )  # fmt: skip
    budget_usd = models.DecimalField(_("budget (USD)"), max_digits=14, decimal_places=2,
                                     null=True, blank=True)  # fmt: skip
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PLANNED)  # fmt: skip
    agreements = models.ManyToManyField(Agreement, blank=True, related_name="projects")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("strategic project")
        verbose_name_plural = _("strategic projects")
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        ordering: ClassVar[list[str]] = ["due_on", "id"]
