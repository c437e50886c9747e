from django.urls import path

from vinculo.web.insights import views

app_name = "insights"
urlpatterns = [
    path("", views.home, name="home"),
    path("briefs/", views.briefs, name="briefs"),
    path("priorities/<slug:priority_id>/", views.priority_page, name="priority"),
    path("countries/", views.countries, name="countries"),
    path("countries/<str:code>/", views.country_page, name="country"),
    path("posts/<int:post_id>/brief.<str:file_format>", views.post_brief, name="post-brief"),
    path("posts/<int:post_id>/brief/status/", views.post_brief_status, name="post-brief-status"),
]
