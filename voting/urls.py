from django.urls import path

from .views import member, organiser, teller

app_name = "voting"

urlpatterns = [
    # The committee member's ballot.
    path("", member.member_rounds, name="member_rounds"),
    path("rounds/<int:pk>/", member.member_ballot, name="member_ballot"),
    path("rounds/<int:pk>/cast/", member.member_cast, name="member_cast"),
    # Tellers: their secret, their rounds, and the count.
    path("teller/", teller.teller_home, name="teller_home"),
    path("rounds/<int:pk>/count/", teller.teller_count, name="teller_count"),
    # The secretariat.
    path("organiser/", organiser.organiser_rounds, name="organiser_rounds"),
    path("organiser/<slug:code>/open/", organiser.organiser_open, name="organiser_open"),
    path("organiser/rounds/<int:pk>/", organiser.organiser_round, name="organiser_round"),
    path("organiser/rounds/<int:pk>/close/", organiser.organiser_close, name="organiser_close"),
    path(
        "organiser/rounds/<int:pk>/certify/", organiser.organiser_certify, name="organiser_certify"
    ),
    path("organiser/rounds/<int:pk>/runoff/", organiser.organiser_runoff, name="organiser_runoff"),
    path("organiser/rounds/<int:pk>/void/", organiser.organiser_void, name="organiser_void"),
    path("organiser/rounds/<int:pk>/rerun/", organiser.organiser_rerun, name="organiser_rerun"),
    path(
        "organiser/place-decisions/<int:pk>/runoff/",
        organiser.organiser_vacancy_runoff,
        name="organiser_vacancy_runoff",
    ),
]
