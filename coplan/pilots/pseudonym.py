"""Pseudonymised client references: a keyed hash, never the raw identifier.

The key is derived from ``settings.SECRET_KEY`` (or ``COPLAN_PSEUDONYM_SECRET`` when a
deployment sets one, so the secret key can rotate without breaking the links) and from the
pilot, so the same person has the same reference within a pilot — repeat visits can be
counted — but references cannot be matched across pilots. The reference is the first 128 bits
of HMAC-SHA256, in hex. Changing the secret changes every new reference: set
``COPLAN_PSEUDONYM_SECRET`` before rotating ``SECRET_KEY``.
"""

import hashlib
import hmac

from django.conf import settings

REF_LENGTH = 32  # hex characters: 128 bits


def pilot_key(pilot_id: int) -> bytes:
    secret = getattr(settings, "COPLAN_PSEUDONYM_SECRET", "") or settings.SECRET_KEY
    return hmac.new(
        secret.encode(), f"coplan.pilots.client-ref:{pilot_id}".encode(), hashlib.sha256
    ).digest()


def normalise(raw: str) -> str:
    """Spaces and letter case are not part of an identifier: ' ab 12 ' is 'AB12'."""
    return "".join(str(raw).split()).upper()


class Pseudonymiser:
    """Hashes identifiers for one pilot, remembering each one it has seen (a million delivery
    records usually name tens of thousands of clients, so each is hashed once)."""

    def __init__(self, pilot_id: int):
        self._mac = hmac.new(pilot_key(pilot_id), digestmod=hashlib.sha256)
        self._seen: dict[str, str] = {}
        self._table = None

    def _ref(self, value: str) -> str:
        mac = self._mac.copy()
        mac.update(value.encode())
        return mac.hexdigest()[:REF_LENGTH]

    def __call__(self, raw) -> str:
        if raw is None:
            return ""
        value = normalise(raw)
        if not value:
            return ""
        ref = self._seen.get(value)
        if ref is None:
            ref = self._seen[value] = self._ref(value)
        return ref

    def series(self, values):
        """A polars String series of raw identifiers → their references ("" for none),
        normalised and joined column-wise; only identifiers not seen before are hashed."""
        import polars as pl

        keys = values.str.replace_all(r"\s+", "").str.to_uppercase().alias("key")
        unique = keys.drop_nulls().unique().to_frame()
        unique = unique.filter(pl.col("key") != "")
        if self._table is not None:
            unique = unique.join(self._table, on="key", how="anti")
        if unique.height:
            new = unique["key"].to_list()
            fresh = pl.DataFrame(
                {"key": new, "ref": [self._ref(k) for k in new]},
                schema={"key": pl.String, "ref": pl.String},
            )
            self._table = fresh if self._table is None else pl.concat([self._table, fresh])
        if self._table is None:
            return pl.Series("client_ref", [""] * len(values), dtype=pl.String)
        joined = keys.to_frame().join(self._table, on="key", how="left", maintain_order="left")
        return joined["ref"].fill_null("").alias("client_ref")
