"""Mobility pages under /mobility/ (namespace ``mobility``)."""

from django.urls import path

from vinculo.web.mobility import views

app_name = "mobility"
urlpatterns = [
    path("", views.flows_page, name="flows"),
    path("import/", views.import_page, name="import"),
    path("new/", views.record_create_page, name="record_create"),
    path("capital/", views.capital, name="capital"),
    path("export.<str:file_format>", views.export, name="export"),
]
