"""The permission matrix: every route of the project and every operation of the API, read
and written by every persona, against a declared status.

The routes are enumerated, not listed by hand: Django's URL resolver gives the pages, the
OpenAPI document gives the API's operations. ``test_every_route_is_in_the_matrix`` fails
when one of them has no row (so a new endpoint cannot be forgotten) or a row names a route
that no longer exists. Excluded, with the reason:

- ``admin/``: Django's admin site, guarded by its own ``is_staff`` check, not by Vínculo's
  roles (no persona here is staff).
- ``i18n/``: Django's ``set_language`` view, open to everyone by design (the signed-in
  switch, kept on the profile, is ``accounts:language``, which is in the matrix).

Conventions: outside one's scope an object does not exist (404); a role too low gets 403;
an anonymous visitor is sent to the login page (302) or, in the API, gets 401. A page's
successful write redirects (302); the API answers 200 or 201. A page route has a GET and a
POST row (a read-only page answers 405 to POST, an action 405 to GET); an API operation has
the row of its own method.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.web.conftest import PASSWORD, PDF, PERSONAS, Registry, assert_strict_policy, login
from vinculo.strategy.transfer import default_transfer_models, fact_as_dict
from vinculo.web.api import api
from vinculo.web.people.models import Affiliation, MergeSuggestion, Researcher
from vinculo.web.people.summaries import researchers_changed
from vinculo.web.registry.forms import AgreementForm, ProjectForm
from vinculo.web.transfer.services import transfer_seed

pytestmark = pytest.mark.django_db

EXCLUDED_PREFIXES = ("admin/", "i18n/")
#: pages for visitors who are not signed in, whose 302 is not a redirection to the login
PUBLIC = frozenset({"accounts:password_reset"})

# route (namespace:name) or API operation id, method, target; then the expected status for
# anonymous, viewer, officer_a, officer_b, legal, planner, admin
MATRIX = """
# --- accounts
accounts:login                  GET    -                  200 200 200 200 200 200 200
accounts:login                  POST   -                  200 200 200 200 200 200 200
accounts:logout                 GET    -                  405 405 405 405 405 405 405
accounts:logout                 POST   -                  302 302 302 302 302 302 302
accounts:language               GET    -                  302 405 405 405 405 405 405
accounts:language               POST   -                  302 302 302 302 302 302 302
# --- accounts: the user's own page (API tokens, password) and the password reset
accounts:account                GET    -                  302 200 200 200 200 200 200
accounts:account                POST   -                  302 405 405 405 405 405 405
accounts:token_create           GET    -                  302 405 405 405 405 405 405
accounts:token_create           POST   -                  302 302 302 302 302 302 302
accounts:token_revoke           GET    token_a            302 405 405 405 405 405 405
accounts:token_revoke           POST   token_a            302 404 302 404 404 404 404
accounts:password_change        GET    -                  302 200 200 200 200 200 200
accounts:password_change        POST   -                  302 302 302 302 302 302 302
accounts:password_reset         GET    -                  200 200 200 200 200 200 200
accounts:password_reset         POST   -                  302 302 302 302 302 302 302
accounts:password_reset_done    GET    -                  200 200 200 200 200 200 200
accounts:password_reset_done    POST   -                  405 405 405 405 405 405 405
accounts:password_reset_confirm GET    reset_bad          200 200 200 200 200 200 200
accounts:password_reset_confirm POST   reset_bad          200 200 200 200 200 200 200
accounts:password_reset_complete GET   -                  200 200 200 200 200 200 200
accounts:password_reset_complete POST  -                  405 405 405 405 405 405 405
# --- transfer: the comparison (everyone), editing a dimension (planners, legal, admins)
transfer:comparison             GET    -                  302 200 200 200 200 200 200
transfer:comparison             POST   -                  302 405 405 405 405 405 405
transfer:dimension_edit         GET    transfer_fra_own   302 403 403 403 200 200 200
transfer:dimension_edit         POST   transfer_fra_own   302 403 403 403 302 302 302
transfer_list                   GET    -                  401 200 200 200 200 200 200
transfer_detail                 GET    transfer_fra       401 200 200 200 200 200 200
transfer_detail                 GET    transfer_none      401 404 404 404 404 404 404
# --- insights (no snapshot or evidence store in these tests: the empty pages; read-only)
insights:home                   GET    -                  302 200 200 200 200 200 200
insights:home                   POST   -                  302 405 405 405 405 405 405
insights:briefs                 GET    -                  302 200 200 200 200 200 200
insights:briefs                 POST   -                  302 405 405 405 405 405 405
insights:countries              GET    -                  302 200 200 200 200 200 200
insights:countries              POST   -                  302 405 405 405 405 405 405
insights:evidence               GET    -                  302 200 200 200 200 200 200
insights:evidence               POST   -                  302 405 405 405 405 405 405
insights:priority               GET    aerospace          302 200 200 200 200 200 200
insights:priority               POST   aerospace          302 405 405 405 405 405 405
insights:country                GET    FRA                302 200 200 200 200 200 200
insights:country                POST   FRA                302 405 405 405 405 405 405
insights:post-brief             GET    post_a.html        302 404 404 404 404 404 404
insights:post-brief             POST   post_a.html        302 405 405 405 405 405 405
# --- insights: a post's own brief sections (versioned) and the curated host institutions
insights:post-brief-sections    GET    post_a             302 200 200 404 200 200 200
insights:post-brief-sections    POST   post_a             302 405 405 405 405 405 405
insights:post-brief-section-edit GET   post_a.legal       302 403 200 404 403 200 200
insights:post-brief-section-edit POST  post_a.legal       302 403 302 404 403 302 302
insights:post-brief-section-edit GET   post_a.agenda      302 403 200 404 403 200 200
insights:post-brief-section-edit POST  post_a.agenda      302 403 302 404 403 302 302
insights:post-brief-section-edit GET   post_b.counterparts 302 403 404 200 403 200 200
insights:post-brief-section-edit POST  post_b.counterparts 302 403 404 302 403 302 302
insights:post-brief-section-history GET post_a.legal      302 200 200 404 200 200 200
insights:post-brief-section-history POST post_a.legal     302 405 405 405 405 405 405
insights:country-institutions   GET    FRA                302 200 200 200 200 200 200
insights:country-institutions   POST   FRA                302 405 405 405 405 405 405
insights:country-institution-add GET   FRA                302 403 200 403 403 200 200
insights:country-institution-add POST  FRA                302 403 302 403 403 302 302
insights:country-institution-edit GET  host_cnrs          302 403 200 403 403 200 200
insights:country-institution-edit POST host_cnrs          302 403 302 403 403 302 302
insights:country-institution-remove GET host_cnrs         302 405 405 405 405 405 405
insights:country-institution-remove POST host_cnrs        302 403 302 403 403 302 302
insights:post-brief-status      GET    post_a             302 404 404 404 404 404 404
insights:post-brief-status      POST   post_a             302 405 405 405 405 405 405
# --- registry: agreements
registry:agreement_list         GET    -                  302 200 200 200 200 200 200
registry:agreement_list         POST   -                  302 405 405 405 405 405 405
registry:agreement_create       GET    -                  302 403 200 200 200 200 200
registry:agreement_create       POST   -                  302 403 302 302 302 302 302
registry:agreement_detail       GET    agreement_a        302 200 200 404 200 200 200
registry:agreement_detail       GET    agreement_b        302 200 404 200 200 200 200
registry:agreement_detail       GET    agreement_shared   302 200 200 200 200 200 200
registry:agreement_detail       GET    agreement_central  302 200 404 404 200 200 200
registry:agreement_detail       POST   agreement_a        302 405 405 405 405 405 405
registry:agreement_edit         GET    agreement_a        302 403 200 404 200 200 200
registry:agreement_edit         POST   agreement_a        302 403 302 404 302 302 302
registry:agreement_edit         GET    agreement_shared   302 403 403 200 200 200 200
registry:agreement_edit         POST   agreement_shared   302 403 403 302 302 302 302
registry:agreement_edit         POST   agreement_central  302 403 404 404 302 302 302
registry:agreement_status       GET    agreement_a        302 405 405 405 405 405 405
registry:agreement_status       POST   agreement_a        302 403 302 404 302 302 302
registry:agreement_status       POST   agreement_shared   302 403 403 302 302 302 302
registry:ip_terms_edit          GET    agreement_a        302 403 403 404 200 200 200
registry:ip_terms_edit          POST   agreement_a        302 403 403 404 302 302 302
registry:ip_terms_edit          POST   agreement_central  302 403 404 404 302 302 302
registry:document_add           GET    agreement_a        302 405 405 405 405 405 405
registry:document_add           POST   agreement_a        302 403 302 404 302 302 302
registry:document_add           POST   agreement_shared   302 403 403 302 302 302 302
registry:document_download      GET    document_a         302 403 200 404 200 200 200
registry:document_download      GET    document_shared    302 403 404 200 200 200 200
registry:document_download      POST   document_a         302 405 405 405 405 405 405
registry:outcome_add            GET    agreement_a        302 405 405 405 405 405 405
registry:outcome_add            POST   agreement_a        302 403 302 404 302 302 302
registry:renewal_list           GET    -                  302 200 200 200 200 200 200
registry:renewal_list           POST   -                  302 405 405 405 405 405 405
# --- registry: posts, institutions, reference data
registry:post_list              GET    -                  302 200 200 200 200 200 200
registry:post_list              POST   -                  302 405 405 405 405 405 405
registry:post_detail            GET    post_a             302 200 200 404 200 200 200
registry:post_detail            GET    post_b             302 200 404 200 200 200 200
registry:post_detail            POST   post_a             302 405 405 405 405 405 405
registry:institution_list       GET    -                  302 200 200 200 200 200 200
registry:institution_list       POST   -                  302 405 405 405 405 405 405
registry:institution_detail     GET    cnrs               302 200 200 200 200 200 200
registry:institution_detail     POST   cnrs               302 405 405 405 405 405 405
registry:reference_sync         GET    -                  302 405 405 405 405 405 405
registry:reference_sync         POST   -                  302 403 403 403 403 403 302
# --- registry: strategic projects
registry:project_list           GET    -                  302 200 200 200 200 200 200
registry:project_list           POST   -                  302 405 405 405 405 405 405
registry:project_create         GET    -                  302 403 403 403 403 200 200
registry:project_create         POST   -                  302 403 403 403 403 302 302
registry:project_detail         GET    project            302 200 200 200 200 200 200
registry:project_detail         POST   project            302 405 405 405 405 405 405
registry:project_edit           GET    project            302 403 403 403 403 200 200
registry:project_edit           POST   project            302 403 403 403 403 302 302
registry:milestone_add          GET    project            302 405 405 405 405 405 405
registry:milestone_add          POST   project            302 403 403 403 403 302 302
registry:milestone_done         GET    milestone          302 405 405 405 405 405 405
registry:milestone_done         POST   milestone          302 403 403 403 403 302 302
# --- pipeline pages (opportunity_a: post A, submitted; opportunity_b: post B, negotiation)
pipeline:list                   GET    -                  302 200 200 200 200 200 200
pipeline:list                   POST   -                  302 405 405 405 405 405 405
pipeline:create                 GET    -                  302 403 200 200 403 200 200
pipeline:create                 POST   -                  302 403 302 302 403 302 302
pipeline:suggest                GET    -                  302 405 405 405 405 405 405
pipeline:suggest                POST   -                  302 403 200 200 403 200 200
pipeline:import                 GET    -                  302 403 200 200 403 200 200
pipeline:import                 POST   -                  302 403 200 200 403 200 200
pipeline:import_template        GET    -                  302 403 200 200 403 200 200
pipeline:import_template        POST   -                  302 405 405 405 405 405 405
pipeline:summary                GET    -                  302 200 200 200 200 200 200
pipeline:summary                POST   -                  302 405 405 405 405 405 405
pipeline:export                 GET    csv                302 200 200 200 200 200 200
pipeline:export                 GET    xlsx               302 200 200 200 200 200 200
pipeline:export                 GET    parquet            302 200 200 200 200 200 200
pipeline:export                 GET    pdf                302 404 404 404 404 404 404
pipeline:export                 POST   csv                302 405 405 405 405 405 405
pipeline:detail                 GET    opportunity_a      302 200 200 404 200 200 200
pipeline:detail                 GET    opportunity_b      302 200 404 200 200 200 200
pipeline:detail                 POST   opportunity_a      302 405 405 405 405 405 405
pipeline:edit                   GET    opportunity_a      302 403 200 404 403 200 200
pipeline:edit                   POST   opportunity_a      302 403 302 404 403 302 302
pipeline:edit                   GET    opportunity_b      302 403 404 403 403 200 200
pipeline:status                 GET    opportunity_a      302 405 405 405 405 405 405
pipeline:status                 POST   opportunity_a      302 403 302 404 403 302 302
pipeline:status                 POST   opportunity_b      302 403 404 403 302 302 302
pipeline:score                  GET    opportunity_a      302 405 405 405 405 405 405
pipeline:score                  POST   opportunity_a      302 403 403 404 403 302 302
pipeline:owner                  GET    opportunity_a      302 405 405 405 405 405 405
pipeline:owner                  POST   opportunity_a      302 403 403 404 403 302 302
pipeline:priorities             GET    opportunity_a      302 405 405 405 405 405 405
pipeline:priorities             POST   opportunity_a      302 403 302 404 403 302 302
pipeline:comment                GET    opportunity_a      302 405 405 405 405 405 405
pipeline:comment                POST   opportunity_a      302 403 302 404 302 302 302
pipeline:merge                  GET    opportunity_a      302 405 405 405 405 405 405
pipeline:merge                  POST   opportunity_a      302 403 403 404 403 302 302
pipeline:attachment_add         GET    opportunity_a      302 405 405 405 405 405 405
pipeline:attachment_add         POST   opportunity_a      302 403 302 404 403 302 302
pipeline:attachment_download    GET    attachment_a       302 403 200 404 403 200 200
pipeline:attachment_download    POST   attachment_a       302 405 405 405 405 405 405
# --- people: researchers (personal data; scope: the host countries of the officer's
# posts — researcher_fr is current in France (post A), researcher_de in Germany (post B))
people:list                     GET    -                  302 403 200 200 403 200 200
people:list                     POST   -                  302 405 405 405 405 405 405
people:export                   GET    -                  302 403 200 200 403 200 200
people:export                   POST   -                  302 405 405 405 405 405 405
people:import                   GET    -                  302 403 403 403 403 200 200
people:import                   POST   -                  302 403 403 403 403 200 200
people:detail                   GET    researcher_fr      302 403 200 404 403 200 200
people:detail                   GET    researcher_de      302 403 404 200 403 200 200
people:detail                   POST   researcher_fr      302 405 405 405 405 405 405
people:erase                    GET    researcher_fr      302 405 405 405 405 405 405
people:erase                    POST   researcher_fr      302 403 403 403 403 403 302
people:merge                    GET    suggestion         302 405 405 405 405 405 405
people:merge                    POST   suggestion         302 403 403 403 403 302 302
people:diaspora                 GET    FRA                302 403 200 200 403 200 200
people:diaspora                 POST   FRA                302 405 405 405 405 405 405
people:matches                  GET    opportunity_a      302 403 200 404 403 200 200
people:matches                  GET    opportunity_b      302 403 404 200 403 200 200
people:matches                  POST   opportunity_a      302 403 302 404 403 302 302
people:project_matches          GET    project            302 403 200 200 403 200 200
people:project_matches          POST   project            302 403 403 403 403 302 302
people:agreement_matches        GET    agreement_a        302 403 200 404 403 200 200
people:agreement_matches        GET    agreement_central  302 403 404 404 403 200 200
people:agreement_matches        POST   agreement_a        302 403 302 404 403 302 302
people:agreement_matches        POST   agreement_central  302 403 404 404 403 302 302
# --- forums (issue 15): the registry's forums, coverage, meetings (iCalendar), positions;
# delegates (people) only for legal officers, planners and administrators
forums:list                     GET    -                  302 200 200 200 200 200 200
forums:list                     POST   -                  302 405 405 405 405 405 405
forums:coverage                 GET    -                  302 200 200 200 200 200 200
forums:coverage                 POST   -                  302 405 405 405 405 405 405
forums:calendar                 GET    -                  302 200 200 200 200 200 200
forums:calendar                 POST   -                  302 405 405 405 405 405 405
forums:detail                   GET    forum              302 200 200 200 200 200 200
forums:detail                   GET    forum_missing      302 404 404 404 404 404 404
forums:detail                   POST   forum              302 405 405 405 405 405 405
forums:forum_calendar           GET    forum              302 200 200 200 200 200 200
forums:forum_calendar           POST   forum              302 405 405 405 405 405 405
forums:event_add                GET    forum              302 403 403 403 200 200 200
forums:event_add                POST   forum              302 403 403 403 302 302 302
forums:event_add                GET    forum_missing      302 404 404 404 404 404 404
forums:position_add             GET    forum              302 403 403 403 200 200 200
forums:position_add             POST   forum              302 403 403 403 302 302 302
forums:position_outcome         GET    position           302 403 403 403 200 200 200
forums:position_outcome         POST   position           302 403 403 403 302 302 302
forums:position_outcome         GET    position_missing   302 403 403 403 404 404 404
forums:delegate_add             GET    forum              302 403 403 403 200 200 200
forums:delegate_add             POST   forum              302 403 403 403 302 302 302
forums:delegate_remove          GET    delegate           302 405 405 405 405 405 405
forums:delegate_remove          POST   delegate           302 403 403 403 302 302 302
forums:delegate_remove          POST   delegate_missing   302 403 403 403 404 404 404
# --- search for the pickers (JSON, login required; results scoped: see test_search)
search:source                   GET    institutions       302 200 200 200 200 200 200
search:source                   GET    countries          302 200 200 200 200 200 200
search:source                   GET    agreements         302 200 200 200 200 200 200
search:source                   GET    opportunities      302 200 200 200 200 200 200
search:source                   GET    nothing            302 404 404 404 404 404 404
search:source                   POST   agreements         302 405 405 405 405 405 405
# --- the API's own pages (ninja): the OpenAPI document and its viewer are public
api:openapi-json                GET    -                  401 200 200 200 200 200 200
api:openapi-json                POST   -                  401 200 200 200 200 200 200
api:openapi-view                GET    -                  302 200 200 200 200 200 200
api:openapi-view                POST   -                  302 200 200 200 200 200 200
api:api-root                    GET    -                  404 404 404 404 404 404 404
api:api-root                    POST   -                  404 404 404 404 404 404 404
# --- API operations (operation ids of the OpenAPI document)
vinculo_web_api_me              GET    -                  401 200 200 200 200 200 200
registry_agreement_list         GET    -                  401 200 200 200 200 200 200
registry_agreement_get          GET    agreement_a        401 200 200 404 200 200 200
registry_agreement_get          GET    agreement_shared   401 200 200 200 200 200 200
registry_agreement_get          GET    agreement_central  401 200 404 404 200 200 200
registry_agreement_create       POST   -                  401 403 201 201 201 201 201
registry_agreement_update       PATCH  agreement_a        401 403 200 404 200 200 200
registry_agreement_update       PATCH  agreement_shared   401 403 403 200 200 200 200
registry_agreement_set_status   POST   agreement_a        401 403 200 404 200 200 200
registry_ip_terms_set           PUT    agreement_a        401 403 403 404 200 200 200
registry_ip_terms_set           PUT    agreement_b        401 403 404 403 200 200 200
registry_renewal_list           GET    -                  401 200 200 200 200 200 200
registry_institution_list       GET    -                  401 200 200 200 200 200 200
registry_institution_get        GET    cnrs               401 200 200 200 200 200 200
registry_post_list              GET    -                  401 200 200 200 200 200 200
registry_post_get               GET    post_a             401 200 200 404 200 200 200
registry_post_get               GET    post_b             401 200 404 200 200 200 200
registry_project_list           GET    -                  401 200 200 200 200 200 200
registry_project_get            GET    project            401 200 200 200 200 200 200
registry_project_create         POST   -                  401 403 403 403 403 201 201
registry_project_update         PATCH  project            401 403 403 403 403 200 200
# --- API: insights (no snapshot in these tests: 404 once authenticated; see test_insights)
insights_snapshot               GET    -                  401 404 404 404 404 404 404
insights_priority               GET    aerospace          401 404 404 404 404 404 404
insights_country                GET    FRA                401 404 404 404 404 404 404
insights_coverage               GET    -                  401 404 404 404 404 404 404
# --- mobility pages (an empty POST to the import is a 400 with the form's errors)
mobility:flows                  GET    -                  302 200 200 200 200 200 200
mobility:flows                  POST   -                  302 405 405 405 405 405 405
mobility:import                 GET    -                  302 403 200 200 403 200 200
mobility:import                 POST   -                  302 403 400 400 403 400 400
mobility:record_create          GET    -                  302 403 200 200 403 200 200
mobility:record_create          POST   -                  302 403 302 302 403 302 302
mobility:capital                GET    -                  302 200 200 200 200 200 200
mobility:capital                POST   -                  302 405 405 405 405 405 405
mobility:export                 GET    csv                302 200 200 200 200 200 200
mobility:export                 GET    xlsx               302 200 200 200 200 200 200
mobility:export                 GET    pdf                302 404 404 404 404 404 404
mobility:export                 POST   csv                302 405 405 405 405 405 405
# --- API: mobility
mobility_flows                  GET    -                  401 200 200 200 200 200 200
mobility_records                GET    -                  401 200 200 200 200 200 200
mobility_record_create          POST   -                  401 403 201 201 403 201 201
# --- API: forums
forums_list                     GET    -                  401 200 200 200 200 200 200
forums_coverage                 GET    -                  401 200 200 200 200 200 200
forums_country                  GET    FRA                401 200 200 200 200 200 200
forums_get                      GET    forum              401 200 200 200 200 200 200
forums_get                      GET    forum_missing      401 404 404 404 404 404 404
forums_event_list               GET    forum              401 200 200 200 200 200 200
forums_event_create             POST   forum              401 403 403 403 201 201 201
forums_position_list            GET    forum              401 200 200 200 200 200 200
forums_position_create          POST   forum              401 403 403 403 201 201 201
forums_position_update          PATCH  position           401 403 403 403 200 200 200
forums_position_update          PATCH  position_missing   401 403 403 403 404 404 404
forums_delegate_list            GET    forum              401 403 403 403 200 200 200
forums_delegate_create          POST   forum              401 403 403 403 201 201 201
# --- API: pipeline
pipeline_opportunity_list       GET    -                  401 200 200 200 200 200 200
pipeline_opportunity_create     POST   -                  401 403 201 201 403 201 201
pipeline_opportunity_get        GET    opportunity_a      401 200 200 404 200 200 200
pipeline_opportunity_get        GET    opportunity_b      401 200 404 200 200 200 200
pipeline_opportunity_update     PATCH  opportunity_a      401 403 200 404 403 200 200
pipeline_opportunity_transition POST   opportunity_a      401 403 200 404 403 200 200
pipeline_opportunity_transition POST   opportunity_b      401 403 404 403 200 200 200
pipeline_opportunity_score      POST   opportunity_a      401 403 403 404 403 200 200
pipeline_opportunity_assign     POST   opportunity_a      401 403 403 404 403 200 200
pipeline_opportunity_priorities PUT    opportunity_a      401 403 200 404 403 200 200
pipeline_comment_list           GET    opportunity_a      401 200 200 404 200 200 200
pipeline_comment_create         POST   opportunity_a      401 403 201 404 201 201 201
pipeline_history                GET    opportunity_a      401 200 200 404 200 200 200
pipeline_attachment_list        GET    opportunity_a      401 403 200 404 403 200 200
pipeline_attachment_create      POST   opportunity_a      401 403 201 404 403 201 201
pipeline_attachment_download    GET    attachment_a       401 403 200 404 403 200 200
pipeline_classify               POST   -                  401 200 200 200 200 200 200
pipeline_funnel                 GET    -                  401 200 200 200 200 200 200
# --- API: people
people_researcher_list          GET    -                  401 403 200 200 403 200 200
people_import                   POST   -                  401 403 403 403 403 201 201
people_researcher_get           GET    researcher_fr      401 403 200 404 403 200 200
people_researcher_get           GET    researcher_de      401 403 404 200 403 200 200
people_diaspora                 GET    FRA                401 403 200 200 403 200 200
people_matches                  GET    opportunity_a      401 403 200 404 403 200 200
people_matches                  GET    opportunity_b      401 403 404 200 403 200 200
people_project_matches          GET    project            401 403 200 200 403 200 200
people_project_shortlist        GET    project            401 403 200 200 403 200 200
people_project_shortlist_add    POST   project            401 403 403 403 403 201 201
people_agreement_matches        GET    agreement_a        401 403 200 404 403 200 200
people_agreement_matches        GET    agreement_central  401 403 404 404 403 200 200
people_agreement_shortlist      GET    agreement_a        401 403 200 404 403 200 200
people_agreement_shortlist      GET    agreement_central  401 403 404 404 403 200 200
people_agreement_shortlist_add  POST   agreement_a        401 403 201 404 403 201 201
people_agreement_shortlist_add  POST   agreement_central  401 403 404 404 403 201 201
people_shortlist                GET    opportunity_a      401 403 200 404 403 200 200
people_shortlist                GET    opportunity_b      401 403 404 200 403 200 200
people_shortlist_add            POST   opportunity_a      401 403 201 404 403 201 201
"""


def _parse(table: str) -> list[tuple[str, str, str, dict[str, int]]]:
    rows = []
    for line in table.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        route, method, target, *statuses = line.split()
        assert len(statuses) == len(PERSONAS), f"a status per persona: {line}"
        rows.append((route, method, target, dict(zip(PERSONAS, map(int, statuses), strict=True))))
    return rows


ROWS = _parse(MATRIX)

# ---------------------------------------------------------------- what a row points at
TARGETS: dict[str, Callable[[Registry], dict[str, Any]]] = {
    "-": lambda r: {},
    "agreement_a": lambda r: {"agreement_id": r.agreement_a.pk},
    "agreement_b": lambda r: {"agreement_id": r.agreement_b.pk},
    "agreement_shared": lambda r: {"agreement_id": r.agreement_shared.pk},
    "agreement_central": lambda r: {"agreement_id": r.agreement_central.pk},
    "document_a": lambda r: {"agreement_id": r.agreement_a.pk, "document_id": r.document_a.pk},
    "document_shared": lambda r: {
        "agreement_id": r.agreement_shared.pk,
        "document_id": r.document_shared.pk,
    },
    "token_a": lambda r: {"token_id": r.token_a.pk},
    "reset_bad": lambda r: {"uidb64": "MQ", "token": "not-a-valid-token"},
    "post_a": lambda r: {"post_id": r.post_a.pk},
    "post_b": lambda r: {"post_id": r.post_b.pk},
    "post_a.html": lambda r: {"post_id": r.post_a.pk, "file_format": "html"},
    "post_a.legal": lambda r: {"post_id": r.post_a.pk, "section": "legal"},
    "post_a.agenda": lambda r: {"post_id": r.post_a.pk, "section": "agenda"},
    "post_b.counterparts": lambda r: {"post_id": r.post_b.pk, "section": "counterparts"},
    "host_cnrs": lambda r: {"code": "FRA", "institution_id": r.host_cnrs.pk},
    "cnrs": lambda r: {"institution_id": r.cnrs.pk},
    "project": lambda r: {"project_id": r.project.pk},
    "milestone": lambda r: {"milestone_id": r.milestone.pk},
    "aerospace": lambda r: {"priority_id": "aerospace"},
    "FRA": lambda r: {"code": "FRA"},
    "opportunity_a": lambda r: {"opportunity_id": r.opportunity_a.pk},
    "opportunity_b": lambda r: {"opportunity_id": r.opportunity_b.pk},
    "attachment_a": lambda r: {
        "opportunity_id": r.opportunity_a.pk,
        "attachment_id": r.attachment_a.pk,
    },
    "csv": lambda r: {"file_format": "csv"},
    "xlsx": lambda r: {"file_format": "xlsx"},
    "parquet": lambda r: {"file_format": "parquet"},
    "pdf": lambda r: {"file_format": "pdf"},
    "institutions": lambda r: {"source": "institutions"},
    "countries": lambda r: {"source": "countries"},
    "agreements": lambda r: {"source": "agreements"},
    "opportunities": lambda r: {"source": "opportunities"},
    "nothing": lambda r: {"source": "nothing"},
    "researcher_fr": lambda r: {"researcher_id": _researcher("FRA").pk},
    "researcher_de": lambda r: {"researcher_id": _researcher("DEU").pk},
    "suggestion": lambda r: {"suggestion_id": _suggestion().pk},
    "transfer_fra": lambda r: _transfer_seeded({"country": "FRA"}),
    "transfer_fra_own": lambda r: _transfer_seeded({"country": "FRA", "dimension": "ownership"}),
    "transfer_none": lambda r: _transfer_seeded({"country": "ZZZ"}),
    "forum": lambda r: {"slug": "iec-tc-82"},
    "forum_missing": lambda r: {"slug": "no-such-forum"},
    "delegate": lambda r: {"slug": "iec-tc-82", "delegate_id": _delegate(r).pk},
    "delegate_missing": lambda r: {"slug": "iec-tc-82", "delegate_id": 999999},
    "position": lambda r: {"slug": "iec-tc-82", "position_id": _position(r).pk},
    "position_missing": lambda r: {"slug": "iec-tc-82", "position_id": 999999},
}


def _researcher(country: str) -> Researcher:
    """A researcher in the diaspora, currently in ``country`` (made once per test)."""
    found = Researcher.objects.filter(affiliations__country=country, affiliations__current=True)
    if found.exists():
        return found.first()  # type: ignore[return-value]
    researcher = Researcher.objects.create(
        name=f"Researcher in {country}", name_key=f"in researcher {country.lower()}",
        email=f"r.{country.lower()}@example.org", topics=["Sodium-ion battery pilot line"],
        orcid={"FRA": "0000-0002-1825-0097"}.get(country, "0000-0002-1694-233X"),
        openalex_id=f"A{len(country)}{ord(country[0])}", works_count=12, cited_by_count=30,
        diaspora="diaspora", hosts=[country], last_seen_at=timezone.now(),
    )  # fmt: skip
    Affiliation.objects.create(
        researcher=researcher, institution="UNAM", country="MEX", start_year=2005,
        end_year=2010, kind="education", source="test",
    )  # fmt: skip
    Affiliation.objects.create(
        researcher=researcher, institution="A laboratory", country=country, start_year=2012,
        kind="employment", current=True, source="test",
    )  # fmt: skip
    researchers_changed([researcher.pk])  # written directly: the derived tables follow
    return researcher


def _project_need(registry: Registry) -> str:
    """A specialist profile the project needs (the one a shortlist entry names)."""
    from vinculo.web.mobility.models import ProjectNeed

    ProjectNeed.objects.get_or_create(
        project=registry.project, profile="battery-engineer", year=2029,
        defaults={"specialists": 4},
    )  # fmt: skip
    return "battery-engineer"


def _suggestion() -> MergeSuggestion:
    one = _researcher("FRA")
    other = Researcher.objects.create(
        name="Researcher in FRA", name_key=one.name_key, last_seen_at=timezone.now()
    )
    Affiliation.objects.create(
        researcher=other, institution="A laboratory", country="FRA", kind="declared",
        source="test",
    )  # fmt: skip
    return MergeSuggestion.objects.create(researcher=one, candidate=other, reason="test")


def _transfer_seeded(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The transfer records of France, from the repository file (idempotent)."""
    transfer_seed(models={"FRA": default_transfer_models()["FRA"]})
    return kwargs


def _transfer_write(registry: Registry, persona: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    facts = default_transfer_models()["FRA"].dimension("ownership")
    return {"text": yaml.safe_dump([fact_as_dict(f) for f in facts], allow_unicode=True)}


def _position(registry: Registry) -> Any:
    """A position submitted to iec-tc-82 (created for the rows that record its outcome)."""
    import datetime as dt

    from vinculo.web.forums.models import Forum, Position

    forum, _created = Forum.objects.get_or_create(slug="iec-tc-82")
    return Position.objects.create(forum=forum, title="Comments", submitted_on=dt.date(2027, 1, 5))


def _delegate(registry: Registry) -> Any:
    """A delegate of iec-tc-82 (created for the row that removes it)."""
    from vinculo.web.forums.models import Delegate, Forum

    forum, _created = Forum.objects.get_or_create(slug="iec-tc-82")
    return Delegate.objects.create(forum=forum, name="A delegate")


def _own_post(registry: Registry, persona: str) -> int:
    """The post an officer writes for; post A for everyone else."""
    return (registry.post_b if persona == "officer_b" else registry.post_a).pk


def _form_data(initial: dict[str, Any]) -> dict[str, Any]:
    """A form's initial values as a browser would post them."""
    data: dict[str, Any] = {}
    for name, value in initial.items():
        if value is None or value is False:
            continue
        if name in ("institutions", "partner_institutions"):
            data[name] = "\n".join(i.ror_id for i in value)
        elif name == "lead_institution":
            data[name] = value.ror_id
        elif name == "agreements":
            data[name] = [a.pk for a in value]
        else:
            data[name] = value
    return data


def _agreement_edit(registry: Registry, persona: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    agreement = next(
        a
        for a in (registry.agreement_a, registry.agreement_shared, registry.agreement_central)
        if a.pk == kwargs["agreement_id"]
    )
    return _form_data(AgreementForm.initial_from(agreement)) | {"title": "Renamed"}


def _section_write(registry: Registry, persona: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    if kwargs["section"] == "legal":
        return {"based_on": "0", "text": "The 1972 framework agreement."}
    return {
        "based_on": "0",
        "entries-TOTAL_FORMS": "1",
        "entries-INITIAL_FORMS": "0",
        "entries-0-text": "Joint commission",
        "entries-0-date": "2027-03-01",
    }


_HOST_INSTITUTION = {
    "priority": "batteries",
    "kind": "research",
    "name": "Commissariat à l'énergie atomique et aux énergies alternatives",
    "acronym": "CEA",
    "source_publisher": "Test publisher",
    "source_title": "A test source",
    "source_url": "https://example.org/cea",
    "source_date": "2025-01-15",
}


PAGE_WRITES: dict[str, Callable[[Registry, str, dict[str, Any]], dict[str, Any]]] = {
    "people:import": lambda r, p, k: {
        "file": SimpleUploadedFile(
            "contacts.csv",
            b"name,institution,country,current\nAna Ruiz,CNRS,FR,1\n",
            content_type="text/csv",
        )
    },
    "people:merge": lambda r, p, k: {"decision": "accept"},
    "people:matches": lambda r, p, k: {"researcher": str(_researcher("FRA").pk)},
    "people:agreement_matches": lambda r, p, k: {"researcher": str(_researcher("FRA").pk)},
    "mobility:record_create": lambda r, p, k: {
        "direction": "out",
        "partner_country": "FRA",
        "starts_on": "2026-09-01",
        "funding": "home",
    },
    "people:project_matches": lambda r, p, k: {
        "researcher": str(_researcher("FRA").pk),
        "profile": _project_need(r),
    },
    "transfer:dimension_edit": _transfer_write,
    "forums:event_add": lambda r, p, k: {
        "title": "Plenary",
        "starts_on": "2027-05-03",
        "ends_on": "2027-05-05",
    },
    "forums:position_add": lambda r, p, k: {
        "title": "Comments on a draft",
        "submitted_on": "2027-05-04",
        "outcome": "pending",
    },
    "forums:delegate_add": lambda r, p, k: {"name": "A delegate"},
    "forums:position_outcome": lambda r, p, k: {"outcome": "adopted"},
    "insights:post-brief-section-edit": _section_write,
    "insights:country-institution-add": lambda r, p, k: _HOST_INSTITUTION,
    "insights:country-institution-edit": lambda r, p, k: _HOST_INSTITUTION,
    "accounts:login": lambda r, p, k: {"username": "nobody", "password": "wrong"},
    "accounts:language": lambda r, p, k: {"language": "es", "next": "/"},
    "accounts:token_create": lambda r, p, k: {"name": "nightly export"},
    "accounts:password_change": lambda r, p, k: {
        "old_password": PASSWORD,
        "new_password1": "another-long-password-2",
        "new_password2": "another-long-password-2",
    },
    "accounts:password_reset": lambda r, p, k: {"email": "olga@example.org"},
    "accounts:password_reset_confirm": lambda r, p, k: {
        "new_password1": "another-long-password-2",
        "new_password2": "another-long-password-2",
    },
    "registry:agreement_create": lambda r, p, k: {
        "title": "New agreement",
        "kind": "mobility",
        "status": "draft",
        "post": _own_post(r, p),
        "partner_country": "FRA",
        "institutions": "01tmp8f25",
        "priorities": ["aerospace"],
        "renewal_notice_days": "90",
    },
    "registry:agreement_edit": _agreement_edit,
    "registry:agreement_status": lambda r, p, k: {
        "status": "expired",  # in force -> expired is allowed
        "confirm": "on",  # it ends the agreement: confirmed
    },
    "registry:ip_terms_edit": lambda r, p, k: {
        "background_ip": "each_party",
        "foreground_ip": "joint",
        "licensing": "open",
        "royalty_home_percent": "10",
    },
    "registry:document_add": lambda r, p, k: {
        "file": SimpleUploadedFile("memo.pdf", PDF, content_type="application/pdf")
    },
    "registry:outcome_add": lambda r, p, k: {"kind": "patent", "description": "A patent"},
    "registry:project_create": lambda r, p, k: {
        "name": "Satellites",
        "status": "planned",
        "budget_usd": "5",
    },
    "registry:project_edit": lambda r, p, k: (
        _form_data(ProjectForm.initial_from(r.project)) | {"name": "Renamed"}
    ),
    "registry:milestone_add": lambda r, p, k: {"title": "Site selection"},
    "registry:milestone_done": lambda r, p, k: {"done": "on"},
    "pipeline:create": lambda r, p, k: {
        "title": "Satellite ground station access",
        "description": "An observatory offers time on its ground station for satellites.",
        "kind": "infrastructure",
        "post": _own_post(r, p),
        "host_country": "FRA",
        "currency": "EUR",
        "amount_offered": "1000",
    },
    "pipeline:suggest": lambda r, p, k: {
        "title": "Lithium-ion battery recycling",
        "description": "A recycling plant for electric-vehicle batteries seeks partners.",
        "post": _own_post(r, p),
    },
    "pipeline:import": lambda r, p, k: {
        "file": SimpleUploadedFile(
            "offers.csv",
            f"title,description,kind,post\nGrid storage,Battery storage for the grid,"
            f"co_investment,{_own_post(r, p)}\n".encode(),
            content_type="text/csv",
        )
    },
    "pipeline:edit": lambda r, p, k: {
        "version": "1",
        "title": "Renamed",
        "description": "A CNRS laboratory offers access to its pilot line.",
        "kind": "infrastructure",
        "host_country": "FRA",
        "currency": "EUR",
        "amount_offered": "250000",
    },
    "pipeline:status": lambda r, p, k: (
        {"version": "1", "status": "closed", "confirm": "on"}
        if k["opportunity_id"] == r.opportunity_a.pk
        else {"version": "1", "status": "agreed", "agreement": str(r.agreement_b.pk)}
    ),
    "pipeline:score": lambda r, p, k: {
        "version": "1",
        "relevance": "4",
        "capacity": "4",
        "added_value": "3",
        "feasibility": "3",
    },
    "pipeline:owner": lambda r, p, k: {"version": "1", "owner": str(r.users["planner"].pk)},
    "pipeline:priorities": lambda r, p, k: {"version": "1", "priorities": ["batteries"]},
    "pipeline:comment": lambda r, p, k: {"text": "Called the laboratory."},
    "pipeline:merge": lambda r, p, k: {"version": "1", "duplicate": str(r.opportunity_b.pk)},
    "pipeline:attachment_add": lambda r, p, k: {
        "file": SimpleUploadedFile("memo.pdf", PDF, content_type="application/pdf")
    },
}

API_BODIES: dict[str, Callable[[Registry, str], dict[str, Any]]] = {
    "people_shortlist_add": lambda r, p: {"researcher": _researcher("FRA").pk},
    "people_agreement_shortlist_add": lambda r, p: {"researcher": _researcher("FRA").pk},
    "mobility_record_create": lambda r, p: {
        "direction": "in",
        "partner_country": "DEU",
        "starts_on": "2026-09-01",
    },
    "people_project_shortlist_add": lambda r, p: {
        "researcher": _researcher("FRA").pk,
        "profile": _project_need(r),
    },
    "people_import": lambda r, p: {
        "file": SimpleUploadedFile(
            "contacts.csv", b"name,institution,country\nAna Ruiz,CNRS,FR\n", "text/csv"
        )
    },
    "forums_event_create": lambda r, p: {
        "title": "Plenary",
        "starts_on": "2027-05-03",
        "ends_on": "2027-05-05",
    },
    "forums_position_create": lambda r, p: {
        "title": "Comments on a draft",
        "submitted_on": "2027-05-04",
    },
    "forums_delegate_create": lambda r, p: {"name": "A delegate"},
    "forums_position_update": lambda r, p: {"outcome": "adopted"},
    "registry_agreement_create": lambda r, p: {
        "title": "New agreement",
        "kind": "mobility",
        "partner_country": "FRA",
        "post": _own_post(r, p),
        "institutions": [r.unam.pk],
    },
    "registry_agreement_update": lambda r, p: {"title": "Renamed"},
    "registry_agreement_set_status": lambda r, p: {"status": "expired"},
    "registry_ip_terms_set": lambda r, p: {
        "background_ip": "each_party",
        "foreground_ip": "joint",
        "licensing": "open",
    },
    "registry_project_create": lambda r, p: {"name": "Satellites"},
    "registry_project_update": lambda r, p: {"name": "Renamed"},
    "pipeline_opportunity_create": lambda r, p: {
        "title": "Satellite ground station access",
        "description": "An observatory offers time on its ground station for satellites.",
        "kind": "infrastructure",
        "post": _own_post(r, p),
    },
    "pipeline_opportunity_update": lambda r, p: {"version": 1, "title": "Renamed"},
    "pipeline_opportunity_transition opportunity_a": lambda r, p: {
        "version": 1,
        "status": "closed",
    },
    "pipeline_opportunity_transition opportunity_b": lambda r, p: {
        "version": 1,
        "status": "agreed",
        "agreement": r.agreement_b.pk,
    },
    "pipeline_opportunity_score": lambda r, p: {
        "version": 1,
        "relevance": 4,
        "capacity": 4,
        "added_value": 3,
        "feasibility": 3,
    },
    "pipeline_opportunity_assign": lambda r, p: {"version": 1, "owner": "pablo"},
    "pipeline_opportunity_priorities": lambda r, p: {"version": 1, "priorities": ["batteries"]},
    "pipeline_comment_create": lambda r, p: {"text": "Called the laboratory."},
    "pipeline_attachment_create": lambda r, p: {
        "file": SimpleUploadedFile("offer.pdf", PDF, content_type="application/pdf")
    },
    "pipeline_classify": lambda r, p: {"text": "Satellite earth observation ground station"},
}


# ---------------------------------------------------------------- the routes that exist
def _django_routes() -> dict[str, str]:
    """Every named URL pattern outside the exclusions: ``namespace:name`` -> route."""
    found: dict[str, str] = {}

    def walk(patterns: list[Any], prefix: str, namespace: str | None) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(EXCLUDED_PREFIXES):
                continue
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                walk(pattern.url_patterns, route, inner or namespace)
            else:
                assert isinstance(pattern, URLPattern)
                name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
                assert pattern.name, f"unnamed URL pattern {route}: name it"
                found[name] = route

    walk(get_resolver().url_patterns, "", None)
    return found


def _openapi_path(route: str) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def _operations() -> dict[str, tuple[str, str]]:
    """Every API operation: id -> (method, path)."""
    document = api.get_openapi_schema()
    return {
        operation["operationId"]: (method.upper(), path)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }


def _pages_and_operations() -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    operations = _operations()
    api_paths = {path for _method, path in operations.values()}
    pages = {
        name: route
        for name, route in _django_routes().items()
        if _openapi_path(route) not in api_paths  # served by API operations: below
    }
    return pages, operations


def test_every_route_is_in_the_matrix():
    pages, operations = _pages_and_operations()
    in_table: dict[str, set[str]] = {}
    for route, method, _target, _statuses in ROWS:
        in_table.setdefault(route, set()).add(method)
    missing_pages = sorted(
        name for name in pages if not {"GET", "POST"} <= in_table.get(name, set())
    )
    missing_operations = sorted(
        op for op, (method, _path) in operations.items() if method not in in_table.get(op, set())
    )
    stale = sorted(set(in_table) - set(pages) - set(operations))
    assert not missing_pages, f"pages without a GET and a POST row: {missing_pages}"
    assert not missing_operations, f"API operations without a row: {missing_operations}"
    assert not stale, f"rows for routes that no longer exist: {stale}"
    for op, (method, _path) in operations.items():
        assert in_table[op] == {method}, f"{op} is a {method} operation"


def test_every_api_url_is_an_operation_in_the_document():
    """An API path hidden from the OpenAPI document would escape the matrix."""
    operations = _operations()
    api_paths = {path for _method, path in operations.values()}
    for name, route in _django_routes().items():
        if name.startswith("api:") and name not in ("api:openapi-json", "api:openapi-view"):
            assert name == "api:api-root" or _openapi_path(route) in api_paths, name


# ---------------------------------------------------------------- the matrix itself
def _cases() -> list[Any]:
    return [
        pytest.param(
            route,
            method,
            target,
            persona,
            statuses[persona],
            id=f"{route}-{method}-{target}-{persona}",
        )
        for route, method, target, statuses in ROWS
        for persona in PERSONAS
    ]


@pytest.mark.parametrize(("route", "method", "target", "persona", "expected"), _cases())
def test_matrix(registry, route, method, target, persona, expected):
    client = login(persona, registry)
    kwargs = TARGETS[target](registry)
    if ":" in route:  # a page
        url = reverse(route, kwargs=kwargs)
        if method == "GET":
            response = client.get(url)
        else:
            builder = PAGE_WRITES.get(route)
            response = client.post(url, builder(registry, persona, kwargs) if builder else {})
        if response.status_code == 302 and persona == "anonymous" and route not in PUBLIC:
            assert response["Location"].startswith("/accounts/login/")
    else:  # an API operation
        op_method, path = _operations()[route]
        assert op_method == method
        url = path.format(**kwargs)
        builder = API_BODIES.get(f"{route} {target}") or API_BODIES.get(route)
        body = builder(registry, persona) if builder else None
        if body and any(isinstance(v, SimpleUploadedFile) for v in body.values()):
            response = client.post(url, body)  # multipart
        else:
            response = client.generic(
                method,
                url,
                data=b"" if body is None else json.dumps(body),
                content_type="application/json",
            )
        if response.status_code >= 400:
            assert response["Content-Type"].startswith("application/json"), response.content
    assert response.status_code == expected, response.content[:500]
    assert_strict_policy(response)  # every answer, page or API, of every route


# ---------------------------------------------------------------- personal fields
#: Every personal field of a researcher and who reads it (API profile, page, list):
#: officer_a's scope holds researcher_fr; contact fields only for planners and admins.
PERSONAL_FIELDS = """
name            -   -   yes -   -   yes yes
orcid           -   -   yes -   -   yes yes
openalex_id     -   -   yes -   -   yes yes
topics          -   -   yes -   -   yes yes
works_count     -   -   yes -   -   yes yes
cited_by_count  -   -   yes -   -   yes yes
affiliations    -   -   yes -   -   yes yes
evidence        -   -   yes -   -   yes yes
email           -   -   -   -   -   yes yes
"""


def _personal_cases() -> list[Any]:
    cases = []
    for line in PERSONAL_FIELDS.strip().splitlines():
        name, *seen = line.split()
        for persona, mark in zip(PERSONAS, seen, strict=True):
            cases.append(pytest.param(name, persona, mark == "yes", id=f"{name}-{persona}"))
    return cases


def test_every_personal_field_is_in_the_matrix():
    from vinculo.web.people.api import ProfileOut

    listed = {line.split()[0] for line in PERSONAL_FIELDS.strip().splitlines()}
    personal = set(ProfileOut.model_fields) - {"id", "diaspora", "diaspora_reason", "hosts"}
    assert personal == listed


@pytest.mark.parametrize(("field", "persona", "seen"), _personal_cases())
def test_personal_field(registry, field, persona, seen):
    researcher = _researcher("FRA")
    client = login(persona, registry)
    response = client.get(f"/api/v1/people/researchers/{researcher.pk}")
    if response.status_code != 200:
        assert not seen
        return
    value = response.json()[field]
    assert bool(value) == seen, (field, value)
    page = client.get(f"/people/{researcher.pk}/").content.decode()
    listed = client.get("/api/v1/people/researchers").content.decode()
    export = client.get("/people/export.csv").content.decode()
    if field == "email":
        assert (researcher.email in page) == seen
        assert (researcher.email in listed) == seen
        assert (researcher.email in export) == seen
    else:
        assert researcher.name in export
