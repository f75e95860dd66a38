"""Files the store writes beside the database, written atomically.

A reader never sees a half-written file: the bytes go to a temporary file in the same folder,
are flushed to disk, and the temporary file then takes the target's name in one step
(`os.replace`, or `os.link` when an existing file must never be overwritten, as with a key).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from copilot.store.database import StoreError


def write_atomically(
    target: Path, data: bytes, *, what: str, mode: int = 0o666, overwrite: bool = True
) -> None:
    """Write `data` to `target`; `what` names the file in the one-line error.

    `mode` goes through the umask (0o666: like any file the user writes; 0o600: private).
    With `overwrite=False` an existing target raises FileExistsError and is left as it was.
    """
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            if overwrite:
                os.replace(tmp, target)
            else:
                os.link(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
    except FileExistsError:
        raise
    except OSError as exc:
        raise StoreError(f"cannot write {what} {target}: {exc.strerror or exc}") from exc
