"""Files written whole or not at all: where one can go, and the temporary file beside it.

Shared by the CSV export, the image export, the database build and the rendered PNG, which
each write a temporary file in the target's folder and move it into place.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path


def is_folder(p: Path) -> bool:
    """Whether ``p`` is a folder (not ``Path.is_dir()``: before Python 3.12 it raises for a
    name too long, say)."""
    try:
        return stat.S_ISDIR(os.stat(p).st_mode)
    except (OSError, ValueError):
        return False


def file_in_the_way(folder: Path) -> Path | None:
    """The nearest path that exists at or above ``folder``, when it is not a folder (a file
    stands where a folder should be); else None."""
    for p in (folder, *folder.parents):
        try:
            os.stat(p)
        except (OSError, ValueError):
            continue
        return None if is_folder(p) else p
    return None


def is_special(p: Path) -> bool:
    """Whether ``p`` is there but neither a file nor a folder: a device (``/dev/null``), a
    pipe or a socket.  A file written beside it and moved into place would replace it."""
    try:
        mode = os.stat(p).st_mode
    except (OSError, ValueError):
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def is_protected(p: Path) -> bool:
    """Whether ``p`` is a file its owner write-protected (for this user: root may write
    anything).  Replacing it would go against that, as a shell's ``>`` refuses to."""
    try:
        return stat.S_ISREG(os.stat(p).st_mode) and not os.access(p, os.W_OK)
    except (OSError, ValueError):
        return False


def through_links(target: Path) -> Path:
    """The file a symbolic link at ``target`` leads to (``target`` itself when it is no
    link): what is written is that file, as a shell's ``>`` would, and the link stays."""
    target = Path(target)
    return Path(os.path.realpath(target)) if os.path.islink(target) else target


def same_file(a: Path | str, b: Path | str) -> bool:
    """Whether ``a`` and ``b`` are the same existing file (through links, other names)."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def target_problem(target: Path) -> tuple[str, str] | None:
    """Why ``target`` cannot be written as a file, as far as can be told before writing:
    ``(kind, reason)``, or None.  Kinds: ``is-folder``, ``no-folder`` (its folder does not
    exist), ``not-folder`` (a file stands where a folder of the path should be),
    ``not-file`` (a device or pipe is there), ``read-only`` (a file there that its owner
    write-protected: replacing it would go against that, as a shell's ``>`` refuses to)."""
    target = Path(target)
    if is_folder(target):
        return "is-folder", "is a folder; choose a file name"
    if is_special(target):
        return "not-file", "is a device or pipe, not a file; choose a file name"
    if is_protected(target):
        return "read-only", "is write-protected; choose another name, or make it writable"
    folder = target.parent
    if not is_folder(folder):
        blocker = file_in_the_way(folder)
        if blocker is not None:
            return "not-folder", f"{blocker} is not a folder"
        return "no-folder", f"folder {folder} does not exist"
    return None


def create_beside(target: Path, suffix: str = ".part") -> tuple[int, str]:
    """A new, empty temporary file in ``target``'s folder: its descriptor and path, which
    ends in ``suffix`` (an image writer picks its format by it).

    Its mode is the one ``target`` will keep: an existing file's own, else the mode the
    system gives any new file.  Created with ``0o666``, the system takes the umask (and a
    folder's default ACL) off itself: reading the umask means setting it, which would race
    with other threads (``tempfile.mkstemp`` would give ``0o600``).
    """
    try:
        keep = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        keep = None
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        tmp = str(target.parent / f".{target.name}.{secrets.token_hex(4)}{suffix}")
        try:
            fd = os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue
        if keep is not None:
            try:
                os.chmod(tmp, keep)
            except OSError:
                os.close(fd)
                discard(tmp)
                raise
        return fd, tmp
    raise FileExistsError(errno.EEXIST, "no unused temporary file name", str(target.parent))


def discard(tmp: str) -> None:
    """Remove a temporary file, if it is there."""
    try:
        os.unlink(tmp)
    except OSError:
        pass
