"""Registry pages under /registry/ (namespace ``registry``)."""

from django.urls import path

from vinculo.web.registry import views

app_name = "registry"
urlpatterns = [
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/new/", views.agreement_create_view, name="agreement_create"),
    path("agreements/<int:agreement_id>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:agreement_id>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<int:agreement_id>/status/", views.agreement_status, name="agreement_status"),
    path("agreements/<int:agreement_id>/ip-terms/", views.ip_terms_edit, name="ip_terms_edit"),
    path("agreements/<int:agreement_id>/documents/", views.document_add, name="document_add"),
    path(
        "agreements/<int:agreement_id>/documents/<int:document_id>/",
        views.document_download,
        name="document_download",
    ),
    path("agreements/<int:agreement_id>/outcomes/", views.outcome_create, name="outcome_add"),
    path("renewals/", views.renewal_list, name="renewal_list"),
    path("posts/", views.post_list, name="post_list"),
    path("posts/<int:post_id>/", views.post_detail, name="post_detail"),
    path("institutions/", views.institution_list, name="institution_list"),
    path(
        "institutions/<int:institution_id>/",
        views.institution_detail,
        name="institution_detail",
    ),
    path("reference-data/sync/", views.reference_sync, name="reference_sync"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create_view, name="project_create"),
    path("projects/<int:project_id>/", views.project_detail, name="project_detail"),
    path("projects/<int:project_id>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:project_id>/milestones/", views.milestone_create, name="milestone_add"),
    path("milestones/<int:milestone_id>/done/", views.milestone_done, name="milestone_done"),
]
