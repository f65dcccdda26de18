"""The stages of an edition, in the order they happen. Dates are per edition (StageWindow)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Stage(models.TextChoices):
    COLLECTION = "collection", _("Collection of nominations")
    FORMAL_CHECK = "formal_check", _("Formal check")
    # Experts say which entries they would like to review, before the assignment.
    BIDDING = "bidding", _("Reviewer preferences")
    PRELIMINARY = "preliminary", _("Preliminary evaluation")
    DEFENCE = "defence", _("Material improvement and defence")
    FINAL = "final", _("Final evaluation")
    NOTICE = "notice", pgettext_lazy("stage", "Public notice")
    RELEASE = "release", _("Release at the Congress")


STAGE_ORDER = list(Stage.values)
