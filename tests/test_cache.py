"""The index cache (kb/cache.py): a hit is the same index without a build, every change
of what shapes it is a miss, a damaged file is rebuilt, concurrent writers leave a
readable file, old entries are pruned; and the bot, the site and `dalil ask` use it."""
import os
import pathlib
import shutil
import subprocess
import sys

import numpy
import pytest
import scipy
import sklearn

from bot import Bot, Thresholds
from conftest import app_over, write_article
from kb.articles import load_articles
from kb.cache import MISSING, Cache, folder_digest, source_digest
from kb.index import Index, IndexSettings
from web.cli import cli

ROOT = pathlib.Path(__file__).resolve().parent.parent
QUESTIONS = ["where is my order", "وين طلبي", "نسيت كلمة السر", "is delivery free",
             "zzqx nothing"]

NEW_ARTICLE = """\
    ---
    id: gift-wrap
    title: Can you gift wrap my order?
    category: orders
    questions:
      - do you do gift wrapping
    ---
    Yes: choose "gift wrap" at checkout.
    """


class Builds:
    """Builds the Index over ``folder`` and counts how often it did."""

    def __init__(self, folder, learned=None, settings=None):
        self.folder, self.learned, self.settings, self.count = folder, learned, settings, 0

    def __call__(self):
        self.count += 1
        return Index(load_articles(self.folder), learned=self.learned, settings=self.settings)

    def parts(self):
        return {"files": folder_digest(self.folder), "learned": self.learned,
                "settings": self.settings}


def get(cache, build):
    return cache.get("index", build.parts(), build)


def entries(folder, name="index"):
    return sorted(pathlib.Path(folder).glob(f"{name}-*.pickle"))


def results(index):
    return [index.search(q) for q in QUESTIONS]


# --- hits and misses ---------------------------------------------------------------------

def test_a_hit_is_the_same_index_without_a_build(tmp_path, articles_dir):
    build = Builds(articles_dir)
    built = get(Cache(tmp_path / "cache"), build)
    loaded = get(Cache(tmp_path / "cache"), build)  # a new Cache: as the next process
    assert build.count == 1 and loaded is not built
    assert results(loaded) == results(built)
    assert [a.path for a in loaded.articles] == [a.path for a in built.articles]
    assert len(entries(tmp_path / "cache")) == 1


def test_an_entrys_arrays_are_mapped_from_its_file_not_copied(tmp_path, articles_dir):
    """Workers that load one entry share its arrays' pages (the system's file cache):
    the arrays are read-only views of the mapped file — also those of the process that
    built it, which serves the stored copy once it is written."""
    for cache in (Cache(tmp_path / "cache"), Cache(tmp_path / "cache")):  # build, then load
        index = get(cache, Builds(articles_dir))
        data = index._matrix.data
        assert not data.flags.writeable and not data.flags.owndata
        mapped = pathlib.Path("/proc/self/maps").read_text()
        assert str(entries(tmp_path / "cache")[0]) in mapped
        assert results(index) == results(Builds(articles_dir)())


def test_the_entry_is_private_to_its_owner(tmp_path, articles_dir):
    get(Cache(tmp_path / "cache"), Builds(articles_dir))
    assert os.stat(tmp_path / "cache").st_mode & 0o777 == 0o700
    assert os.stat(entries(tmp_path / "cache")[0]).st_mode & 0o777 == 0o600


@pytest.mark.parametrize("change", ["edit", "add", "remove", "rename", "synonyms"])
def test_a_change_in_the_folder_misses(tmp_path, articles_dir, change):
    cache, build = Cache(tmp_path / "cache"), Builds(articles_dir)
    get(cache, build)
    article = articles_dir / "orders" / "order-tracking.en.md"
    if change == "edit":  # one letter, same size
        article.write_text(article.read_text().replace("status", "statue"))
    elif change == "add":
        write_article(articles_dir, "orders/gift-wrap.en.md", NEW_ARTICLE)
    elif change == "remove":
        article.unlink()
    elif change == "rename":
        article.rename(articles_dir / "orders" / "tracking.en.md")
    else:
        (articles_dir / "synonyms.yml").write_text("- [parcel, order]\n", encoding="utf-8")
    get(cache, build)
    assert build.count == 2 and len(entries(tmp_path / "cache")) == 2


def test_touching_a_file_or_adding_a_hidden_one_hits(tmp_path, articles_dir):
    cache, build = Cache(tmp_path / "cache"), Builds(articles_dir)
    get(cache, build)
    os.utime(articles_dir / "orders" / "order-tracking.en.md", (1, 1))
    (articles_dir / "orders" / ".order-tracking.en.md.swp").write_bytes(b"editor state")
    get(cache, build)
    assert build.count == 1


def test_learned_questions_and_settings_are_part_of_the_key(tmp_path, articles_dir):
    cache = Cache(tmp_path / "cache")
    variants = [Builds(articles_dir),
                Builds(articles_dir, learned={"order-tracking": ["where's my parcel"]}),
                Builds(articles_dir, learned={"order-tracking": ["where's my parcel",
                                                                 "parcel not here"]}),
                Builds(articles_dir, settings=IndexSettings(regularization_c=30.0))]
    for build in variants:
        get(cache, build)
        get(cache, build)
        assert build.count == 1
    assert len(entries(tmp_path / "cache")) == len(variants)


def test_an_edit_of_the_code_misses(tmp_path, articles_dir):
    """Hashing the source stands for a version number nobody has to remember to bump."""
    code = tmp_path / "kb"
    shutil.copytree(ROOT / "kb", code, ignore=shutil.ignore_patterns("__pycache__"))
    build = Builds(articles_dir)
    get(Cache(tmp_path / "cache", code=[code]), build)
    get(Cache(tmp_path / "cache", code=[code]), build)
    assert build.count == 1
    with open(code / "index.py", "a", encoding="utf-8") as f:
        f.write("# a comment\n")
    get(Cache(tmp_path / "cache", code=[code]), build)
    assert build.count == 2


def test_the_code_digest_follows_every_source_file(tmp_path):
    (tmp_path / "index.py").write_text("A = 1\n")
    before = source_digest(tmp_path)
    (tmp_path / "notes.txt").write_text("not code")
    assert source_digest(tmp_path) == before
    (tmp_path / "new.py").write_text("")
    assert source_digest(tmp_path) != before
    assert source_digest() != source_digest(tmp_path / "index.py")


def test_the_key_holds_the_libraries_and_pythons_versions(tmp_path):
    built_with = Cache(tmp_path).built_with()
    assert built_with["libraries"]["numpy"] == numpy.__version__
    assert built_with["libraries"]["scipy"] == scipy.__version__
    assert built_with["libraries"]["scikit-learn"] == sklearn.__version__
    assert set(built_with["libraries"]) >= {"rapidfuzz", "PyStemmer", "PyYAML"}
    assert all(built_with["libraries"].values())
    assert built_with["python"] == sys.version
    assert built_with["code"] == source_digest(ROOT / "kb")


# --- damaged files -----------------------------------------------------------------------

def _truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _flip_a_byte(path):
    data = bytearray(path.read_bytes())
    data[len(data) * 2 // 3] ^= 0xFF
    path.write_bytes(bytes(data))


def _foreign_pickle(path):
    """A well-formed entry whose pickle names a class that does not exist (a library
    or a module renamed since)."""
    import hashlib
    header = path.read_bytes().split(b"\n", 1)[0].split(b" ")
    payload = b"\x80\x05\x95\x00\x00\x00\x00\x00\x00\x00\x00\x8c\x07nowhere\x8c\x05Thing\x93."
    header[-1] = hashlib.sha256(payload).hexdigest().encode()
    path.write_bytes(b" ".join(header) + b"\n" + payload)


def _a_folder(path):
    path.unlink()
    path.mkdir()


DAMAGE = {"empty": lambda path: path.write_bytes(b""),
          "truncated": _truncate,
          "a byte flipped": _flip_a_byte,
          "garbage": lambda path: path.write_bytes(os.urandom(1000)),
          "a pickle of nothing we know": _foreign_pickle,
          "a folder": _a_folder}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_entry_is_rebuilt(tmp_path, articles_dir, damage, caplog):
    cache, build = Cache(tmp_path / "cache"), Builds(articles_dir)
    expected = results(get(cache, build))
    DAMAGE[damage](entries(tmp_path / "cache")[0])
    assert results(get(cache, build)) == expected
    assert build.count == 2
    if damage != "a folder":  # a folder stays in the way: built each time, served anyway
        assert results(get(cache, build)) == expected and build.count == 2


def test_an_entry_of_another_key_is_not_taken(tmp_path, articles_dir):
    cache, build = Cache(tmp_path / "cache"), Builds(articles_dir)
    get(cache, build)
    other = Builds(articles_dir, learned={"order-tracking": ["where's my parcel"]})
    shutil.copy(entries(tmp_path / "cache")[0],
                cache.path("index", cache.key("index", other.parts())))
    get(cache, other)
    assert other.count == 1


def test_an_unwritable_folder_or_value_still_returns_the_built_object(tmp_path, articles_dir):
    (tmp_path / "a-file").write_text("not a folder")
    build = Builds(articles_dir)
    index = get(Cache(tmp_path / "a-file" / "cache"), build)
    assert index.search("where is my order")[0].article_id == "order-tracking"
    cache = Cache(tmp_path / "cache")
    assert cache.get("number", {}, lambda: 1) == 1
    assert cache.get("lambda", {}, lambda: lambda: 42)() == 42  # a lambda cannot be pickled
    assert [p.name.split("-")[0] for p in (tmp_path / "cache").iterdir()] == ["number"]


# --- several processes -------------------------------------------------------------------

WRITER = """\
import sys
from kb.cache import Cache
cache = Cache(sys.argv[1])
value = list(range(int(sys.argv[2])))
for _ in range(int(sys.argv[3])):
    cache.store("big", cache.key("big", {}), value)
"""


def test_concurrent_writers_leave_a_readable_entry(tmp_path):
    """Writers that replace one entry over and over while it is read: every read sees
    the whole value or nothing."""
    size, writes = 300_000, 15
    cache = Cache(tmp_path / "cache")
    key = cache.key("big", {})
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(cache.folder), str(size),
                                 str(writes)], cwd=ROOT) for _ in range(3)]
    seen = 0
    while any(w.poll() is None for w in writers):
        value = cache.load("big", key)
        if value is not MISSING:
            assert len(value) == size and value[-1] == size - 1
            seen += 1
    assert [w.wait() for w in writers] == [0, 0, 0]
    assert cache.get("big", {}, lambda: pytest.fail("built again")) == list(range(size))
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [
        os.path.basename(cache.path("big", key))]  # no temporary file left


# --- pruning -----------------------------------------------------------------------------

def test_only_the_most_recently_used_entries_stay(tmp_path):
    cache = Cache(tmp_path, keep=2)

    def path(n):
        return pathlib.Path(cache.path("numbers", cache.key("numbers", {"n": n})))

    for n in range(4):
        cache.get("numbers", {"n": n}, lambda: n)
        os.utime(path(n), (1000 + n, 1000 + n))  # used long ago, in this order
    assert [path(n).exists() for n in range(4)] == [False, False, True, True]
    cache.get("numbers", {"n": 2}, lambda: pytest.fail("built again"))  # used now
    cache.get("numbers", {"n": 9}, lambda: 9)
    assert sorted(entries(tmp_path, "numbers")) == sorted([path(2), path(9)])


def test_pruning_leaves_other_names_and_young_temporary_files(tmp_path):
    cache = Cache(tmp_path, keep=1)
    cache.get("search", {}, lambda: "search")
    (tmp_path / ".index-writing.tmp").write_bytes(b"a writer at work")
    (tmp_path / ".index-dead.tmp").write_bytes(b"a writer that died")
    os.utime(tmp_path / ".index-dead.tmp", (1, 1))
    (tmp_path / "notes.txt").write_text("not ours")
    for n in range(3):
        cache.get("index", {"n": n}, lambda: n)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".pickle")) == [
        ".index-writing.tmp", "notes.txt"]
    assert len(entries(tmp_path)) == 1 and len(entries(tmp_path, "search")) == 1


# --- the bot, the site and the commands --------------------------------------------------

def test_the_bot_loads_its_index_and_search_from_the_cache(tmp_path, articles_dir):
    cache = Cache(tmp_path / "cache")
    plain = Bot.from_articles(str(articles_dir))
    first = Bot.from_articles(str(articles_dir), cache=cache)
    first.help_center
    second = Bot.from_articles(str(articles_dir), cache=Cache(tmp_path / "cache"))
    assert second.help_center.index is second.index  # the search is stored without it
    for bot in (first, second):
        assert [bot.ask(q) for q in QUESTIONS] == [plain.ask(q) for q in QUESTIONS]
        assert ([r.article_id for r in bot.search("password", lang="en")] ==
                [r.article_id for r in plain.search("password", lang="en")])
    assert (len(entries(cache.folder)), len(entries(cache.folder, "search"))) == (1, 1)


def test_thresholds_are_not_part_of_the_key(tmp_path, articles_dir):
    """The index does not depend on them: a bot with other thresholds loads it."""
    cache = Cache(tmp_path / "cache")
    Bot.from_articles(str(articles_dir), cache=cache)
    strict = Bot.from_articles(str(articles_dir), cache=cache, max_length=50,
                               thresholds=Thresholds(answer_at=0.99))
    replies = [strict.ask(q) for q in QUESTIONS + ["where is my order now please"]]
    assert all(r.action != "answer" or r.confidence >= 0.99 for r in replies)
    assert any(r.action != "answer" and r.article_id is None for r in replies)
    assert len(entries(cache.folder)) == 1


def test_the_site_starts_from_the_cache(tmp_path, articles_dir):
    folder = tmp_path / "cache"
    first = app_over(articles_dir, tmp_path / "dalil.sqlite3", INDEX_CACHE=str(folder))
    second = app_over(articles_dir, tmp_path / "dalil.sqlite3", INDEX_CACHE=str(folder))
    assert (len(entries(folder)), len(entries(folder, "search"))) == (1, 1)
    reply = second.test_client().post("/api/ask", json={"question": "where is my order"})
    assert reply.get_json()["article_id"] == first.extensions["dalil"].ask(
        "where is my order").article_id == "order-tracking"


def test_a_learned_question_or_an_edit_rebuilds_the_served_index(tmp_path, articles_dir):
    from bot import store
    folder = tmp_path / "cache"
    app = app_over(articles_dir, tmp_path / "dalil.sqlite3", INDEX_CACHE=str(folder))
    db = store.connect(str(tmp_path / "dalil.sqlite3"))
    store.add_learned_question(db, "order-tracking", "my parcel went missing", "en")
    db.close()
    watcher = app.extensions["dalil_watcher"]
    assert watcher.reload_now() is True
    assert len(entries(folder)) == 2
    assert app.extensions["dalil"].index.search("my parcel went missing")[0].learned
    write_article(articles_dir, "orders/gift-wrap.en.md", NEW_ARTICLE)
    assert watcher.reload_now() is True
    assert len(entries(folder)) == 3
    assert app.extensions["dalil"].ask("do you do gift wrapping").article_id == "gift-wrap"


def test_the_default_cache_is_in_the_instance_folder(monkeypatch):
    from web.settings import settings

    monkeypatch.delenv("DALIL_INDEX_CACHE", raising=False)  # conftest's, for the test run
    config = settings()
    assert config["INDEX_CACHE"] == os.path.join(os.path.dirname(config["DATABASE"]),
                                                 "index-cache")


@pytest.mark.parametrize("off", ["false", '""', "null"])
def test_ask_writes_only_the_cache_and_can_be_told_not_to(tmp_path, articles_dir, off):
    from click.testing import CliRunner

    folder = tmp_path / "cache"
    env = {"DALIL_DATABASE": str(tmp_path / "never.sqlite3"),
           "DALIL_ARTICLES": str(articles_dir), "DALIL_INDEX_CACHE": str(folder)}
    for _ in range(2):
        asked = CliRunner().invoke(cli, ["ask", "where is my order", "--json"], env=env)
        assert asked.exit_code == 0, asked.output
    assert len(entries(folder)) == 1 and not (tmp_path / "never.sqlite3").exists()
    shutil.rmtree(folder)
    asked = CliRunner().invoke(cli, ["ask", "where is my order"],
                               env={**env, "DALIL_INDEX_CACHE": off})
    assert asked.exit_code == 0 and "order-tracking" in asked.output
    assert not folder.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["articles"]



def test_processes_that_miss_at_once_build_once_and_map_the_same_file(tmp_path, articles_dir):
    """Two processes that both find no entry (gunicorn's workers after an article
    change): one builds, the other waits for it and loads what it stored."""
    script = (
        "import sys, time\n"
        "from kb.cache import Cache\n"
        "from kb.index import Index\n"
        "from kb.articles import load_articles\n"
        "def build():\n"
        "    print('built', flush=True)\n"
        "    time.sleep(1)\n"
        "    return Index(load_articles(sys.argv[2]))\n"
        "index = Cache(sys.argv[1]).get('index', {'folder': sys.argv[2]}, build)\n"
        "print(index.search('وين طلبي')[0].article_id)\n")
    root = pathlib.Path(__file__).resolve().parents[1]
    runs = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "cache"),
                              str(articles_dir)], stdout=subprocess.PIPE, text=True, cwd=root)
            for _ in range(2)]
    outputs = [run.communicate(timeout=120)[0].split() for run in runs]
    assert sorted(outputs) == [["built", "order-tracking"], ["order-tracking"]]
