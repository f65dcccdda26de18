from django.urls import path

from . import views

app_name = "archives"

urlpatterns = [
    path("", views.archive_list, name="archive_list"),
    path("request/", views.archive_request, name="archive_request"),
    path("<int:pk>/download/", views.archive_download, name="archive_download"),
]
