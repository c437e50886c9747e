from django.urls import path

from vinculo.web.forums import views

app_name = "forums"
urlpatterns = [
    path("", views.forum_list, name="list"),
    path("coverage/", views.coverage_page, name="coverage"),
    path("calendar.ics", views.calendar_all, name="calendar"),
    path("<slug:slug>/", views.forum_detail, name="detail"),
    path("<slug:slug>/calendar.ics", views.calendar_forum, name="forum_calendar"),
    path("<slug:slug>/meetings/new/", views.event_add, name="event_add"),
    path("<slug:slug>/positions/new/", views.position_add, name="position_add"),
    path(
        "<slug:slug>/positions/<int:position_id>/outcome/",
        views.position_outcome,
        name="position_outcome",
    ),
    path("<slug:slug>/delegates/new/", views.delegate_add, name="delegate_add"),
    path(
        "<slug:slug>/delegates/<int:delegate_id>/remove/",
        views.delegate_delete,
        name="delegate_remove",
    ),
]
