from django.urls import path

app_name = "registry"
urlpatterns: list[path] = []  # type: ignore[valid-type]
