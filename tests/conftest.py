"""Shared fixtures. No test may touch the network: sockets are blocked for the whole session.

Loopback stays allowed so the web tests can talk to a server they start themselves.
"""

from __future__ import annotations

import json
import socket
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/helpers.py

from helpers import SEED, isolated_environ, once_per_run, run_dir  # noqa: E402

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo
_LOOPBACK = ("127.", "::1", "localhost", "0.0.0.0")


def _is_loopback(address) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = str(address[0])
    return host.startswith(_LOOPBACK)


class NetworkBlocked(RuntimeError):
    pass


def _guard_connect(self, address):
    if not _is_loopback(address):
        raise NetworkBlocked(f"test tried to reach the network: {address!r}")
    return _real_connect(self, address)


def _guard_connect_ex(self, address):
    if not _is_loopback(address):
        raise NetworkBlocked(f"test tried to reach the network: {address!r}")
    return _real_connect_ex(self, address)


def _guard_getaddrinfo(host, *args, **kwargs):
    if host is not None and not str(host).startswith(_LOOPBACK):
        raise NetworkBlocked(f"test tried to resolve {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


def pytest_sessionstart(session):
    socket.socket.connect = _guard_connect
    socket.socket.connect_ex = _guard_connect_ex
    socket.getaddrinfo = _guard_getaddrinfo


# -- the order of the test files -------------------------------------------------------------------------------
# `make test` runs two test processes (pytest-xdist, --dist loadfile --no-loadscope-reorder): each is handed one
# file at a time, in collection order, so a long file handed out last would run alone at the end while the other
# core idles. The longest files go first: by their seconds in the last run here (pytest's cache), else by the
# seconds in tests/durations.json (a `make test` on a 2-core machine; a clean clone has no cache: copy
# .pytest_cache/v/bilingual/seconds-per-test-file over it when files change much), else by their count of tests
# marked `slow`.

DURATIONS = Path(__file__).resolve().parent / "durations.json"
FILE_SECONDS = "bilingual/seconds-per-test-file"
_seconds: defaultdict[str, float] = defaultdict(float)


def _test_file(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def pytest_collection_modifyitems(config, items):
    cache = getattr(config, "cache", None)
    seconds = json.loads(DURATIONS.read_text(encoding="utf-8")) if DURATIONS.is_file() else {}
    seconds.update(cache.get(FILE_SECONDS, {}) if cache is not None else {})
    slow = Counter(_test_file(item.nodeid) for item in items if item.get_closest_marker("slow"))
    first_seen: dict[str, int] = {}
    for item in items:
        first_seen.setdefault(_test_file(item.nodeid), len(first_seen))

    def heaviest_first(item):
        name = _test_file(item.nodeid)
        return -seconds.get(name, 0.0), -slow[name], first_seen[name]

    items.sort(key=heaviest_first)  # (stable: a file's tests keep their order)


def pytest_runtest_logreport(report):
    _seconds[_test_file(report.nodeid)] += report.duration


def pytest_sessionfinish(session):
    cache = getattr(session.config, "cache", None)
    if cache is None or hasattr(session.config, "workerinput") or not _seconds:
        return  # (an xdist worker: the controller, which sees every report, keeps the seconds)
    cache.set(FILE_SECONDS, {**cache.get(FILE_SECONDS, {}), **{k: round(v, 1) for k, v in _seconds.items()}})


@pytest.fixture(scope="session")
def _tables_dir(tmp_path_factory) -> Path:
    """Where every process of this run keeps the tables derived from installed files (jieba's, CC-CEDICT's):
    one folder for the run, so the processes the tests start read them instead of each building them again."""
    return run_dir(tmp_path_factory) / "derived-tables"


def _isolate(monkeypatch: pytest.MonkeyPatch, base: Path, tables: Path) -> None:
    for name, value in isolated_environ(base, tables).items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


@pytest.fixture(scope="session", autouse=True)
def _isolated_session(tmp_path_factory, _tables_dir):
    """The same isolation for what session and module fixtures do (a translated seed, a Ray runtime's actors),
    which starts before a test's own folders exist: no fixture writes the user's cache or memory either."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        _isolate(monkeypatch, tmp_path_factory.mktemp("xdg-fixtures"), _tables_dir)
        yield


@pytest.fixture(autouse=True)
def _isolated_data_dirs(tmp_path_factory, monkeypatch, _tables_dir):
    """Each test gets its own XDG data/cache/config dirs: no test sees the user's TM, models or config.toml."""
    _isolate(monkeypatch, tmp_path_factory.mktemp("xdg"), _tables_dir)


@pytest.fixture
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def translated_seed(tmp_path_factory) -> Path:
    """The output folder of one gloss translation of the seed in every format, shared by the whole run: the first
    test process to ask makes it (holding a lock), the others wait for it and use it.

    Read-only: a test that changes files copies the folder first (``shutil.copytree``).
    """
    from bilingual.batch import run_batch
    from bilingual.config import Config

    def translate(out: Path) -> Path:
        batch = run_batch([SEED], Config(out_dir=out, engine="gloss", use_memory=False))
        assert not batch.failed, batch.failed
        return out

    return once_per_run(tmp_path_factory, "translated-seed", translate)
