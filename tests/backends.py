"""Both database backends in tests: SQLite (always) and PostgreSQL + PostGIS when
``PETA_TEST_PG_URL`` names a server (``.ci/postgres.sh`` starts a throwaway one, CI always).

A test module opts in with ``pytestmark = pytest.mark.both_backends``: every test of it that
uses the ``backend`` fixture (directly, or through ``engine``, ``demo_db_url``, ``app_env``)
runs once per backend, ``[sqlite]`` and ``[postgresql]``. Each PostgreSQL test gets a database
of its own, copied from a template (``CREATE DATABASE … TEMPLATE``, a few hundredths of a
second) and dropped afterwards, so tests never see each other's rows.

Without ``PETA_TEST_PG_URL`` the PostgreSQL variants skip with the reason, except when ``CI``
is set: then they fail (the same policy as the browser tests, tests/browser.py).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

PG_ENV = "PETA_TEST_PG_URL"
BACKENDS = ("sqlite", "postgresql")


def pg_url_or_skip() -> str:
    """The test server's URL (a database with PostGIS); skip without it, fail under CI."""
    url = os.environ.get(PG_ENV)
    if url:
        return url
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {PG_ENV} is not: .ci/run must start PostgreSQL "
                    "(.ci/postgres.sh)")
    pytest.skip(f"PostgreSQL variant: set {PG_ENV} (eval \"$(bash .ci/postgres.sh start)\")")


def _admin(url: str):  # noqa: ANN202
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    return create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)


def forget_engine(url: str) -> None:
    """Close every pooled connection of ``url`` that :func:`geo.store.get_engine` holds (a
    database with open connections can be neither copied nor dropped)."""
    from geo import store

    engine = store._ENGINES.pop(url, None)
    if engine is not None:
        engine.dispose()


def create_database(template: str | None = None) -> str:
    """A new database on the test server, copied from ``template`` (default: the server URL's
    own database, which has PostGIS); returns its URL."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    base = make_url(pg_url_or_skip())
    name = f"peta_t_{uuid.uuid4().hex[:12]}"
    admin = _admin(base)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template or base.database}"'))
    finally:
        admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    forget_engine(url)
    target = make_url(url)
    admin = _admin(make_url(pg_url_or_skip()))
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    finally:
        admin.dispose()


@contextmanager
def pg_database(template: str | None = None) -> Iterator[str]:
    """A private database for one test (or one module's fixture), dropped afterwards."""
    url = create_database(template)
    try:
        yield url
    finally:
        drop_database(url)


def database_name(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).database or ""
