"""The audit trail's anchor outside the database: the audit key and the head file.

Every audit entry carries a MAC (HMAC-SHA256 under the audit key) of its sequence number, hash
and record count, so no entry, a `prune` entry included, can be forged or recomputed by someone
who can write the database but does not hold the key. The key is `COPILOT_AUDIT_KEY` when that
is set (it wins), else the key file `audit.key` in the data directory, created with mode 0600 by
the first write.

The head file beside the database holds the newest entry's sequence number, record count, hash
and MAC; it is rewritten atomically after every committed write, never backwards. `audit
verify` checks that the database still reaches that head, so records deleted from the newest
end, an emptied or deleted records file and a database rolled back to an older copy are all
noticed. A head exported with `copilot audit head` and kept elsewhere does the same against
someone who also puts back an older head file.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from copilot.store.database import Database, StoreError
from knowledge_base.atomic import write_bytes_atomic, write_text_atomic

KEY_FILE = "audit.key"
KEY_VARIABLE = "COPILOT_AUDIT_KEY"
MIN_KEY_CHARS = 16
_TOKEN_VERSION = "v1"


def entry_mac(key: bytes, seq: int, records: int, entry_hash: str) -> str:
    """The MAC of one audit entry: its hash covers every other field and the previous entry."""
    message = f"{seq}:{records}:{entry_hash}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Head:
    """The newest audit entry as anchored outside the database."""

    seq: int
    records: int
    """Record rows in the store once this entry was written."""
    hash: str
    mac: str

    def token(self) -> str:
        """One line an operator can keep anywhere: `v1:SEQ:RECORDS:HASH:MAC`."""
        return f"{_TOKEN_VERSION}:{self.seq}:{self.records}:{self.hash}:{self.mac}"

    @classmethod
    def parse(cls, text: str, source: str) -> Head:
        """A head from its token (or a head file's JSON holding one); `source` names it."""
        text = text.strip()
        try:
            if text.startswith("{"):
                text = str(json.loads(text)["head"])
            version, seq, records, digest, mac = text.split(":")
            if version != _TOKEN_VERSION or len(digest) != 64 or len(mac) != 64:
                raise ValueError
            int(digest, 16), int(mac, 16)
            return cls(int(seq), int(records), digest, mac)
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(
                f"{source} is not an audit head (expected the line `copilot audit head` prints)"
            ) from exc

    def mac_holds(self, key: bytes) -> bool:
        return hmac.compare_digest(self.mac, entry_mac(key, self.seq, self.records, self.hash))


class AuditAnchor:
    """The audit key and the head file of one database, both in the local data directory."""

    def __init__(self, home: Path, head_path: Path, env_key: str | None = None):
        self.home = home
        self.head_path = head_path
        self.key_path = home / KEY_FILE
        self._env_key = env_key
        self._key: bytes | None = None

    @classmethod
    def beside(cls, sqlite_path: Path, env_key: str | None = None) -> AuditAnchor:
        """`records.audit-head.json` beside `records.sqlite`."""
        return cls(sqlite_path.parent, sqlite_path.with_suffix(".audit-head.json"), env_key)

    @classmethod
    def for_database(cls, db: Database, env_key: str | None = None) -> AuditAnchor:
        """For PostgreSQL, one head file per server and database in the data directory."""
        if db.dialect == "sqlite":
            return cls.beside(Path(db.where), env_key)
        name = hashlib.sha256(db.where.encode()).hexdigest()[:12]
        return cls(db.home, db.home / f"audit-head-{name}.json", env_key)

    @property
    def key_source(self) -> str:
        return KEY_VARIABLE if self._env_key else str(self.key_path)

    def key(self) -> bytes | None:
        """The audit key, None when there is none yet (it is never made here)."""
        if self._key is not None:
            return self._key
        if self._env_key:
            if len(self._env_key) < MIN_KEY_CHARS:
                raise StoreError(
                    f"{KEY_VARIABLE} is too short: use at least {MIN_KEY_CHARS} characters"
                )
            self._key = self._env_key.encode("utf-8")
            return self._key
        try:
            text = self.key_path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise StoreError(f"cannot read the audit key {self.key_path}: {exc}") from exc
        if len(text) < MIN_KEY_CHARS:
            raise StoreError(f"the audit key file {self.key_path} is too short or empty")
        self._key = text.encode("utf-8")
        return self._key

    def key_for_writing(self) -> bytes:
        """The audit key, making the key file (mode 0600) on first use when none is set."""
        key = self.key()
        if key is not None:
            return key
        new = secrets.token_hex(32).encode() + b"\n"
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            write_bytes_atomic(self.key_path, new, mode=0o600, overwrite=False)
        except FileExistsError:
            pass  # another process made it first: use theirs
        except OSError as exc:
            raise StoreError(
                f"cannot write the audit key {self.key_path}: {exc.strerror or exc}"
            ) from exc
        key = self.key()
        if key is None:  # deleted between the two steps by someone else
            raise StoreError(f"the audit key file {self.key_path} vanished as it was made")
        return key

    def read_head(self) -> Head | None:
        """The head file's head, None when there is no head file."""
        try:
            text = self.head_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise StoreError(f"cannot read the audit head file {self.head_path}: {exc}") from exc
        return Head.parse(text, f"the audit head file {self.head_path}")

    def advance(self, head: Head, database: str) -> None:
        """Record `head` as the newest, unless the file already holds a newer one (writers in
        other processes commit in any order; the file only ever moves forward)."""
        lock_path = self.head_path.with_name(self.head_path.name + ".lock")
        try:
            with lock_path.open("a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                current = self.read_head()
                if current is not None and current.seq >= head.seq:
                    return
                body = {
                    "head": head.token(),
                    "database": database,
                    "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
                }
                write_text_atomic(self.head_path, json.dumps(body, ensure_ascii=False) + "\n")
        except OSError as exc:
            raise StoreError(
                f"recorded, but the audit head file {self.head_path} could not be updated: "
                f"{exc.strerror or exc}"
            ) from exc
