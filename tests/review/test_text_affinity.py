"""Text affinity between experts' statements and entries, in Chinese and English."""

import numpy as np

from review.text_affinity import Texts, text_affinities

ENTRIES = [
    Texts(
        zh="固态电解质锂金属电池的界面稳定性", en="Interface stability of solid-state electrolytes"
    ),
    Texts(zh="碳化硅电驱动逆变器与电机控制", en="Silicon-carbide inverter and motor control"),
    Texts(zh="", en="Proton exchange membrane fuel cell stack"),
    Texts(),
]
EXPERTS = [
    Texts(zh="动力电池材料，固态电解质，界面", en=""),
    Texts(zh="", en="Motor control; silicon-carbide inverters"),
    Texts(zh="燃料电池", en="fuel cell membranes"),
]


def test_each_entry_is_closest_to_the_expert_of_its_field_across_languages():
    scores, _comparable = text_affinities(ENTRIES, EXPERTS)

    assert [int(np.argmax(scores[i])) for i in range(3)] == [0, 1, 2]
    assert scores.min() >= 0.0 and scores.max() <= 1.0


def test_only_the_same_language_is_compared_and_an_empty_entry_has_nothing_comparable():
    _scores, comparable = text_affinities(ENTRIES, EXPERTS)

    # Entry 2 is English only; expert 0 wrote Chinese only: nothing to compare.
    assert comparable[2].tolist() == [False, True, True]
    assert comparable[3].tolist() == [False, False, False]


def test_empty_statements_and_identical_statements_still_give_scores():
    empty, comparable = text_affinities(ENTRIES, [Texts(), Texts()])
    assert not comparable.any() and not empty.any()

    same = Texts(zh="电池", en="battery")
    scores, _comparable = text_affinities(ENTRIES, [same, same])
    assert np.array_equal(scores[:, 0], scores[:, 1])


def test_punctuation_only_is_not_comparable():
    scores, comparable = text_affinities([Texts(zh="。。", en="--")], [Texts(zh="，", en="!")])

    assert (scores.tolist(), comparable.tolist()) == ([[0.0]], [[False]])
