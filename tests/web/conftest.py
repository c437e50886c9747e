"""Named personas and a small registry for the web tests.

Personas (one user each): ``viewer``, ``officer_a`` (post A, Paris), ``officer_b`` (post B,
Berlin), ``legal``, ``planner``, ``admin``; ``anonymous`` is no user at all. The registry
(``registry``): two posts in two host countries, an agreement of each post, one of post B
shared with every post, one central agreement (no post), IP terms on the first three, a
document on post A's and on the shared one, three institutions and a strategic project
with a milestone; one curated host institution of France (a test source, example.org).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from vinculo.web.accounts.models import ApiToken, Role, User
from vinculo.web.insights.models import HostInstitution
from vinculo.web.pipeline.models import Attachment, Opportunity
from vinculo.web.registry.models import (
    Agreement,
    AgreementDocument,
    Country,
    Institution,
    IPTerms,
    Milestone,
    Outcome,
    Post,
    Project,
)

PERSONAS = ("anonymous", "viewer", "officer_a", "officer_b", "legal", "planner", "admin")
PASSWORD = "a-long-test-password-1"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def make_user(username: str, role: str, posts: tuple[Post, ...] = ()) -> User:
    user = User.objects.create_user(
        username, email=f"{username}@example.org", password=PASSWORD, role=role, language="en"
    )
    user.posts.set(posts)
    return user


@dataclass
class Registry:
    """The sample registry; attribute names are the matrix's targets."""

    mexico: Country
    france: Country
    germany: Country
    post_a: Post
    post_b: Post
    unam: Institution
    cnrs: Institution
    fraunhofer: Institution
    agreement_a: Agreement
    agreement_b: Agreement
    agreement_shared: Agreement
    agreement_central: Agreement
    document_a: AgreementDocument
    document_shared: AgreementDocument
    project: Project
    milestone: Milestone
    opportunity_a: Opportunity
    opportunity_b: Opportunity
    attachment_a: Attachment
    host_cnrs: HostInstitution
    token_a: ApiToken  # officer A's API token (its key is not kept)
    users: dict[str, User]


@pytest.fixture
def registry(db: Any, settings: Any, tmp_path: Any) -> Registry:
    settings.MEDIA_ROOT = tmp_path / "uploads"
    mexico = Country.objects.create(code="MEX", name_es="México", name_en="Mexico")
    france = Country.objects.create(code="FRA", name_es="Francia", name_en="France")
    germany = Country.objects.create(code="DEU", name_es="Alemania", name_en="Germany")
    post_a = Post.objects.create(
        name="Embajada en Francia", kind=Post.Kind.EMBASSY, host_country=france, city="Paris"
    )
    post_b = Post.objects.create(
        name="Embajada en Alemania", kind=Post.Kind.EMBASSY, host_country=germany, city="Berlin"
    )
    users = {
        "viewer": make_user("vera", Role.VIEWER),
        "officer_a": make_user("olga", Role.OFFICER, (post_a,)),
        "officer_b": make_user("otto", Role.OFFICER, (post_b,)),
        "legal": make_user("lena", Role.LEGAL),
        "planner": make_user("pablo", Role.PLANNER),
        "admin": make_user("ada", Role.ADMINISTRATOR),
    }
    unam = Institution.objects.create(
        ror_id="https://ror.org/01tmp8f25",
        name="Universidad Nacional Autónoma de México",
        country=mexico,
        city="Mexico City",
        types=["education"],
        aliases=["UNAM", "National Autonomous University of Mexico"],
    )
    cnrs = Institution.objects.create(
        ror_id="https://ror.org/02feahw73",
        name="Centre National de la Recherche Scientifique",
        country=france,
        city="Paris",
        types=["government"],
        aliases=["CNRS", "French National Centre for Scientific Research"],
    )
    fraunhofer = Institution.objects.create(
        ror_id="https://ror.org/05hkkdn48",
        name="Fraunhofer Society",
        country=germany,
        city="Munich",
        types=["nonprofit"],
        aliases=["Fraunhofer-Gesellschaft"],
    )
    today = timezone.localdate()
    planner = users["planner"]
    agreement_a = Agreement.objects.create(
        title="Lithium chemistry with CNRS",
        kind=Agreement.Kind.INSTITUTIONAL,
        status=Agreement.Status.IN_FORCE,
        post=post_a,
        partner_country=france,
        priorities=["lithium-value-chain", "batteries"],
        signed_on=dt.date(2024, 3, 1),
        effective_on=dt.date(2024, 4, 1),
        expires_on=today + dt.timedelta(days=60),  # within its 90-day notice: due
        summary="Joint laboratory on lithium extraction.",
        created_by=planner,
    )
    agreement_a.institutions.set([unam, cnrs])
    agreement_b = Agreement.objects.create(
        title="Batteries with Fraunhofer",
        kind=Agreement.Kind.INSTITUTIONAL,
        status=Agreement.Status.SIGNED,
        post=post_b,
        partner_country=germany,
        priorities=["batteries"],
        expires_on=today + dt.timedelta(days=400),
        created_by=planner,
    )
    agreement_b.institutions.set([fraunhofer])
    agreement_shared = Agreement.objects.create(
        title="Mexico-Germany science and technology agreement",
        kind=Agreement.Kind.GOVERNMENT,
        status=Agreement.Status.IN_FORCE,
        post=post_b,
        partner_country=germany,
        priorities=["energy-transition"],
        shared=True,
        created_by=planner,
    )
    agreement_central = Agreement.objects.create(
        title="Satellite data exchange (central)",
        kind=Agreement.Kind.GOVERNMENT,
        status=Agreement.Status.DRAFT,
        partner_country=france,
        priorities=["aerospace"],
        created_by=planner,
    )
    for agreement, licensing in (
        (agreement_a, IPTerms.Licensing.NON_EXCLUSIVE),
        (agreement_b, IPTerms.Licensing.EXCLUSIVE),
        (agreement_shared, IPTerms.Licensing.CASE_BY_CASE),
    ):
        IPTerms.objects.create(
            agreement=agreement,
            background_ip=IPTerms.Ownership.EACH_PARTY,
            foreground_ip=IPTerms.Ownership.JOINT,
            licensing=licensing,
            royalty_home_percent=Decimal("37.50"),
            jurisdiction="SECRET-JURISDICTION",
        )
    Outcome.objects.create(
        agreement=agreement_a,
        kind=Outcome.Kind.PUBLICATION,
        description="Brine chemistry paper",
        reference="10.1000/xyz123",
        occurred_on=dt.date(2025, 5, 1),
    )
    document_a, document_shared = (
        AgreementDocument(
            agreement=agreement,
            original_name="signed-agreement.pdf",
            content_type="application/pdf",
            size=len(PDF),
            uploaded_by=planner,
        )
        for agreement in (agreement_a, agreement_shared)
    )
    for document in (document_a, document_shared):
        document.file.save("sample.pdf", ContentFile(PDF), save=False)
        document.save()
    project = Project.objects.create(
        name="National supercomputer",
        description="Coatlicue",
        priorities=["supercomputing"],
        lead_institution=unam,
        budget_usd=Decimal("1000000.00"),
        status=Project.Status.ACTIVE,
    )
    project.partner_institutions.set([cnrs])
    project.agreements.set([agreement_a, agreement_b])
    milestone = Milestone.objects.create(project=project, title="Procurement", due_on=today)
    # two opportunities (written directly: the services' own tests go through them)
    opportunity_a = Opportunity.objects.create(
        title="Sodium-ion battery pilot line with a French laboratory",
        description="A CNRS laboratory offers access to its pilot line for battery cells.",
        kind=Opportunity.Kind.INFRASTRUCTURE,
        post=post_a,
        host_country=france,
        amount_offered=Decimal("250000.00"),
        currency="EUR",
        contact_name="Claire SECRET-CONTACT",
        contact_email="claire@example.org",
        suggested_priorities=[{"id": "batteries", "confidence": 0.9, "terms": [], "similar": []}],
        created_by=users["officer_a"],
    )
    opportunity_b = Opportunity.objects.create(
        title="Hydrogen electrolyser co-investment in Saxony",
        description="A German consortium seeks a Mexican partner for electrolysers.",
        kind=Opportunity.Kind.CO_INVESTMENT,
        post=post_b,
        host_country=germany,
        status=Opportunity.Status.NEGOTIATION,
        amount_requested=Decimal("1000000.00"),
        currency="EUR",
        contact_phone="+49 30 5550 1234",
        priorities=["energy-transition"],
        priorities_confirmed=True,
        created_by=users["officer_b"],
    )
    attachment_a = Attachment(
        opportunity=opportunity_a,
        original_name="offer.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=users["officer_a"],
    )
    attachment_a.file.save("offer.pdf", ContentFile(PDF), save=False)
    attachment_a.save()
    host_cnrs = HostInstitution.objects.create(
        country=france,
        priority="batteries",
        kind=HostInstitution.Kind.RESEARCH,
        name="Centre national de la recherche scientifique",
        acronym="CNRS",
        city="Paris",
        institution=cnrs,
        source_publisher="Test publisher",
        source_title="A test source",
        source_url="https://example.org/cnrs",
        source_date=dt.date(2025, 1, 15),
        created_by=planner,
    )
    return Registry(
        mexico=mexico,
        france=france,
        germany=germany,
        post_a=post_a,
        post_b=post_b,
        unam=unam,
        cnrs=cnrs,
        fraunhofer=fraunhofer,
        agreement_a=agreement_a,
        agreement_b=agreement_b,
        agreement_shared=agreement_shared,
        agreement_central=agreement_central,
        document_a=document_a,
        document_shared=document_shared,
        project=project,
        milestone=milestone,
        opportunity_a=opportunity_a,
        opportunity_b=opportunity_b,
        attachment_a=attachment_a,
        host_cnrs=host_cnrs,
        token_a=ApiToken.issue(user=users["officer_a"], name="officer A script")[0],
        users=users,
    )


def login(persona: str, registry: Registry, **client_options: Any) -> Client:
    """A test client signed in as the persona (``anonymous``: not signed in)."""
    client = Client(**client_options)
    if persona != "anonymous":
        client.force_login(registry.users[persona])
    return client


# one fixture per persona, for tests that read better with names than with strings
@pytest.fixture
def anonymous(registry: Registry) -> Client:
    return login("anonymous", registry)


@pytest.fixture
def viewer(registry: Registry) -> Client:
    return login("viewer", registry)


@pytest.fixture
def officer_a(registry: Registry) -> Client:
    return login("officer_a", registry)


@pytest.fixture
def officer_b(registry: Registry) -> Client:
    return login("officer_b", registry)


@pytest.fixture
def legal(registry: Registry) -> Client:
    return login("legal", registry)


@pytest.fixture
def planner(registry: Registry) -> Client:
    return login("planner", registry)


@pytest.fixture
def admin(registry: Registry) -> Client:
    return login("admin", registry)


def header_queries(persona: str) -> int:
    """Queries the page frame adds for ``persona``: an officer's header lists their posts
    (vinculo.web.navigation), one query whatever the page."""
    return 1 if persona.startswith("officer") else 0


def assert_strict_policy(response: Any) -> None:
    """The response carries the strict Content-Security-Policy (vinculo.web.csp): this site
    only, no inline script or style without a nonce or hash, no plugin, no framing."""
    header = response.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.status_code} {response}"
    directives = {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    for name, sources in directives.items():
        for source in sources:
            allowed = source in ("'self'", "'none'") or source.startswith(("'nonce-", "'sha256-"))
            allowed = allowed or (name == "img-src" and source == "data:")
            assert allowed, f"{name} allows {source}: {header}"
