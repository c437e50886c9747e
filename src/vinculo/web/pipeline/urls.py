"""Pipeline pages under /pipeline/ (namespace ``pipeline``)."""

from django.urls import path

from vinculo.web.pipeline import views

app_name = "pipeline"
urlpatterns = [
    path("", views.opportunity_list, name="list"),
    path("new/", views.opportunity_create, name="create"),
    path("suggest/", views.suggest, name="suggest"),
    path("import/", views.opportunity_import, name="import"),
    path("import/template.csv", views.import_template, name="import_template"),
    path("summary/", views.pipeline_summary, name="summary"),
    path("export.<str:file_format>", views.opportunity_export, name="export"),
    path("<int:opportunity_id>/", views.opportunity_detail, name="detail"),
    path("<int:opportunity_id>/edit/", views.opportunity_edit, name="edit"),
    path("<int:opportunity_id>/status/", views.opportunity_status, name="status"),
    path("<int:opportunity_id>/score/", views.opportunity_score_view, name="score"),
    path("<int:opportunity_id>/owner/", views.opportunity_owner, name="owner"),
    path("<int:opportunity_id>/priorities/", views.opportunity_priorities, name="priorities"),
    path("<int:opportunity_id>/comments/", views.opportunity_comment, name="comment"),
    path("<int:opportunity_id>/merge/", views.opportunity_merge_view, name="merge"),
    path("<int:opportunity_id>/attachments/", views.attachment_create, name="attachment_add"),
    path(
        "<int:opportunity_id>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
]
