"""review/queries.py: the text affinity kept per set of texts, read back in any order."""

import numpy as np
from django.core.cache import cache

from review.assignment_data import EntryRow, ExpertRow, affinity_parts
from review.queries import _text_affinity_key, edition_affinity
from review.text_affinity import Texts

ENTRIES = [
    EntryRow(7, "A", "固态电池", "Solid-state battery", None, Texts(zh="固态电池电解质界面")),
    EntryRow(3, "B", "电驱", "Drive", None, Texts(en="Silicon-carbide inverter for motors")),
    EntryRow(5, "C", "氢能", "Hydrogen", None, Texts(zh="燃料电池", en="Fuel cell stack")),
]
EXPERTS = [
    ExpertRow(9, "甲", "Jia", texts=Texts(zh="电池材料与固态电解质")),
    ExpertRow(2, "乙", "Yi", texts=Texts(en="Inverters, motor control, silicon carbide")),
    ExpertRow(4, "丙", "Bing", texts=Texts(zh="燃料电池电堆", en="Fuel cell stacks")),
]


def test_scores_kept_in_one_order_are_read_back_right_in_another():
    kept = edition_affinity(ENTRIES, EXPERTS)
    entries, experts = ENTRIES[::-1], [EXPERTS[1], EXPERTS[2], EXPERTS[0]]

    read_back = edition_affinity(entries, experts)

    fresh = affinity_parts(entries, experts)
    np.testing.assert_allclose(read_back.text, fresh.text, rtol=1e-6)
    assert (read_back.comparable == fresh.comparable).all()
    # The same pair scores the same wherever it stands: entry 7 with expert 9.
    assert read_back.text[2, 2] == kept.text[0, 0]


def test_one_entry_is_kept_per_set_of_texts_whatever_their_order():
    edited = [*ENTRIES[:2], EntryRow(5, "C", "氢能", "Hydrogen", None, Texts(en="Hydrogen tank"))]

    edition_affinity(ENTRIES, EXPERTS)

    assert _text_affinity_key(ENTRIES[::-1], EXPERTS[::-1]) == _text_affinity_key(ENTRIES, EXPERTS)
    assert cache.get(_text_affinity_key(ENTRIES[::-1], EXPERTS[::-1])) is not None
    assert _text_affinity_key(edited, EXPERTS) != _text_affinity_key(ENTRIES, EXPERTS)
    assert cache.get(_text_affinity_key(edited, EXPERTS)) is None
