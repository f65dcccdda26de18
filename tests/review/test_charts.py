"""The ranking page's chart geometry (review/charts.py): numbers in, SVG shapes out."""

from datetime import date, timedelta

from review.charts import leniency_bars, progress_line, score_histogram


def test_histogram_counts_each_total_in_its_unit_band_with_ten_in_the_last():
    chart = score_histogram([1.0, 1.5, 0.5, 9.9, 10.0, 4.2])

    assert [bar.label for bar in chart.bars] == [f"{n}–{n + 1}" for n in range(1, 10)]
    assert [bar.value for bar in chart.bars] == [3, 0, 0, 1, 0, 0, 0, 0, 2]
    assert [bar.value_label for bar in chart.bars][:4] == ["3", "0", "0", "1"]
    assert chart.empty is False


def test_histogram_bars_stand_on_the_baseline_and_the_tallest_reaches_the_top():
    chart = score_histogram([1.0, 1.5, 0.5, 9.9, 10.0], width=360, height=180)

    # Plot from y=10 to y=156; counts up to 3 on a scale with a step of 1.
    assert chart.baseline == 156.0
    tallest, last = chart.bars[0], chart.bars[8]
    assert (tallest.y, tallest.height) == (10.0, 146.0)
    assert (last.y, last.height) == (58.67, 97.33)
    assert all(bar.y + bar.height == chart.baseline for bar in chart.bars)
    assert [(tick.position, tick.label) for tick in chart.y_ticks] == [
        (156.0, "0"),
        (107.33, "1"),
        (58.67, "2"),
        (10.0, "3"),
    ]
    assert [tick.label for tick in chart.x_ticks] == [str(n) for n in range(1, 11)]
    assert (chart.x_ticks[0].position, chart.x_ticks[-1].position) == (32.0, 352.0)


def test_histogram_without_totals_is_empty_with_flat_bars():
    chart = score_histogram([])

    assert chart.empty is True
    assert [bar.height for bar in chart.bars] == [0.0] * 9


def test_leniency_bars_go_right_for_lenient_and_left_for_strict_experts():
    chart = leniency_bars([("Li Ming", 0.8), ("Wang Fang", -0.4)], width=360)

    # Labels take 130 px, the plot ends at 326: zero in the middle, ±1 at the edges.
    assert chart.baseline == 228.0
    lenient, strict = chart.bars
    assert (lenient.label, lenient.x, lenient.width, lenient.value_label) == (
        "Li Ming",
        228.0,
        78.4,
        "+0.80",
    )
    assert (strict.label, strict.x, strict.width, strict.value_label) == (
        "Wang Fang",
        188.8,
        39.2,
        "-0.40",
    )
    assert [(tick.position, tick.label) for tick in chart.x_ticks] == [
        (130.0, "-1"),
        (179.0, "-0.5"),
        (228.0, "0"),
        (277.0, "+0.5"),
        (326.0, "+1"),
    ]
    assert chart.height == 6 + 22 + 18 * 2


def test_leniency_bars_keep_a_visible_sliver_for_an_offset_of_zero():
    chart = leniency_bars([("Zhao Lei", 0.0)])

    assert chart.bars[0].width == 0.5
    assert chart.bars[0].value_label == "0.00"
    # With every offset near zero the scale still spans ±0.5.
    assert [tick.label for tick in chart.x_ticks] == ["-0.5", "0", "+0.5"]


def test_leniency_bars_without_experts_are_empty():
    chart = leniency_bars([])

    assert chart.empty is True
    assert chart.bars == []


def test_progress_line_runs_from_the_first_to_the_last_day_under_the_target():
    first = date(2026, 5, 1)
    chart = progress_line([(first, 2), (first + timedelta(days=4), 6)], expected=10)

    assert chart.points == "32.0,126.8 340.0,68.4"
    assert chart.baseline == 10.0  # every assigned review submitted
    assert [(tick.position, tick.label) for tick in chart.x_ticks] == [
        (32.0, "05-01"),
        (340.0, "05-05"),
    ]
    assert [tick.label for tick in chart.y_ticks] == ["0", "5", "10"]
    assert [(bar.label, bar.value) for bar in chart.bars] == [
        ("2026-05-01", 2),
        ("2026-05-05", 6),
    ]


def test_progress_line_of_one_day_has_one_tick_and_no_division_by_zero():
    chart = progress_line([(date(2026, 5, 1), 3)], expected=3)

    assert chart.points == "32.0,10.0"
    assert [tick.label for tick in chart.x_ticks] == ["05-01"]


def test_progress_line_without_days_is_empty():
    chart = progress_line([], expected=12)

    assert chart.empty is True
    assert chart.points == ""
    assert chart.bars == []


def test_leniency_labels_carry_a_sign_except_for_what_rounds_to_zero():
    chart = leniency_bars([("A", 0.42), ("B", -0.001), ("C", 0.0), ("D", 0.004), ("E", -0.17)])

    assert [bar.value_label for bar in chart.bars] == ["+0.42", "0.00", "0.00", "0.00", "-0.17"]
