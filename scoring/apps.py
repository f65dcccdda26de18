from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    """The preliminary evaluation's scoring: experts score their entries, the secretariat ranks
    them, confirms the shortlist and the finalists. Its models stay in `review` (Criterion,
    Review, CriterionScore), which owns the committee and the assignment they hang on."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "scoring"
    verbose_name = _("Scoring")
