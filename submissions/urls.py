from django.urls import path

from .views import nominator, public

app_name = "submissions"

urlpatterns = [
    path("", public.home, name="home"),
    path("criteria/", public.criteria, name="criteria"),
    path("channels/", public.channels, name="channels"),
    path("calendar/", public.calendar, name="calendar"),
    path("faq/", public.faq, name="faq"),
    path("contact/", public.contact, name="contact"),
    # The nominating organisation's pages.
    path("my/organisation/", nominator.organisation_profile, name="organisation_profile"),
    path("my/nominations/", nominator.nomination_list, name="nomination_list"),
    path("my/nominations/new/", nominator.nomination_create, name="nomination_create"),
    path("my/nominations/<slug:code>/", nominator.nomination_detail, name="nomination_detail"),
    path("my/nominations/<slug:code>/edit/", nominator.nomination_edit, name="nomination_edit"),
    path(
        "my/nominations/<slug:code>/autosave/",
        nominator.nomination_autosave,
        name="nomination_autosave",
    ),
    path(
        "my/nominations/<slug:code>/submit/", nominator.nomination_submit, name="nomination_submit"
    ),
    path(
        "my/nominations/<slug:code>/withdraw/",
        nominator.nomination_withdraw,
        name="nomination_withdraw",
    ),
]
