"""File modes in tests: the process's umask set for a block."""

from __future__ import annotations

import contextlib
import os


@contextlib.contextmanager
def umask(mask: int):
    """Files made in the block get ``0o666`` less ``mask``; the umask is restored after."""
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)
