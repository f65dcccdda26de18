"""manage.py tally: the stored count of closed rounds, never a partial count of an open one."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from voting.models import BallotRound, RoundState

from .publication_fixtures import *  # noqa: F403


def run_tally(year, category):
    out = StringIO()
    call_command("tally", "--year", str(year), "--category", category, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_tally_prints_the_count_that_closing_stored(edition, published):
    round_ = BallotRound.objects.filter(category__edition=edition).order_by("pk").first()

    report = run_tally(edition.year, round_.category.code)

    first = report["rounds"][0]
    assert (report["year"], report["category"]) == (edition.year, round_.category.code)
    assert first["result"]["winners"] == round_.result["winners"]


@pytest.mark.django_db
def test_an_open_round_is_refused(edition, certified):
    round_ = BallotRound.objects.filter(category__edition=edition).first()
    BallotRound.objects.filter(pk=round_.pk).update(state=RoundState.OPEN)

    with pytest.raises(CommandError, match="still open"):
        run_tally(edition.year, round_.category.code)


@pytest.mark.django_db
def test_an_unknown_year_is_a_clear_error():
    with pytest.raises(CommandError, match="no edition 1999"):
        run_tally(1999, "innovative")


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("seed_demo", ["--year", "--stage", "--nominations", "--experts"]),
        ("assign_reviewers", ["--year", "--per-entry"]),
        ("tally", ["--year", "--category"]),
        ("verify_bulletin", ["--year"]),
    ],
)
def test_the_commands_other_tools_rely_on_document_their_options(command, options, capsys):
    with pytest.raises(SystemExit) as exited:
        call_command(command, "--help")

    out = capsys.readouterr().out
    assert exited.value.code == 0
    assert all(option in out for option in options)
