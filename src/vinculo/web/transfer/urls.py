"""Transfer pages under /transfer/ (namespace ``transfer``)."""

from django.urls import path

from vinculo.web.transfer import views

app_name = "transfer"
urlpatterns = [
    path("", views.comparison, name="comparison"),
    path("<str:country>/<str:dimension>/", views.dimension_edit, name="dimension_edit"),
]
