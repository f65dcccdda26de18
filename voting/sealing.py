"""The cryptography of the secret ballot. Pure: bytes and strings in and out, no Django.

docs/ballot-secrecy.md says what this protects against and what it does not. In short:
- Each teller makes their own secret (`new_teller_secret`): 32 random bytes, shown once as a
  code to write down. The secret is an X25519 private key; the portal keeps only its public
  key, which validates the secret at the count and cannot give it back.
- Opening a round makes the round's HPKE key pair (`make_round_keys`). Its private key is
  encrypted under a random key-encryption key (KEK), and the KEK is wrapped once per pair of
  the round's three tellers: HPKE to the first teller of the pair, then HPKE to the second.
  Any two tellers together recover the KEK; one alone recovers nothing. One wrap per pair (3
  wraps for 3 tellers) rather than Shamir shares: it needs no library beyond `cryptography`,
  and each wrap is two standard HPKE calls that a reviewer can check line by line.
- A ballot is padded to one length per round and sealed to the round's public key
  (`seal_ballot`). The HPKE `info` names the round, so a sealed ballot opens in its own round
  only.

Only `cryptography`'s kept primitives are used (HPKE RFC 9180, X25519, ChaCha20-Poly1305).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305)
SECRET_BYTES = 32
CHECK_BYTES = 2  # a checksum in the written secret, so a typo is told apart from a wrong secret
TELLERS_PER_ROUND = 3
TELLERS_TO_COUNT = 2


class SealingError(ValueError):
    """A secret, key or sealed value that does not open (mistyped, wrong or tampered with)."""


class MistypedSecret(SealingError):
    pass


class WrongSecret(SealingError):
    pass


# --- Tellers' secrets -------------------------------------------------------------------------


def _public_bytes(public_key: X25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _format_secret(raw: bytes) -> str:
    check = hashlib.sha256(raw).digest()[:CHECK_BYTES]
    text = base64.b32encode(raw + check).decode("ascii").rstrip("=")
    return "-".join(text[i : i + 5] for i in range(0, len(text), 5))


def new_teller_secret() -> tuple[str, bytes]:
    """A fresh teller secret as the code to write down, and its public key (what is stored)."""
    raw = os.urandom(SECRET_BYTES)
    key = X25519PrivateKey.from_private_bytes(raw)
    return _format_secret(raw), _public_bytes(key.public_key())


def parse_teller_secret(text: str) -> X25519PrivateKey:
    """The private key a written secret stands for. Spaces, dashes and case do not matter."""
    cleaned = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    try:
        data = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except (ValueError, TypeError) as error:
        raise MistypedSecret("not a teller secret") from error
    raw, check = data[:SECRET_BYTES], data[SECRET_BYTES:]
    if len(raw) != SECRET_BYTES or hashlib.sha256(raw).digest()[:CHECK_BYTES] != check:
        raise MistypedSecret("not a teller secret")
    return X25519PrivateKey.from_private_bytes(raw)


def public_key_of(private_key: X25519PrivateKey) -> bytes:
    return _public_bytes(private_key.public_key())


def key_fingerprint(public_key: bytes) -> str:
    """A short code naming a public key on the pages (not secret)."""
    digest = hashlib.sha256(bytes(public_key)).hexdigest()[:16].upper()
    return "-".join(digest[i : i + 4] for i in range(0, 16, 4))


# --- The round's keys -------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundKeys:
    public_key: bytes
    sealed_private_key: bytes  # nonce + ChaCha20-Poly1305(KEK, raw private key)
    wraps: dict[tuple[int, int], bytes]  # (i, j), i < j, indexes into the tellers' keys


def _pair_info(context: bytes, i: int, j: int, layer: str) -> bytes:
    return context + f" pair {i},{j} {layer}".encode("ascii")


def make_round_keys(*, teller_public_keys: Sequence[bytes], context: bytes) -> RoundKeys:
    """The round's key pair, its private key under a KEK, and the KEK wrapped for every pair."""
    if len(teller_public_keys) != TELLERS_PER_ROUND or len(set(teller_public_keys)) != len(
        teller_public_keys
    ):
        raise SealingError("a round needs three different tellers")
    round_key = X25519PrivateKey.generate()
    private_raw = round_key.private_bytes_raw()
    kek = ChaCha20Poly1305.generate_key()
    nonce = os.urandom(12)
    sealed_private_key = nonce + ChaCha20Poly1305(kek).encrypt(nonce, private_raw, context)
    publics = [X25519PublicKey.from_public_bytes(bytes(k)) for k in teller_public_keys]
    wraps = {}
    for i, j in combinations(range(len(publics)), 2):
        inner = SUITE.encrypt(kek, publics[j], info=_pair_info(context, i, j, "inner"))
        wraps[(i, j)] = SUITE.encrypt(inner, publics[i], info=_pair_info(context, i, j, "outer"))
    return RoundKeys(
        public_key=_public_bytes(round_key.public_key()),
        sealed_private_key=sealed_private_key,
        wraps=wraps,
    )


def unwrap_round_key(
    *,
    sealed_private_key: bytes,
    wrap: bytes,
    pair: tuple[int, int],
    first: X25519PrivateKey,
    second: X25519PrivateKey,
    context: bytes,
) -> X25519PrivateKey:
    """The round's private key, from the wrap of `pair` and the secrets of its two tellers
    (`first` is the teller of the lower index)."""
    i, j = pair
    try:
        inner = SUITE.decrypt(bytes(wrap), first, info=_pair_info(context, i, j, "outer"))
        kek = SUITE.decrypt(inner, second, info=_pair_info(context, i, j, "inner"))
        sealed = bytes(sealed_private_key)
        raw = ChaCha20Poly1305(kek).decrypt(sealed[:12], sealed[12:], context)
    except (InvalidTag, ValueError) as error:
        raise WrongSecret("the secrets do not open this round's key") from error
    return X25519PrivateKey.from_private_bytes(raw)


# --- Ballots ----------------------------------------------------------------------------------


def padded_length(*, quota: int, codes: Sequence[str], tracker_length: int) -> int:
    """The one plaintext length of every ballot of a round: room for the longest valid ballot
    (quota times the longest code), rounded up to 256 bytes, so the length says nothing."""
    longest = max((len(code.encode("utf-8")) for code in codes), default=0)
    needed = 2 + len(_encode(tracker="x" * tracker_length, choices=["x" * longest] * quota))
    return -(-needed // 256) * 256


def _encode(*, tracker: str, choices: Sequence[str]) -> bytes:
    return json.dumps({"t": tracker, "c": list(choices)}, separators=(",", ":")).encode("utf-8")


def seal_ballot(
    *, public_key: bytes, tracker: str, choices: Sequence[str], length: int, context: bytes
) -> bytes:
    body = _encode(tracker=tracker, choices=choices)
    if len(body) + 2 > length:
        raise SealingError("the ballot is longer than the round's ballot length")
    plaintext = len(body).to_bytes(2, "big") + body + b"\0" * (length - 2 - len(body))
    return SUITE.encrypt(plaintext, X25519PublicKey.from_public_bytes(bytes(public_key)), context)


def open_ballot(
    *, private_key: X25519PrivateKey, sealed: bytes, context: bytes
) -> tuple[str, list[str]]:
    """(tracker, choices) of a sealed ballot."""
    try:
        plaintext = SUITE.decrypt(bytes(sealed), private_key, info=context)
    except (InvalidTag, ValueError) as error:
        raise SealingError("a sealed ballot does not open") from error
    size = int.from_bytes(plaintext[:2], "big")
    data = json.loads(plaintext[2 : 2 + size].decode("utf-8"))
    return str(data["t"]), [str(code) for code in data["c"]]
