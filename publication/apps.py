from django.apps import AppConfig


class PublicationConfig(AppConfig):
    """The public notice, objections and the published results. Its models (Publication,
    Objection, PlaceDecision) stay in voting, where their migrations are."""

    name = "publication"
    verbose_name = "Publication"
