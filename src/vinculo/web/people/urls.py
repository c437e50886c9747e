"""Researchers' pages under /people/ (namespace ``people``)."""

from django.urls import path

from vinculo.web.people import views

app_name = "people"
urlpatterns = [
    path("", views.researcher_list, name="list"),
    path("import/", views.researcher_import, name="import"),
    path("export.csv", views.researcher_export, name="export"),
    path("<int:researcher_id>/", views.researcher_detail, name="detail"),
    path("<int:researcher_id>/erase/", views.researcher_erase_view, name="erase"),
    path("merge/<int:suggestion_id>/", views.merge, name="merge"),
    path("diaspora/<str:code>/", views.diaspora, name="diaspora"),
    path("opportunity/<int:opportunity_id>/", views.matches, name="matches"),
    path("project/<int:project_id>/", views.project_matches, name="project_matches"),
    path("agreement/<int:agreement_id>/", views.agreement_matches, name="agreement_matches"),
]
