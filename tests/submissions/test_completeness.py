"""What a nomination lacks before submission, per language, and the maturity warning."""

import pytest

from submissions.completeness import (
    TEXT_LABELS,
    MissingItem,
    language_completeness,
    maturity_warnings,
    missing_items,
)
from submissions.models import Attachment, Declaration, Nomination
from tests.factories import AttachmentFactory

pytestmark = pytest.mark.django_db


def blank(nomination, **fields):
    Nomination.objects.filter(pk=nomination.pk).update(**fields)
    nomination.refresh_from_db()
    return nomination


def test_a_complete_nomination_misses_nothing(complete_nomination):
    assert missing_items(complete_nomination) == []


def test_titles_and_summaries_are_required_in_each_language(complete_nomination):
    blank(complete_nomination, title_en="", summary_zh="  ")

    assert [(item.language, item.field) for item in missing_items(complete_nomination)] == [
        ("en", "title_en"),
        ("zh", "summary_zh"),
    ]


def test_long_texts_need_one_language_only(complete_nomination):
    blank(complete_nomination, description_zh="", innovations_en="")

    assert missing_items(complete_nomination) == []


def test_a_long_text_missing_in_both_languages_is_reported_once(complete_nomination):
    blank(complete_nomination, indicators_zh="", indicators_en="")

    missing = missing_items(complete_nomination)

    assert [(item.language, item.field, item.anchor) for item in missing] == [
        ("any", "indicators_zh", "id_indicators_zh")
    ]
    assert missing[0].label == TEXT_LABELS["indicators"]


def test_direction_maturity_and_status_are_required(complete_nomination):
    blank(complete_nomination, direction=None, trl=None, application_status="")

    assert [item.field for item in missing_items(complete_nomination)] == [
        "direction",
        "trl",
        "application_status",
    ]


def test_the_stamped_form_and_the_report_must_be_current(nomination, nominator):
    AttachmentFactory(
        nomination=nomination, kind=Attachment.Kind.RECOMMENDATION_FORM, is_current=False
    )
    AttachmentFactory(nomination=nomination, kind=Attachment.Kind.TECHNICAL_REPORT)
    AttachmentFactory(nomination=nomination, kind=Attachment.Kind.EVIDENCE)
    for kind in Declaration.Kind:
        Declaration.objects.create(nomination=nomination, kind=kind, made_at=nomination.created_at)

    missing = missing_items(nomination)

    assert missing == [
        MissingItem(Attachment.Kind.RECOMMENDATION_FORM.label, "", "attachments"),
    ]


def test_each_declaration_is_required(nomination):
    for kind in (Attachment.Kind.RECOMMENDATION_FORM, Attachment.Kind.TECHNICAL_REPORT):
        AttachmentFactory(nomination=nomination, kind=kind)
    Declaration.objects.create(
        nomination=nomination, kind=Declaration.Kind.VOLUNTARY, made_at=nomination.created_at
    )

    assert [(str(item.label), item.anchor) for item in missing_items(nomination)] == [
        (str(Declaration.Kind.NO_IP_DISPUTE.label), "declarations"),
        (str(Declaration.Kind.INFORMATION_TRUE.label), "declarations"),
    ]


def test_language_completeness_counts_the_six_texts_per_language(nomination):
    blank(nomination, title_en="", summary_en="", application_en="", description_zh="")

    assert language_completeness(nomination) == {
        "zh": {"done": 5, "total": 6},
        "en": {"done": 3, "total": 6},
    }


@pytest.mark.parametrize(
    ("category", "trl", "status", "warnings"),
    [
        ("cutting_edge", 4, "prototype", 0),
        ("cutting_edge", 5, "prototype", 1),
        ("cutting_edge", 3, "mass_production", 1),
        ("cutting_edge", 8, "pilot", 2),
        ("innovative", 6, "pilot", 0),
        ("innovative", 5, "mass_production", 1),
        ("innovative", 7, "research", 1),
        ("innovative", 2, "prototype", 2),
        ("innovative", None, "", 0),
        (None, 9, "research", 0),
    ],
)
def test_maturity_warnings_flag_a_category_mismatch(category, trl, status, warnings):
    assert len(maturity_warnings(category, trl, status)) == warnings
