"""A real PostgreSQL server for the test session, and a fresh database on it per test.

``pg_server`` runs Debian's ``initdb`` in a temporary folder and ``pg_ctl start`` on a
unix socket there (no TCP port, so test runs beside each other never collide); the
server is stopped and its folder removed when the session ends. ``pg_url`` is a new
empty database on it for one test (``CREATE DATABASE``, dropped afterwards), and
``backend_db`` the store opened with ``store.open_db`` on SQLite or PostgreSQL, for the
tests parametrized over both (``@pytest.mark.parametrize("backend", BACKENDS, indirect=True)``
or the ``backend`` fixture's own params).

The server is kept small and fast because it holds only test data: shared_buffers 16MB,
``fsync = off`` and ``synchronous_commit = off`` (a crash of the test server loses
nothing that matters). initdb refuses to run as root, so as root the server runs as the
``postgres`` user the Debian package creates (``nobody`` without it), through setpriv.
When no PostgreSQL is installed the PostgreSQL cases are skipped, saying so; `make test`
installs it.
"""
import contextlib
import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
import urllib.parse

import pytest

from bot import store

BACKENDS = ["sqlite", "postgres"]
_names = itertools.count(1)


def _binary(name):
    """Return the path of the PostgreSQL program ``name`` (PATH first, then Debian's
    versioned folders, newest first), or None."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda path: int(path.split("/")[4]) if
                        path.split("/")[4].isdigit() else 0, reverse=True)
    return candidates[0] if candidates else None


def _as_server_user():
    """Return (the command prefix running a program as the server's user, its uid and
    gid): nothing as an ordinary user; setpriv to ``postgres`` or ``nobody`` as root."""
    if os.geteuid() != 0:
        return [], None, None
    for name in ("postgres", "nobody"):
        try:
            user = pwd.getpwnam(name)
        except KeyError:
            continue
        return (["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}",
                 "--clear-groups", "--"], user.pw_uid, user.pw_gid)
    raise RuntimeError("running as root with neither a postgres nor a nobody user")


class Server:
    """A running PostgreSQL: ``url(name)`` the address of its database ``name``."""

    def __init__(self, folder, socket_dir, user):
        self.folder, self.socket_dir, self.user = folder, socket_dir, user

    @property
    def pid(self):
        """The postmaster's process id (its backends are its children)."""
        with open(os.path.join(self.folder, "data", "postmaster.pid")) as f:
            return int(f.readline())

    def url(self, name="postgres"):
        return (f"postgresql://{self.user}@/{name}?host="
                f"{urllib.parse.quote(self.socket_dir, safe='')}")

    def admin(self, sql):
        """Run ``sql`` (CREATE/DROP DATABASE) outside a transaction as the superuser."""
        import psycopg
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql)


class NotInstalled(RuntimeError):
    """Neither initdb nor pg_ctl is installed."""


@contextlib.contextmanager
def temporary_server(settings=""):
    """Run a PostgreSQL server in a new temporary folder for the block (``settings``:
    more ``-c name=value`` options); yield its Server. Stopped and removed afterwards.
    Raises NotInstalled without the server programs. The benchmarks use it too."""
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if initdb is None or pg_ctl is None:
        raise NotInstalled("PostgreSQL is not installed (make test installs Debian's postgresql)")
    prefix, uid, gid = _as_server_user()
    folder = tempfile.mkdtemp(prefix="dalil-pg-")
    data, sockets = os.path.join(folder, "data"), os.path.join(folder, "sockets")
    os.mkdir(sockets)
    if uid is not None:
        for path in (folder, sockets):
            os.chown(path, uid, gid)
    user = "dalil"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "check": True}
    try:
        subprocess.run([*prefix, initdb, "-D", data, "-U", user, "--auth=trust",
                        "--encoding=UTF8", "--locale=C", "--no-sync"], **quiet)
        options = (f"-c listen_addresses='' -c unix_socket_directories='{sockets}' "
                   f"-c max_connections=120 {settings}")
        subprocess.run([*prefix, pg_ctl, "-D", data, "-o", options, "-w", "-s",
                        "-l", os.path.join(folder, "server.log"), "start"], **quiet)
    except subprocess.CalledProcessError as error:
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {error.stderr.decode()}") from error
    try:
        yield Server(folder, sockets, user)
    finally:
        subprocess.run([*prefix, pg_ctl, "-D", data, "-m", "immediate", "-w", "-s",
                        "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(folder, ignore_errors=True)


# Only test data: a crash of the test server loses nothing that matters.
_FAST_AND_SMALL = ("-c shared_buffers=16MB -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off")


@pytest.fixture(scope="session")
def pg_server():
    """The session's PostgreSQL server (started on first use), or a skip when neither
    initdb nor psycopg is installed."""
    pytest.importorskip("psycopg", reason="psycopg is not installed")
    try:
        with temporary_server(_FAST_AND_SMALL) as server:
            yield server
    except NotInstalled as error:
        pytest.skip(str(error))


@pytest.fixture
def pg_url(pg_server):
    """The address of a new, empty PostgreSQL database for this test alone (dropped
    after it, whoever is still connected)."""
    yield from _database_of_its_own(pg_server, "template0")


@pytest.fixture(scope="session")
def pg_template(pg_server):
    """The name of a database migrated once for the session, to copy: CREATE DATABASE
    from it costs a file copy, not every migration again (measured here: migrating a
    new database 0.06 s, opening a migrated copy 0.013 s). Nothing connects to it
    after, as a template requires."""
    name = f"template_{os.getpid()}"
    pg_server.admin(f"CREATE DATABASE {name} TEMPLATE template0")
    store.open_db(pg_server.url(name)).close()
    return name


@pytest.fixture
def pg_migrated_url(pg_server, pg_template):
    """The address of a new PostgreSQL database for this test alone, already migrated
    (as ``store.open_db`` leaves a new one); dropped after it."""
    yield from _database_of_its_own(pg_server, pg_template)


def _database_of_its_own(server, template):
    """Yield the address of a new database copied from ``template``; drop it after,
    whoever is still connected."""
    name = f"test_{os.getpid()}_{next(_names)}"
    server.admin(f"CREATE DATABASE {name} TEMPLATE {template}")
    yield server.url(name)
    server.admin(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture(params=BACKENDS)
def backend(request):
    """"sqlite" or "postgres": run the test once on each store backend."""
    return request.param


@pytest.fixture
def database(backend, request, tmp_path):
    """Where the test's store lives on ``backend``: a new SQLite file's path in
    ``tmp_path``, or a new PostgreSQL database's URL (the DATABASE setting's two forms)."""
    if backend == "sqlite":
        return str(tmp_path / "dalil.sqlite3")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def backend_db(database):
    """The store on the test's backend, opened with ``store.open_db`` (migrated), closed
    after the test."""
    db = store.open_db(database)
    yield db
    db.close()
