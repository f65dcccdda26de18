"""A closed round's result as rows for the pages (shared by organisers and members)."""

from fractions import Fraction

from submissions.models import Nomination

from ..models import BallotRound


def result_rows(round: BallotRound) -> list[dict]:
    """One row per item, in the order of the count: the item, its score, the ballots that chose
    it, the ballots that count for it, its share and whether it passes, wins or runs off."""
    result = round.result or {}
    counts = result.get("counts", [])
    items = {
        n.code: n
        for n in Nomination.objects.filter(code__in=[c["code"] for c in counts]).select_related(
            "organisation", "direction"
        )
    }
    winners = set(result.get("winners", []))
    runoff = set((result.get("runoff") or {}).get("items", []))
    recused = result.get("recused", {})
    rows = []
    for count in counts:
        counted = count["counted_ballots"]
        rows.append(
            {
                **count,
                "item": items.get(count["code"]),
                "recused": recused.get(count["code"], 0),
                "share": (
                    f"{float(Fraction(count['chosen_on'], counted)):.0%}" if counted else "—"
                ),
                "winner": count["code"] in winners,
                "runoff": count["code"] in runoff,
            }
        )
    return rows
