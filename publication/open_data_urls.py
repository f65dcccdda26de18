"""The open data of published results, outside the language prefix (the data are bilingual)."""

from django.urls import path

from .views import public

app_name = "open_data"

urlpatterns = [
    path("results/<int:year>.json", public.results_json, name="results_json"),
    path("results/<int:year>.csv", public.results_csv, name="results_csv"),
    path("results/<int:year>/bulletin.json", public.bulletin_json, name="bulletin_json"),
]
