"""Writes of the registry. Each is keyword-only, checks that the actor may do it (the views
and the API check first through the selectors; this is the second lock, for scripts), runs
in one transaction and leaves an audit record: who, what, and each field's before/after.

One module per subject: ``agreements`` (with IP terms and outcomes), ``documents``,
``projects`` (with milestones), ``reference`` (countries and institutions).
"""

from vinculo.web.registry.services.agreements import (
    STATUS_TRANSITIONS,
    agreement_create,
    agreement_set_status,
    agreement_update,
    ip_terms_set,
    outcome_add,
)
from vinculo.web.registry.services.documents import (
    DOCUMENT_TYPES,
    MAX_DOCUMENT_BYTES,
    document_kind,
    document_upload,
)
from vinculo.web.registry.services.projects import (
    milestone_add,
    milestone_set_done,
    project_create,
    project_update,
)
from vinculo.web.registry.services.reference import (
    ImportSummary,
    countries_sync,
    institutions_import_from_store,
)

__all__ = [
    "DOCUMENT_TYPES",
    "MAX_DOCUMENT_BYTES",
    "STATUS_TRANSITIONS",
    "ImportSummary",
    "agreement_create",
    "agreement_set_status",
    "agreement_update",
    "countries_sync",
    "document_kind",
    "document_upload",
    "institutions_import_from_store",
    "ip_terms_set",
    "milestone_add",
    "milestone_set_done",
    "outcome_add",
    "project_create",
    "project_update",
]
