"""The demo's stage calendar: realistic windows, placed so that a chosen stage is open now."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from submissions.defaults import STAGE_DURATIONS
from submissions.stages import STAGE_ORDER, Stage

# Windows open and close at midnight in the organisers' time zone, one after the other.
ORGANISER_ZONE = ZoneInfo("Asia/Shanghai")


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ORGANISER_ZONE)


def stage_calendar(*, current: Stage, now: datetime) -> list[tuple[Stage, datetime, datetime]]:
    """(stage, opens_at, closes_at) for every stage, in order, with `now` inside `current`.

    `now` falls about a third of the way into the current window, so the demo has both a past
    and a future in it.
    """
    current = Stage(current)
    today = now.astimezone(ORGANISER_ZONE).date()
    lead = max(1, STAGE_DURATIONS[current].days // 3)
    opens = {current: _midnight(today - timedelta(days=lead))}

    position = STAGE_ORDER.index(current)
    for stage in map(Stage, reversed(STAGE_ORDER[:position])):
        following = Stage(STAGE_ORDER[STAGE_ORDER.index(stage) + 1])
        opens[stage] = opens[following] - STAGE_DURATIONS[stage]
    for stage in map(Stage, STAGE_ORDER[position + 1 :]):
        previous = Stage(STAGE_ORDER[STAGE_ORDER.index(stage) - 1])
        opens[stage] = opens[previous] + STAGE_DURATIONS[previous]

    return [
        (stage, opens[stage], opens[stage] + STAGE_DURATIONS[stage])
        for stage in map(Stage, STAGE_ORDER)
    ]
