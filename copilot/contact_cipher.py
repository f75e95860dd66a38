"""Contacts encrypted at rest: the checkpoint of a contact holds what the advisor must see again
on resuming (the raw turns and the placeholder mapping), so it is stored encrypted.

The records store holds placeholders only; the checkpoint cannot, since restoring the real values
for the advisor is its job. Every checkpoint blob and pending write goes through LangGraph's
`EncryptedSerializer` with AES-256-GCM. The key is `COPILOT_CONTACTS_KEY` when set (at least 32
characters), else `DATA_DIR/contacts.key`, made with mode 0600 on first use. Checkpoints written
before encryption still load. An operator keeps that key file with the data directory's backups,
apart from the database's: without it, saved contacts cannot be resumed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from langgraph.checkpoint.serde.encrypted import EncryptedSerializer

from copilot.config import Settings
from copilot.store.database import StoreError
from knowledge_base.atomic import write_bytes_atomic

KEY_FILE = "contacts.key"
MIN_KEY_CHARS = 32
_NONCE = 12


class ContactCipher:
    """AES-256-GCM for LangGraph's `CipherProtocol` (name "aesgcm"; nonce + ciphertext)."""

    def __init__(self, secret: bytes) -> None:
        self._aead = AESGCM(hashlib.sha256(secret).digest())

    def encrypt(self, plaintext: bytes) -> tuple[str, bytes]:
        nonce = os.urandom(_NONCE)
        return "aesgcm", nonce + self._aead.encrypt(nonce, plaintext, None)

    def decrypt(self, ciphername: str, ciphertext: bytes) -> bytes:
        if ciphername != "aesgcm":
            raise StoreError(f"a saved contact uses an unknown cipher '{ciphername}'")
        try:
            return self._aead.decrypt(ciphertext[:_NONCE], ciphertext[_NONCE:], None)
        except InvalidTag as exc:
            raise StoreError(
                "a saved contact cannot be decrypted: the contacts key "
                "(COPILOT_CONTACTS_KEY or DATA_DIR/contacts.key) is not the one it was saved with"
            ) from exc


def contact_secret(settings: Settings) -> bytes:
    """The contacts key: the environment's, else the key file's (made on first use)."""
    if settings.contacts_key is not None:
        value = settings.contacts_key.get_secret_value()
        if len(value) < MIN_KEY_CHARS:
            raise StoreError(
                f"COPILOT_CONTACTS_KEY is too short: use at least {MIN_KEY_CHARS} characters"
            )
        return value.encode("utf-8")
    path: Path = settings.writable_data_dir() / KEY_FILE
    try:
        if not path.exists():
            with contextlib.suppress(FileExistsError):  # another process made it first
                write_bytes_atomic(
                    path, secrets.token_hex(32).encode() + b"\n", mode=0o600, overwrite=False
                )
        secret = path.read_bytes().strip()
    except OSError as exc:
        raise StoreError(f"cannot read or create the contacts key {path}: {exc}") from exc
    if len(secret) < MIN_KEY_CHARS:
        raise StoreError(f"the contacts key file {path} is too short or empty")
    return secret


def encrypted_serde(settings: Settings) -> EncryptedSerializer:
    return EncryptedSerializer(ContactCipher(contact_secret(settings)))
