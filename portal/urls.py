"""The signed-in person's own pages under /me/: the dashboard (here) and the preferences
(accounts). The namespace stays `accounts` (`accounts:dashboard` is the sign-in redirect and
is named in many templates); it moved here with the dashboard because accounts may not import
the apps the dashboard reads."""

from django.urls import path

from accounts import views as accounts_views

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("preferences/", accounts_views.preferences, name="preferences"),
]
