from django.urls import path

from vinculo.web.insights import views

app_name = "insights"
urlpatterns = [path("", views.home, name="home")]
