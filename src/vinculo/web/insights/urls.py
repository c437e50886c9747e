from django.urls import path

from vinculo.web.insights import postviews, views

app_name = "insights"
urlpatterns = [
    path("", views.home, name="home"),
    path("briefs/", views.briefs, name="briefs"),
    path("priorities/<slug:priority_id>/", views.priority_page, name="priority"),
    path("countries/", views.countries, name="countries"),
    path("evidence/", views.evidence, name="evidence"),
    path("countries/<str:code>/", views.country_page, name="country"),
    path("posts/<int:post_id>/brief.<str:file_format>", views.post_brief, name="post-brief"),
    # a post's own brief sections (versioned) and the curated host institutions
    path(
        "posts/<int:post_id>/brief/sections/",
        postviews.post_sections,
        name="post-brief-sections",
    ),
    path(
        "posts/<int:post_id>/brief/sections/<slug:section>/edit/",
        postviews.post_section_edit,
        name="post-brief-section-edit",
    ),
    path(
        "posts/<int:post_id>/brief/sections/<slug:section>/history/",
        postviews.post_section_history,
        name="post-brief-section-history",
    ),
    path(
        "countries/<str:code>/institutions/",
        postviews.host_institutions,
        name="country-institutions",
    ),
    path(
        "countries/<str:code>/institutions/new/",
        postviews.host_institution_add,
        name="country-institution-add",
    ),
    path(
        "countries/<str:code>/institutions/<int:institution_id>/edit/",
        postviews.host_institution_edit,
        name="country-institution-edit",
    ),
    path(
        "countries/<str:code>/institutions/<int:institution_id>/remove/",
        postviews.host_institution_delete,
        name="country-institution-remove",
    ),
    path("posts/<int:post_id>/brief/status/", views.post_brief_status, name="post-brief-status"),
]
