"""When an article file last changed: from git when it is committed, else the file time.

    last_updated("articles/returns/refunds.ar.md") -> "2025-01-31T10:02:03+03:00"
"""
import datetime
import os
import subprocess

__all__ = ["last_updated"]

# git answers in milliseconds; a hung git (a lock, a network file system) must not hang
# a page.
_GIT_TIMEOUT = 5


def _git(folder, *args):
    try:
        result = subprocess.run(["git", "-C", folder, *args], capture_output=True,
                                text=True, timeout=_GIT_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def last_updated(path):
    """Return the ISO 8601 time ``path`` last changed: its last commit's date when git
    tracks it unchanged, else its modification time; None when it does not exist."""
    folder, name = os.path.split(os.path.abspath(path))
    # An edit not yet committed is newer than its last commit: the file time says when.
    if not _git(folder, "status", "--porcelain", "--", name):
        committed = _git(folder, "log", "-1", "--format=%cI", "--", name)
        if committed:
            return committed
    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        return None
    return datetime.datetime.fromtimestamp(mtime, datetime.timezone.utc).isoformat(
        timespec="seconds")
