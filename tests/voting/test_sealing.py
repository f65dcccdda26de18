"""The ballot's cryptography (voting/sealing.py), without the database."""

from itertools import combinations

import pytest

from voting import sealing

CONTEXT = b"wnevc ballot round 7"


@pytest.fixture(scope="module")
def three():
    secrets = [sealing.new_teller_secret() for _ in range(3)]
    keys = sealing.make_round_keys(teller_public_keys=[p for _s, p in secrets], context=CONTEXT)
    return [s for s, _p in secrets], keys


def _unwrap(keys, secrets, i, j, context=CONTEXT):
    return sealing.unwrap_round_key(
        sealed_private_key=keys.sealed_private_key,
        wrap=keys.wraps[(i, j)],
        pair=(i, j),
        first=sealing.parse_teller_secret(secrets[i]),
        second=sealing.parse_teller_secret(secrets[j]),
        context=context,
    )


def test_a_secret_reads_back_to_the_public_key_kept_for_it():
    secret, public_key = sealing.new_teller_secret()

    # Case, spaces and dashes do not matter when it is typed back.
    typed = secret.lower().replace("-", " ")

    assert sealing.public_key_of(sealing.parse_teller_secret(typed)) == public_key


def test_a_typo_is_caught_by_the_checksum():
    secret, _ = sealing.new_teller_secret()
    typo = ("A" if secret[3] != "A" else "B").join([secret[:3], secret[4:]])

    with pytest.raises(sealing.MistypedSecret):
        sealing.parse_teller_secret(typo)


def test_every_pair_of_tellers_recovers_the_same_round_key(three):
    secrets, keys = three
    sealed = sealing.seal_ballot(
        public_key=keys.public_key,
        tracker="7KQX-3MFA-RT9C-HW4P",
        choices=["A"],
        length=256,
        context=CONTEXT,
    )

    opened = {
        (i, j): sealing.open_ballot(
            private_key=_unwrap(keys, secrets, i, j), sealed=sealed, context=CONTEXT
        )
        for i, j in combinations(range(3), 2)
    }

    assert list(opened.values()) == [("7KQX-3MFA-RT9C-HW4P", ["A"])] * 3
    assert sorted(keys.wraps) == [(0, 1), (0, 2), (1, 2)]


def test_the_wrong_order_or_a_foreign_secret_does_not_unwrap(three):
    secrets, keys = three
    stranger, _ = sealing.new_teller_secret()

    with pytest.raises(sealing.WrongSecret):
        _unwrap(keys, [secrets[1], secrets[0], secrets[2]], 0, 1)
    with pytest.raises(sealing.WrongSecret):
        _unwrap(keys, [secrets[0], stranger, secrets[2]], 0, 1)


def test_a_ballot_opens_only_in_its_own_round(three):
    secrets, keys = three
    sealed = sealing.seal_ballot(
        public_key=keys.public_key, tracker="T", choices=["A"], length=256, context=CONTEXT
    )
    private_key = _unwrap(keys, secrets, 0, 1)

    with pytest.raises(sealing.SealingError):
        sealing.open_ballot(private_key=private_key, sealed=sealed, context=b"wnevc ballot round 8")


def test_every_ballot_of_a_round_has_one_length():
    keys = sealing.make_round_keys(
        teller_public_keys=[sealing.new_teller_secret()[1] for _ in range(3)], context=CONTEXT
    )
    codes = ["2031-CE-001", "2031-CE-002", "2031-CE-003", "2031-CE-004"]
    length = sealing.padded_length(quota=3, codes=codes, tracker_length=19)

    sizes = {
        len(
            sealing.seal_ballot(
                public_key=keys.public_key,
                tracker="7KQX-3MFA-RT9C-HW4P",
                choices=choices,
                length=length,
                context=CONTEXT,
            )
        )
        for choices in ([], codes[:1], codes[:3], codes[1:4])
    }

    assert len(sizes) == 1
    assert length % 256 == 0


def test_a_round_needs_three_different_tellers():
    public_key = sealing.new_teller_secret()[1]

    with pytest.raises(sealing.SealingError):
        sealing.make_round_keys(teller_public_keys=[public_key] * 3, context=CONTEXT)
