"""The seal: bid content and documents are encrypted at rest until the tender is opened.

Design (Directive 2014/24/EU Annex IV, as carried by the Public Contracts (Scotland)
Regulations 2015):

* **Cipher.** AES-256-GCM (``cryptography``'s ``AESGCM``), a fresh 96-bit nonce for every
  message, stored as ``nonce || ciphertext+tag``. Every message is bound to where it belongs
  by its *associated data* (``coplan-bid:<tender pk>:<bid uuid>`` for a bid's content,
  ``coplan-doc:<tender pk>:<bid uuid>:<document uuid>`` for a document): a ciphertext moved to
  another bid or tender fails to decrypt.
* **Per-tender data key.** Each tender has its own random 256-bit data key, created the first
  time something is sealed for it.
* **Held apart from the data.** The data key is never stored in clear: it is *wrapped*
  (AES-256-GCM again, associated data ``coplan-tender-key:<tender pk>``) with the **master key**
  and the wrapped key is kept in its own table, :class:`coplan.bidding.models.SealKey`. The
  master key is not in the database or the media folder: it comes from the environment variable
  ``COPLAN_SEAL_MASTER_KEY`` (32 bytes, urlsafe base64), required in production; in DEBUG,
  TESTING or DEMO mode a fixed development key is used. Someone holding a copy of the database
  and of MEDIA_ROOT therefore holds only ciphertext and wrapped keys, useless without the
  master key; rotating the master key means re-wrapping the ``SealKey`` rows only.
* **Released only by the opening.** :func:`open_key` unwraps a tender's data key for reading
  and refuses (``DomainError`` code ``sealed``) unless the tender has been opened
  (``tender.opened_at`` set by :func:`coplan.bidding.domain.opening.confirm_opening`, which
  needs two different authorised officers and a reached opening time) *and* two different
  officers' confirmations are on record, so ``opened_at`` set any other way (an admin, another
  app, a bug) releases nothing. Refusals are audited by the caller that asked (see
  ``domain.bids.refuse`` and ``domain.bids.record_sealed_read``). Sealing (:func:`seal`) only
  ever *encrypts*.
* **Documents** are encrypted in memory before they touch storage; the stored file is
  ``nonce || ciphertext+tag`` under a random name with no extension.

Digests (receipts) are SHA-256 over the plaintext: of each document's bytes, and of the bid's
**canonical form** — :func:`canonical` — the JSON document with keys sorted, no insignificant
whitespace (``separators=(",", ":")``), UTF-8, non-ASCII characters kept, numbers written as
strings (Decimals normalised by the caller). The bid's canonical form includes its documents'
names, sizes and digests, so the whole-bid digest covers the documents too.

**The salt.** A bid's content is guessable: its structure is public and a price has few
plausible values, so a bare SHA-256 of it could be reversed by trying every candidate (a price
was recovered from a digest that way in 30 seconds). Every bid therefore carries a **salt** of
32 random bytes (:func:`new_salt`, from ``secrets``), written into its canonical form as
``"salt"``: the whole-bid digest commits to the bid *and* its salt, and without the salt no
candidate can be checked against it. The salt is sealed twice with the tender's data key: inside
the bid's content, and alone (associated data ``coplan-salt:<tender pk>:<bid uuid>``, in
``Bid.sealed_salt``) so that the bidder's receipt can print it before the opening.
:func:`open_salt` is the one decryption allowed before the opening, and it can decrypt nothing
but a salt: its associated data is fixed, so a bid's content or a document handed to it fails
its AES-GCM tag. The salt is shown only on the bidder's own receipt (page, download, API),
never to officers and never in audit data; the digest alone proves nothing about the content.
Documents' digests stay unsalted, so that a bidder can check its own copies with ``sha256sum``.
"""

import base64
import hashlib
import json
import os
import secrets

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from coplan.core.errors import DomainError

NONCE = 12
SALT_BYTES = 32
DEV_MASTER_KEY = base64.urlsafe_b64encode(b"coplan-development-seal-key-32by").decode()


def master_key() -> bytes:
    raw = os.environ.get("COPLAN_SEAL_MASTER_KEY", "")
    if not raw:
        if (
            settings.DEBUG
            or getattr(settings, "TESTING", False)
            or getattr(settings, "DEMO", False)
        ):
            raw = DEV_MASTER_KEY
        else:
            raise ImproperlyConfigured(
                "COPLAN_SEAL_MASTER_KEY is not set: sealed bids need a 32-byte master key "
                "(urlsafe base64) held outside the database."
            )
    key = base64.urlsafe_b64decode(raw.encode())
    if len(key) != 32:
        raise ImproperlyConfigured("COPLAN_SEAL_MASTER_KEY must decode to exactly 32 bytes.")
    return key


def _encrypt(key: bytes, plaintext: bytes, aad: str) -> bytes:
    nonce = os.urandom(NONCE)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad.encode())


def _decrypt(key: bytes, blob: bytes, aad: str) -> bytes:
    from cryptography.exceptions import InvalidTag

    blob = bytes(blob)
    try:
        return AESGCM(key).decrypt(blob[:NONCE], blob[NONCE:], aad.encode())
    except InvalidTag:
        raise DomainError(
            "The sealed content does not decrypt: it was altered or does not belong here.",
            code="tampered",
        ) from None


def _key_aad(tender) -> str:
    return f"coplan-tender-key:{tender.pk}"


def _sealing_key(tender) -> bytes:
    """The tender's data key, created on first use. Used only to encrypt."""
    from .models import SealKey

    row = SealKey.objects.filter(tender=tender).first()
    if row is None:
        data_key = AESGCM.generate_key(bit_length=256)
        row = SealKey.objects.create(
            tender=tender, wrapped=_encrypt(master_key(), data_key, _key_aad(tender))
        )
        return data_key
    return _decrypt(master_key(), row.wrapped, _key_aad(tender))


def seal(tender, plaintext: bytes, aad: str) -> bytes:
    """Encrypt ``plaintext`` with ``tender``'s data key (allowed at any time)."""
    return _encrypt(_sealing_key(tender), plaintext, aad)


def open_key(tender) -> bytes:
    """The data key for reading: refused until the tender has been opened."""
    from .models import OpeningConfirmation

    officers = set(
        OpeningConfirmation.objects.filter(tender=tender).values_list("officer", flat=True)
    )
    if tender.opened_at is None or len(officers) < 2:
        # Both: ``opened_at`` set by any other path (an admin, another app, a bug) without two
        # different officers' confirmations in Coplan releases nothing.
        raise DomainError(
            "The bids are sealed until the tender is opened by two authorised officers.",
            code="sealed",
        )
    return _unwrap(tender)


def _unwrap(tender) -> bytes:
    from .models import SealKey

    row = SealKey.objects.filter(tender=tender).first()
    if row is None:
        raise DomainError("Nothing was sealed for this tender.", code="no_key")
    return _decrypt(master_key(), row.wrapped, _key_aad(tender))


def unseal(tender, blob: bytes, aad: str, *, key: bytes | None = None) -> bytes:
    """Decrypt a sealed message: only after opening (see :func:`open_key`)."""
    return _decrypt(key or open_key(tender), blob, aad)


def bid_aad(tender, bid_uuid) -> str:
    return f"coplan-bid:{tender.pk}:{bid_uuid}"


def salt_aad(tender, bid_uuid) -> str:
    return f"coplan-salt:{tender.pk}:{bid_uuid}"


def new_salt() -> str:
    """A bid's salt: :data:`SALT_BYTES` random bytes, as lowercase hex."""
    return secrets.token_hex(SALT_BYTES)


def seal_salt(tender, bid_uuid, salt: str) -> bytes:
    return seal(tender, salt.encode("ascii"), salt_aad(tender, bid_uuid))


def open_salt(tender, bid_uuid, blob: bytes, *, key: bytes | None = None) -> str:
    """The bid's salt, for its bidder's receipt (allowed before opening, see the module
    docstring): only a message sealed as this bid's salt decrypts."""
    return _decrypt(key or _unwrap(tender), blob, salt_aad(tender, bid_uuid)).decode("ascii")


def document_aad(tender, bid_uuid, document_uuid) -> str:
    return f"coplan-doc:{tender.pk}:{bid_uuid}:{document_uuid}"


def canonical(content: dict) -> bytes:
    """The bid's canonical bytes (see the module docstring)."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
