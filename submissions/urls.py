from django.urls import path

from .views import public

app_name = "submissions"

urlpatterns = [
    path("", public.home, name="home"),
]
