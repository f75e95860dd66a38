"""Files written whole or not at all: into a temporary file beside the target, then renamed.

A reader (another process, the next run, a browser left open on a report) sees the old file or
the new one, never half of one, even when the disk fills up or the process is killed mid-write:
the rename happens only after every byte reached the disk. Every file the project writes for
later reading (caches, sidecars, exports, reports) goes through here.
"""

from __future__ import annotations

import io
import os
import secrets
from pathlib import Path

import numpy as np


def write_bytes_atomic(
    path: Path, data: bytes, *, mode: int = 0o666, overwrite: bool = True
) -> None:
    """Replace `path` with `data`; on any error the previous file (if any) is left as it was.

    The file is created with `mode` less the umask: by default 0666, like any file the user
    writes (not tempfile's private 0600: a report or an export is meant to be shared); 0o600
    for a secret. With `overwrite=False` an existing `path` raises FileExistsError and is kept
    (a key must never be replaced by a second process that raced to create it).
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_text_atomic(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Replace `path` with `text` (see `write_bytes_atomic`)."""
    write_bytes_atomic(path, text.encode(encoding))


def save_array_atomic(path: Path, array: np.ndarray) -> None:
    """`np.save` to `path` (a `.npy` file), atomically."""
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    write_bytes_atomic(path, buffer.getvalue())


def load_array_or_none(path: Path) -> np.ndarray | None:
    """The array saved at `path`, or None when it is missing or cannot be read (a file cut
    short by a full disk before writes were atomic, or damaged since): the caller rebuilds it."""
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None
