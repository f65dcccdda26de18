from django.apps import AppConfig


class PublicationConfig(AppConfig):
    """The public notice, objections and the published results. The notice's models
    (Publication, Objection, PlaceDecision) stay in voting, where their migrations are; the
    stored public PDFs and held uploads are this app's own (models.py)."""

    name = "publication"
    verbose_name = "Publication"
