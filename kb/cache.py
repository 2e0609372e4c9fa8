"""A cache of built objects (the question index, the help-center search) in a folder,
so a command or a server that starts over unchanged articles loads them in milliseconds
instead of building them for seconds.

    cache = Cache("instance/index-cache")
    index = cache.get("index", {"articles": folder_digest("articles")}, build)

An entry is found by its key: a SHA-256 of the caller's parts (what the object is built
from: the articles' files, learned questions, settings) together with what builds it —
the source of the kb package (an edit of the code is a new key, no version to bump),
the versions of the libraries that shape it, Python's and pickle's. Any change is a
miss: the object is built and stored afresh.

An entry is never trusted blindly. Each file starts with a header holding its key and
the SHA-256 of the pickle that follows; a file that is truncated, corrupted, unreadable,
from another key or that fails to unpickle is a miss (logged), never an error for the
caller. A write goes to a temporary file in the same folder, then ``os.replace``: two
processes (gunicorn workers, two `dalil ask`) never read half a file, and the last
complete one wins. After a write only the ``keep`` most recently used entries of that
name stay.

An entry's arrays (numpy's, inside the index's matrices) are written after its pickle,
aligned (pickle protocol 5's out-of-band buffers), and loading maps them read-only from
the file instead of copying them: the processes that load one entry — gunicorn's
workers, also after each rebuilds on an article change, since a built entry is served
from its file once written — share those pages through the system's file cache. (At
10,000 synthetic articles two workers share 506 MB of the index and keep 147 MB each.)

Safety: unpickling runs code named by the file, so the folder must be as private as the
app's other secrets. The site keeps it in its instance folder, beside its SQLite file
and its secret key, which anyone able to write there already controls; files are made
readable by their owner only (0600 in a 0700 folder).
"""
import contextlib
import dataclasses
import fcntl
import hashlib
import importlib.metadata
import io
import json
import logging
import mmap
import os
import pickle
import sys
import tempfile
import time

__all__ = ["Cache", "MISSING", "folder_digest", "source_digest", "KEEP", "LIBRARIES"]

log = logging.getLogger("dalil.cache")

# Entries kept per name: the serving bot and `dalil ask` over the same articles share
# one; a few more cover an edit being tried and undone, or two article folders.
KEEP = 4
# Distributions whose version can change what is built: the vectors and the classifier
# (numpy, scipy, scikit-learn), matching (rapidfuzz), stems (PyStemmer), the articles'
# front matter (PyYAML) and the plain text of their bodies (Markdown, nh3).
# {distribution: its module}: a module already imported tells its __version__ at no
# cost, where asking the installed distributions takes milliseconds each.
LIBRARIES = {"numpy": "numpy", "scipy": "scipy", "scikit-learn": "sklearn",
             "rapidfuzz": "rapidfuzz", "PyStemmer": "Stemmer", "PyYAML": "yaml",
             "Markdown": "markdown", "nh3": "nh3"}
PROTOCOL = 5
# A temporary file older than this (seconds) is a writer that died mid-write.
STALE_TEMPORARY = 3600
_MAGIC = b"dalil-cache 2"
# Arrays start on multiples of this in the file (numpy's alignment for any dtype).
_ALIGN = 64
_SUFFIX = ".pickle"
_KB = os.path.dirname(os.path.abspath(__file__))


def _files(folder, suffix=""):
    """Yield (path relative to ``folder``, path) of every file under it ending with
    ``suffix``, sorted, hidden files and folders and editors' ``~`` backups left out."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or name.endswith("~") or not name.endswith(suffix):
                continue
            path = os.path.join(root, name)
            yield os.path.relpath(path, folder).replace(os.sep, "/"), path


def folder_digest(folder, suffix=""):
    """Return the SHA-256 (hex) of the names and contents of every file under ``folder``
    (ending with ``suffix``), hidden ones left out: it changes with any edit, addition,
    removal or rename, and not with a file's time alone."""
    digest = hashlib.sha256()
    for name, path in _files(folder, suffix):
        with open(path, "rb") as f:
            content = f.read()
        for part in (name.encode("utf-8"), content):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
    return digest.hexdigest()


def source_digest(*paths):
    """Return the SHA-256 (hex) of the Python source of ``paths`` (files, or folders
    whose ``.py`` files count)."""
    digest = hashlib.sha256()
    for path in paths:
        if os.path.isdir(path):
            digest.update(folder_digest(path, ".py").encode("ascii"))
        else:
            with open(path, "rb") as f:
                digest.update(hashlib.sha256(f.read()).digest())
    return digest.hexdigest()


def _version(distribution):
    version = getattr(sys.modules.get(LIBRARIES.get(distribution)), "__version__", None)
    if isinstance(version, str):
        return version
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _plain(value):
    """``value`` as JSON can write it: dataclasses as their class name and fields."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"class": type(value).__qualname__, **dataclasses.asdict(value)}
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return repr(value)


class Cache:
    """Built objects stored in ``folder`` (made on the first write), ``keep`` entries a
    name; ``code`` (files or folders) is the source that builds them, the kb package by
    default."""

    def __init__(self, folder, *, keep=KEEP, code=(_KB,)):
        self.folder = os.path.abspath(folder)
        self.keep = keep
        self.code = tuple(code)
        self._built_with = None

    def built_with(self):
        """Return what builds every entry: the code's digest and the libraries', Python's
        and pickle's versions (worked out once)."""
        if self._built_with is None:
            self._built_with = {
                "code": source_digest(*self.code),
                "libraries": {name: _version(name) for name in LIBRARIES},
                "python": sys.version, "pickle": PROTOCOL}
        return self._built_with

    def key(self, name, parts):
        """Return the key (hex) of the entry ``name`` built from ``parts``: a dict of
        JSON-able values, dataclasses or sets (anything else counts by its repr)."""
        text = json.dumps({"name": name, "parts": parts, "built with": self.built_with()},
                          sort_keys=True, ensure_ascii=False, default=_plain)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def path(self, name, key):
        return os.path.join(self.folder, f"{name}-{key}{_SUFFIX}")

    def get(self, name, parts, build, *, shared=None):
        """Return the object ``name`` built from ``parts``: the stored one when its key
        matches, else ``build()`` — stored for next time. ``shared`` ({name: object})
        are objects the entry refers to but does not hold, such as the search's index
        (an entry of its own): they are written as their name alone, so ``parts`` must
        say what they were built from. Never raises for the cache's sake: an unusable
        entry is rebuilt, an unwritable folder only logged."""
        key = self.key(name, parts)
        found = self.load(name, key, shared)
        if found is not MISSING:
            return found
        # One process builds, the others wait and load what it stored: gunicorn's
        # workers all notice an article change at once, and each mapping its own copy
        # of the same entry would share nothing.
        with self._building(name, key):
            found = self.load(name, key, shared)
            if found is not MISSING:
                return found
            return self._build_and_store(name, key, build, shared)

    def _build_and_store(self, name, key, build, shared):
        value = build()
        if self.store(name, key, value, shared):
            # Served from the file from now on: the arrays the build made in this
            # process's memory are freed, and other processes that load the entry (the
            # other workers after an article change) share its pages with this one.
            stored = self.load(name, key, shared)
            if stored is not MISSING:
                return stored
        return value

    @contextlib.contextmanager
    def _building(self, name, key):
        """Hold the lock on building entry ``name``/``key`` (a lock file beside it,
        released by the system if the holder dies); without a writable folder, no
        lock."""
        path = os.path.join(self.folder, f".{name}-{key}.lock")
        try:
            os.makedirs(self.folder, mode=0o700, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            yield
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            # Gone once the entry is there: a process arriving later loads it without
            # locking, and one still waiting holds the old file's lock, which is enough.
            _remove(path)
            os.close(fd)  # closing releases the lock

    def load(self, name, key, shared=None):
        """Return the entry ``name`` with ``key``, or MISSING when there is none or it
        cannot be trusted. Its arrays are read-only views of the file, memory-mapped:
        every process that loads the entry shares their pages (the system's file cache)
        instead of holding a copy each."""
        path = self.path(name, key)
        try:
            with open(path, "rb") as f:
                data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except FileNotFoundError:
            return MISSING
        except (OSError, ValueError) as error:  # ValueError: an empty file
            log.warning("index cache %s unreadable, rebuilding: %s", path, error)
            return MISSING
        view = memoryview(data)
        start = data.find(b"\n") + 1
        header = _read_header(view[:start]) if start else None
        if header is None or header[0] != key or hashlib.sha256(view[start:]).hexdigest() != header[1]:
            log.warning("index cache %s is damaged or not this key's, rebuilding", path)
            return MISSING
        _, _, pickled, spans = header
        try:
            buffers = [view[offset:offset + length] for offset, length in spans]
            file = io.BytesIO(view[start:start + pickled])
            value = _Unpickler(file, shared or {}, buffers).load()
        except Exception as error:  # a class renamed, a library changed: build afresh
            log.warning("index cache %s cannot be loaded, rebuilding: %s: %s", path,
                        type(error).__name__, error)
            return MISSING
        try:
            os.utime(path)  # recently used: pruning keeps it
        except OSError:
            pass
        return value

    def store(self, name, key, value, shared=None):
        """Write ``value`` as the entry ``name`` with ``key`` (atomically), then prune
        the name's older entries; return whether it was written. Its arrays go after the
        pickle, each aligned, so ``load`` can map them instead of copying."""
        temporary = None
        try:
            buffer, arrays = io.BytesIO(), []
            # persistent_id costs a call per object: only when there is something to share.
            pickler = (_Pickler(buffer, shared, arrays.append) if shared else
                       pickle.Pickler(buffer, PROTOCOL, buffer_callback=arrays.append))
            pickler.dump(value)
            pickled = buffer.getvalue()
            body, spans, offset = [pickled], [], len(pickled)
            for array in arrays:
                raw = array.raw()
                padding = -offset % _ALIGN
                body.append(b"\0" * padding)
                offset += padding
                spans.append((offset, raw.nbytes))
                body.append(raw)
                offset += raw.nbytes
            digest = hashlib.sha256()
            for part in body:
                digest.update(part)
            header = _header(key, digest.hexdigest(), len(pickled), spans)
            os.makedirs(self.folder, mode=0o700, exist_ok=True)
            fd, temporary = tempfile.mkstemp(prefix=f".{name}-", suffix=".tmp",
                                             dir=self.folder)
            with os.fdopen(fd, "wb") as f:
                f.write(header)
                for part in body:
                    f.write(part)
            os.replace(temporary, self.path(name, key))
        except Exception as error:  # a full disk or an unpicklable object: serve anyway
            log.warning("index cache not written to %s: %s: %s", self.folder,
                        type(error).__name__, error)
            if temporary is not None:
                _remove(temporary)
            return False
        self.prune(name)
        return True

    def prune(self, name):
        """Remove all but the ``keep`` most recently used entries ``name``, temporary
        files left by writers that died and old build locks."""
        entries, now = [], time.time()
        try:
            listing = os.listdir(self.folder)
        except OSError:
            return
        for file in listing:
            path = os.path.join(self.folder, file)
            try:
                used = os.stat(path).st_mtime
            except OSError:  # removed meanwhile by another process
                continue
            if file.startswith(f"{name}-") and file.endswith(_SUFFIX):
                entries.append((used, path))
            elif (file.startswith(".") and file.endswith((".tmp", ".lock"))
                  and now - used > STALE_TEMPORARY):
                _remove(path)
        for _, path in sorted(entries, reverse=True)[self.keep:]:
            _remove(path)


MISSING = object()  # what Cache.load returns for no usable entry


def _header(key, digest, pickled, spans):
    """The first line of an entry: the format, its key, the SHA-256 of all that follows,
    the pickle's length, then each array's offset (from the end of this line) and
    length."""
    table = ",".join(f"{offset}:{length}" for offset, length in spans)
    return b"%s %s %s %d %s\n" % (_MAGIC, key.encode("ascii"), digest.encode("ascii"),
                                   pickled, table.encode("ascii") or b"-")


def _read_header(line):
    """Return (key, digest, pickle length, [(offset, length)]) of a header line whose
    offsets count from its end, or None when it is not one."""
    try:
        magic_one, magic_two, key, digest, pickled, table = bytes(line).split()
        if b" ".join((magic_one, magic_two)) != _MAGIC:
            return None
        end = len(line)
        spans = [] if table == b"-" else [
            (end + int(offset), int(length))
            for offset, length in (item.split(b":") for item in table.split(b","))]
        return key.decode("ascii"), digest.decode("ascii"), int(pickled), spans
    except ValueError:
        return None


def _remove(path):
    try:
        os.remove(path)
    except OSError:
        pass


class _Pickler(pickle.Pickler):
    """Writes ``shared`` objects ({id: object}) as their id, not their contents, and
    hands arrays' memory to ``buffer_callback`` (pickle protocol 5's out-of-band
    buffers) instead of copying it into the pickle."""

    def __init__(self, file, shared, buffer_callback):
        super().__init__(file, protocol=PROTOCOL, buffer_callback=buffer_callback)
        self._ids = {id(value): name for name, value in shared.items()}

    def persistent_id(self, obj):
        return self._ids.get(id(obj))


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, shared, buffers):
        super().__init__(file, buffers=buffers)
        self._shared = shared

    def persistent_load(self, pid):
        return self._shared[pid]  # KeyError: the entry is not usable here, a miss
