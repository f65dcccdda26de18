"""`manage.py assign_reviewers`: one JSON line, no conflicted pair."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from review.models import Assignment, Conflict

from .committee_helpers import committee_edition, direction, make_entry, make_expert


@pytest.fixture
def edition(db):
    return committee_edition(year=2032, reviewers_per_entry=2)


def test_prints_one_json_summary_line_with_no_conflict_assigned(edition):
    battery = direction(edition)
    experts = [make_expert(edition, name=f"E{i}", directions=[battery]) for i in range(4)]
    entries = [make_entry(edition, code=f"2032-CE-{i:03d}", direction=battery) for i in range(1, 6)]
    Conflict.objects.create(expert=experts[0], nomination=entries[0], source="declared", reason="x")
    out = StringIO()

    call_command("assign_reviewers", "--year", "2032", "--per-entry", "2", stdout=out)

    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    summary = json.loads(lines[0])
    for key in (
        "coverage",
        "per_entry",
        "load_min",
        "load_max",
        "mean_affinity",
        "objective",
        "bound",
        "conflicts_assigned",
        "entries",
        "experts",
        "seconds",
    ):
        assert key in summary
    assert summary["conflicts_assigned"] == 0
    assert (summary["entries"], summary["experts"], summary["per_entry"]) == (5, 4, 2)
    assert summary["coverage"] == 1.0
    # 10 reviews over 4 experts, balanced within one.
    assert (summary["load_min"], summary["load_max"]) == (2, 3)
    assert Assignment.objects.count() == 10
    assert not Assignment.objects.filter(expert=experts[0], nomination=entries[0]).exists()


def test_per_entry_defaults_to_the_edition_setting(edition):
    make_expert(edition, name="A")
    make_expert(edition, name="B")
    make_entry(edition, code="2032-CE-001")
    out = StringIO()

    call_command("assign_reviewers", "--year", "2032", stdout=out)

    assert json.loads(out.getvalue())["per_entry"] == 2


def test_infeasible_settings_print_the_reasons_and_fail(edition):
    make_expert(edition, name="Only")
    make_entry(edition, code="2032-CE-001")
    out = StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("assign_reviewers", "--year", "2032", "--per-entry", "2", stdout=out)

    printed = json.loads(out.getvalue())
    assert printed["error"] == "infeasible"
    assert printed["reasons"][0]["entry_code"] == "2032-CE-001"
    assert "2032-CE-001" in str(failed.value)
    assert not Assignment.objects.exists()


def test_unknown_year_is_an_error(db):
    with pytest.raises(CommandError):
        call_command("assign_reviewers", "--year", "1999", stdout=StringIO())
