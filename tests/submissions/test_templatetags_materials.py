"""{% materials_overview nomination %}: what the materials section shows, per kind."""

import pytest
from django.template import Context, Template
from django.utils import translation

from submissions.models import Attachment
from submissions.templatetags.materials import materials_overview
from tests.factories import AttachmentFactory, NominationFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def attach(nomination, kind, *, version=1, current=True, size=1000, name="report.pdf"):
    return AttachmentFactory(
        nomination=nomination,
        kind=kind,
        file="",
        original_name=name,
        version=version,
        is_current=current,
        size=size,
    )


def test_every_kind_in_order_with_its_rules_and_the_report_split_into_current_and_earlier():
    nomination = NominationFactory()
    first = attach(nomination, "technical_report", version=1, current=False, size=4000)
    second = attach(nomination, "technical_report", version=2, current=True, size=5000)
    photo = attach(nomination, "evidence", size=700, name="bench.png")

    overview = materials_overview({}, nomination)

    kinds = {kind["kind"]: kind for kind in overview["kinds"]}
    assert list(kinds) == ["recommendation_form", "technical_report", "evidence", "video"]
    assert [kind["required"] for kind in overview["kinds"]] == [True, True, False, False]
    assert [kind["several"] for kind in overview["kinds"]] == [False, False, True, False]
    assert (kinds["technical_report"]["current"], kinds["technical_report"]["earlier"]) == (
        [second],
        [first],
    )
    assert kinds["evidence"]["current"] == [photo]
    assert kinds["video"]["current"] == kinds["video"]["earlier"] == []
    assert (kinds["technical_report"]["accepted"], kinds["technical_report"]["accept"]) == (
        "PDF",
        ".pdf",
    )
    assert kinds["evidence"]["accept"] == ".jpeg,.jpg,.pdf,.png"
    assert (kinds["video"]["limit"], overview["total"]) == (200 * MB, 300 * MB)
    # Only current versions count against the nomination's total.
    assert overview["used"] == 5000 + 700


def test_a_prefetched_list_costs_no_query(django_assert_num_queries):
    nomination = NominationFactory()
    attach(nomination, "technical_report")
    prefetched = type(nomination).objects.prefetch_related("attachments").get(pk=nomination.pk)

    with django_assert_num_queries(0):
        overview = materials_overview({}, prefetched)

    assert overview["used"] == 1000


@pytest.mark.parametrize(
    ("language", "label", "too_large"),
    [
        ("en", "Video", "“{name}” is larger than 200.0\xa0MB, the most the video may be."),
        ("zh-hans", "视频", "“{name}”超过 200.0\xa0MB，视频不得超过此大小。"),
    ],
)
def test_labels_and_the_browser_s_size_message_are_in_the_page_language(language, label, too_large):
    nomination = NominationFactory()

    with translation.override(language):
        video = materials_overview({}, nomination)["kinds"][3]
        shown = (str(video["label"]), video["too_large"])

    assert shown == (label, too_large)


def test_the_tag_puts_the_overview_into_the_template():
    nomination = NominationFactory()
    attach(nomination, "recommendation_form", size=2048, name="form<1>.pdf")
    template = Template(
        "{% load materials %}{% materials_overview nomination as m %}"
        "{% for kind in m.kinds %}{{ kind.kind }}:{{ kind.current|length }};{% endfor %}"
        "{% for a in m.kinds.0.current %}{{ a.original_name }}{% endfor %}|{{ m.used }}"
    )

    html = template.render(Context({"nomination": nomination}))

    assert html == (
        "recommendation_form:1;technical_report:0;evidence:0;video:0;form&lt;1&gt;.pdf|2048"
    )
    assert Attachment.objects.filter(nomination=nomination).count() == 1
