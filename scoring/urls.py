"""URLs of the scoring: the expert's pages and the secretariat's ranking (namespace "scoring")."""

from django.urls import path

from .views import expert, ranking

app_name = "scoring"

urlpatterns = [
    # The expert's pages.
    path("", expert.dashboard, name="dashboard"),
    path("entries/<slug:code>/", expert.entry, name="entry"),
    path("entries/<slug:code>/autosave/", expert.autosave, name="autosave"),
    path(
        "entries/<slug:code>/files/<int:pk>/",
        expert.attachment_download,
        name="attachment_download",
    ),
    path(
        "entries/<slug:code>/files/<int:pk>/view/",
        expert.attachment_inline,
        name="attachment_inline",
    ),
    # The secretariat's pages.
    path("ranking/", ranking.ranking, name="ranking"),
    path("ranking/export.xlsx", ranking.export, name="export"),
    path("ranking/<slug:code>/shortlist/", ranking.shortlist, name="shortlist"),
    path("ranking/<slug:code>/finalists/", ranking.finalists, name="finalists"),
    path("progress/", ranking.progress, name="progress"),
    path("progress/remind/", ranking.remind, name="remind"),
    path("criteria/", ranking.criteria, name="criteria"),
]
