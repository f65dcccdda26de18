"""URLs of the public notice, the published results and the secretariat's publication pages
(inside the language prefix). The open data live outside it: publication/open_data_urls.py."""

from django.urls import path

from .views import organiser, public

app_name = "publication"

urlpatterns = [
    path("notice/", public.notice, name="notice"),
    path("notice/objection/", public.objection, name="objection"),
    path("notice/objection/received/", public.objection_received, name="objection_received"),
    path("results/<int:year>/", public.results, name="results"),
    path("results/<int:year>/results-book.pdf", public.results_book, name="results_book"),
    path(
        "results/<int:year>/certificates/<slug:code>.pdf",
        public.certificate,
        name="certificate",
    ),
    # The secretariat.
    path("final/organiser/publication/", organiser.dashboard, name="dashboard"),
    path("final/organiser/publication/publish/", organiser.publish, name="publish"),
    path(
        "final/organiser/objections/<int:pk>/", organiser.objection_detail, name="objection_detail"
    ),
    path(
        "final/organiser/objections/<int:pk>/file/", organiser.objection_file, name="objection_file"
    ),
    path(
        "final/organiser/objections/<int:pk>/remove-winner/",
        organiser.remove_winner,
        name="remove_winner",
    ),
    path(
        "final/organiser/objections/<int:pk>/consequence/",
        organiser.record_consequence,
        name="record_consequence",
    ),
    path(
        "final/organiser/publication/<slug:code>/freed-places/",
        organiser.decide_freed,
        name="decide_freed",
    ),
]
