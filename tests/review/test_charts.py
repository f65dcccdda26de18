"""The pure chart builders of review/charts.py."""

from review.charts import leniency_bars


def test_leniency_labels_carry_a_sign_except_for_what_rounds_to_zero():
    chart = leniency_bars([("A", 0.42), ("B", -0.001), ("C", 0.0), ("D", 0.004), ("E", -0.17)])

    assert [bar.value_label for bar in chart.bars] == ["+0.42", "0.00", "0.00", "0.00", "-0.17"]
