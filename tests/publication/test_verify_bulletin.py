"""manage.py verify_bulletin: recount the published bulletin and compare with the winners."""

import json

import pytest
from django.core.management import CommandError, call_command

from publication import services as publication
from tests.voting.publication_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def run(*args):
    from io import StringIO

    out = StringIO()
    code = 0
    try:
        call_command("verify_bulletin", *args, stdout=out)
    except SystemExit as exit:
        code = exit.code
    return code, json.loads(out.getvalue())


def test_matching_bulletin_exits_zero_with_a_json_summary(edition, published):
    code, summary = run("--year", "2031")

    assert code == 0
    assert summary == {
        "year": 2031,
        "match": True,
        "rounds": 2,
        "ballots": 6,
        "categories": [
            {
                "code": "cutting_edge",
                "recounted": ["2031-CE-001", "2031-CE-002"],
                "published": ["2031-CE-001", "2031-CE-002"],
                "removed_after_objection": [],
            },
            {
                "code": "innovative",
                "recounted": ["2031-IN-001"],
                "published": ["2031-IN-001"],
                "removed_after_objection": [],
            },
        ],
        "differences": [],
    }


def test_the_served_json_saved_to_a_file_verifies(client, edition, published, tmp_path):
    path = tmp_path / "bulletin.json"
    path.write_bytes(client.get("/results/2031/bulletin.json").content)

    code, summary = run("--year", "2031", "--file", str(path))

    assert (code, summary["match"]) == (0, True)


def test_a_tampered_bulletin_exits_non_zero_with_the_differences(edition, published, tmp_path):
    data = publication.bulletin_data(edition)
    # Move two ballots of the cutting-edge round from CE-002 to CE-003.
    changed = 0
    for ballot in data["rounds"][0]["ballots"]:
        if "2031-CE-002" in ballot["choices"] and changed < 2:
            ballot["choices"] = sorted({*ballot["choices"], "2031-CE-003"} - {"2031-CE-002"})
            changed += 1
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    code, summary = run("--year", "2031", "--file", str(path))

    assert code == 1
    assert summary["match"] is False
    assert summary["differences"] == [
        "cutting_edge: recount winners not published ['2031-CE-003'], "
        "published winners the recount does not give ['2031-CE-002']"
    ]


def test_unpublished_year_is_an_error(edition, notice):
    with pytest.raises(CommandError, match="not published"):
        call_command("verify_bulletin", "--year", "2031")
