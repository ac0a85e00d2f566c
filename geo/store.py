"""Storage through SQLAlchemy 2: regions, snapshots, households, quarantined rows.

The database URL comes from ``PETA_DB_URL``; by default a SQLite file ``data/peta.sqlite``
beside the project, created on first use. Geometry is stored as WKB in WGS84: the full geometry
for linking and a simplified copy for display.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    text,
    update,
)

from geo import config
from geo.privacy import private_file
from geo.schema import HOUSEHOLD_COLUMNS, LINK_COLUMNS

PROJECT_DIR = config.PROJECT_DIR
DATA_DIR = config.DATA_DIR
DEFAULT_DB = config.DEFAULT_DB

COUNT_KEYS = (
    "rows_read", "accepted", "quarantined", "linked_by_code", "linked_by_name",
    "linked_by_point", "unlinked", "conflicts",
)

metadata = MetaData()

regions = Table(
    "regions",
    metadata,
    Column("kode", String(13), primary_key=True),
    Column("nama", Text, nullable=False),
    Column("level", String(12), nullable=False, index=True),  # provinsi|kota|kecamatan|kelurahan
    Column("kode_induk", String(13), index=True),
    Column("geometry", LargeBinary, nullable=False),  # full geometry, WKB, EPSG:4326
    Column("geometry_display", LargeBinary),  # simplified for the map, WKB, EPSG:4326
    Column("area_km2", Float),
    Column("source_file", Text),
)

snapshots = Table(
    "snapshots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("period", String(7), nullable=False, unique=True),  # YYYY-MM
    Column("source_file", Text),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("is_demo", Boolean, nullable=False, default=False),
    *[Column(key, Integer, nullable=False, default=0) for key in COUNT_KEYS],
    Column("report", Text),  # JSON: mapping used, unmapped values, ...
    # bumped each time re-linking changes a household's kelurahan: part of every cache key
    Column("links_version", Integer, nullable=False, default=0, server_default="0"),
    # where the households are (geo.schema.STORAGES): the households table, or a partitioned
    # Parquet dataset at dataset_location (geo.household_dataset)
    Column("storage", String(16), nullable=False, default="database",
           server_default=text("'database'")),
    Column("dataset_location", Text, nullable=False, default="", server_default=text("''")),
)

cubes = Table(  # the pre-aggregated counts of a period (geo/cube.py), one Parquet blob per kind
    "cubes",
    metadata,
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"),
           primary_key=True),
    Column("kind", String(16), primary_key=True),  # hitungan | kebutuhan
    Column("version", String(32), nullable=False),  # the rules that made it (geo.cube.VERSION)
    Column("links_version", Integer, nullable=False),
    Column("cells", Integer, nullable=False),
    Column("households", Integer, nullable=False),
    Column("known_columns", Text, nullable=False),  # JSON list
    Column("built_at", DateTime(timezone=True), nullable=False),
    Column("data", LargeBinary, nullable=False),
)

_SQL_TYPES = {"text": Text, "code": String(32), "int": Integer, "float": Float, "flag": Integer,
              "date": String(10)}

households = Table(
    "households",
    metadata,
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"),
           nullable=False),
    Column("row_number", Integer, nullable=False),
    *[Column(name, _SQL_TYPES[kind]) for name, kind in HOUSEHOLD_COLUMNS.items()],
    *[Column(name, _SQL_TYPES[kind]) for name, kind in LINK_COLUMNS.items()],
    # a snapshot's rows, and one row by its number in the file (dropping duplicates found at
    # the end of an import, re-linking)
    Index("ix_households_snapshot_row", "snapshot_id", "row_number"),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("row_number", Integer, nullable=False),
    Column("values_json", Text, nullable=False),  # the row's original values
    Column("reasons", Text, nullable=False),  # every reason, "; "-separated, in Indonesian
)

# ---------------------------------------------------------------- accounts (geo.accounts)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),  # argon2id (argon2-cffi)
    Column("role", String(16), nullable=False),  # geo.access.ROLES
    Column("areas", Text, nullable=False, default="[]"),  # JSON list of dotted codes; [] = all
    Column("disabled", Boolean, nullable=False, default=False),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # sha256 of the browser's token
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

setup_codes = Table(  # the one-time code printed on the console to create the first admin
    "setup_codes",
    metadata,
    Column("code_hash", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Append-only (geo.audit): triggers refuse UPDATE and DELETE (_protect_audit; SQLite and
# PostgreSQL).
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("user_name", String(64), index=True),
    Column("action", String(32), nullable=False),
    Column("detail", Text, nullable=False, default="{}"),  # JSON: what it touched
)

# The office's own value mappings, offered again for the next month's file; their numbered
# entries also count as code lists (geo.register_values.office_lists).
value_profiles_table = Table(
    "value_profiles",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(80), nullable=False, unique=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("mapping", Text, nullable=False),  # JSON: column -> {value as written: code}
)

# ---------------------------------------------------------------- usulan (geo.proposals)

# The kamus usulan: activities the office accepts, each with its OPD, unit, indicative unit
# cost, households one unit reaches, and the register indicators it answers (comma-separated).
kamus_usulan = Table(
    "kamus_usulan",
    metadata,
    Column("kegiatan", Text, primary_key=True),
    Column("opd", Text, nullable=False),
    Column("satuan", Text, nullable=False),
    Column("biaya_satuan", Float),  # Rp per unit (indicative)
    Column("rt_per_satuan", Float, nullable=False, default=1.0),
    Column("indikator", Text, nullable=False, default=""),
    Column("diubah_pada", DateTime(timezone=True), nullable=False),
)

usulan = Table(  # one row per proposal; a file's rows are replaced whole on re-import
    "usulan",
    metadata,
    Column("id_usulan", String(64), primary_key=True),
    Column("tahun", Integer),
    Column("sumber", String(32)),
    Column("kecamatan_teks", Text),
    Column("kelurahan_teks", Text),
    Column("region_code", String(13), index=True),
    Column("link_method", String(8)),
    Column("urusan", Text),
    Column("kegiatan", Text, nullable=False),  # a kamus entry
    Column("kegiatan_teks", Text),  # as written in the file
    Column("permasalahan", Text),
    Column("opd", Text, nullable=False),
    Column("volume", Float, nullable=False),
    Column("satuan", Text),
    Column("anggaran", Float, nullable=False),  # Rp
    Column("status", String(16), nullable=False),
    Column("alasan", Text),
    Column("periode_bukti", String(7)),
    Column("lintang", Float),
    Column("bujur", Float),
    Column("lampiran", Text),  # attachment file names, never fetched
    Column("source_file", Text, index=True),  # "" for proposals entered in the form
    Column("row_number", Integer),
    Column("dibuat_pada", DateTime(timezone=True), nullable=False),
)

usulan_karantina = Table(
    "usulan_karantina",
    metadata,
    Column("source_file", Text, nullable=False, index=True),
    Column("row_number", Integer, nullable=False),
    Column("values_json", Text, nullable=False),
    Column("reasons", Text, nullable=False),
)

usulan_keputusan = Table(  # every decision, kept: who decided what and when
    "usulan_keputusan",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("id_usulan", String(64), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("alasan", Text),
    Column("periode_bukti", String(7)),
    Column("oleh", String(64), nullable=False),
    Column("pada", DateTime(timezone=True), nullable=False),
)

HOUSEHOLD_TABLE_COLUMNS = ["row_number", *HOUSEHOLD_COLUMNS, *LINK_COLUMNS]


def database_url() -> str:
    """``PETA_DB_URL``, or the SQLite file ``data/peta.sqlite`` (see :func:`geo.config.db_url`)."""
    return config.db_url()


_ENGINES: dict[str, Engine] = {}
SQLITE_POOL, SQLITE_OVERFLOW = 10, 90  # connections kept, and more made while sessions need them


def get_engine(url: str | None = None) -> Engine:
    """The engine for ``url`` (default :func:`database_url`), schema created on first use."""
    url = url or database_url()
    if url in _ENGINES:
        return _ENGINES[url]
    sqlite_file = None
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        sqlite_file = Path(url.removeprefix("sqlite:///"))
        sqlite_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # SQLite connections are cheap and its readers do not block each other (WAL): one per
    # concurrent session, not SQLAlchemy's default 5 + 10, which 50 sessions opening at once on
    # one server exhausted (QueuePool timeouts after 30 s; bench/bench_sessions.py)
    engine = create_engine(url, pool_size=SQLITE_POOL, max_overflow=SQLITE_OVERFLOW) \
        if sqlite_file is not None else create_engine(url)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()
    metadata.create_all(engine)
    for index in households.indexes:  # databases made before the index was defined
        index.create(engine, checkfirst=True)
    _add_missing_columns(engine)
    _protect_audit(engine)
    if engine.dialect.name == "postgresql":  # PostGIS geometry columns beside the WKB (QGIS)
        from geo.postgis import add_geometry_columns

        add_geometry_columns(engine)
    if sqlite_file is not None:  # personal data: the owner's only (the WAL follows the file)
        private_file(sqlite_file)
    _ENGINES[url] = engine
    return engine


def _protect_audit(engine: Engine) -> None:
    """The audit trail is append-only in the database itself, not only in the code."""
    if engine.dialect.name == "postgresql":
        from geo.postgis import protect_audit

        protect_audit(engine)
        return
    if engine.dialect.name != "sqlite":
        return
    with engine.begin() as conn:
        for verb in ("UPDATE", "DELETE"):
            conn.execute(text(
                f"CREATE TRIGGER IF NOT EXISTS audit_log_no_{verb.lower()} BEFORE {verb} ON "
                "audit_log BEGIN SELECT RAISE(ABORT, 'audit_log hanya bisa ditambah'); END"))


def _add_missing_columns(engine: Engine) -> None:
    """Columns added to ``snapshots`` after a database was made (each has a server default)."""
    from sqlalchemy import inspect

    present = {c["name"] for c in inspect(engine).get_columns("snapshots")}
    with engine.begin() as conn:
        for column in snapshots.columns:
            if column.name not in present and column.server_default is not None:
                kind = column.type.compile(dialect=engine.dialect)
                conn.execute(text(f"ALTER TABLE snapshots ADD COLUMN {column.name} {kind} "
                                  f"NOT NULL DEFAULT {column.server_default.arg}"))


# ---------------------------------------------------------------- regions

def replace_regions(engine: Engine, table: gpd.GeoDataFrame, source_file: str = "") -> None:
    """Replace all regions with ``table`` (columns kode, nama, level, kode_induk, geometry and
    optionally geometry_display, area_km2) in one transaction."""
    with engine.begin() as conn:
        conn.execute(delete(regions))
        insert_regions(conn, table, source_file)


def insert_regions(conn, table: gpd.GeoDataFrame, source_file: str) -> None:  # noqa: ANN001
    """Insert regions on the caller's connection (its transaction); see replace_regions."""
    geoms = shapely.to_wkb(table.geometry.to_crs(4326).values)
    display = table["geometry_display"] if "geometry_display" in table else table.geometry
    display_wkb = shapely.to_wkb(gpd.GeoSeries(display, crs=table.crs).to_crs(4326).values)
    rows = []
    for i, rec in enumerate(table.itertuples(index=False)):
        rows.append({
            "kode": rec.kode,
            "nama": rec.nama,
            "level": rec.level,
            "kode_induk": getattr(rec, "kode_induk", None),
            "geometry": geoms[i],
            "geometry_display": display_wkb[i],
            "area_km2": float(getattr(rec, "area_km2", 0) or 0) or None,
            "source_file": source_file,
        })
    if rows:
        conn.execute(insert(regions), rows)


REGION_FIELDS = ("kode", "nama", "level", "kode_induk", "area_km2")  # a region without geometry


def load_regions(engine: Engine, level: str | None = None, display: bool = False
                 ) -> gpd.GeoDataFrame:
    """Regions as a GeoDataFrame in EPSG:4326; ``display=True`` gives the simplified geometry."""
    geom_col = regions.c.geometry_display if display else regions.c.geometry
    query = select(*(regions.c[f] for f in REGION_FIELDS), geom_col.label("wkb")
                   ).order_by(regions.c.kode)
    if level:
        query = query.where(regions.c.level == level)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame(rows, columns=[*REGION_FIELDS, "wkb"])
    geometry = shapely.from_wkb(frame.pop("wkb").to_numpy()) if len(frame) else []
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=4326)


def region_list(engine: Engine) -> pd.DataFrame:
    """REGION_FIELDS of every region, without geometry."""
    query = select(*(regions.c[f] for f in REGION_FIELDS)).order_by(regions.c.kode)
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).all(), columns=list(REGION_FIELDS))


def region_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(regions)).scalar_one()


# ---------------------------------------------------------------- snapshots

def list_snapshots(engine: Engine) -> pd.DataFrame:
    """All snapshots, newest period first."""
    with engine.connect() as conn:
        rows = conn.execute(select(snapshots).order_by(snapshots.c.period.desc())).mappings().all()
    return pd.DataFrame(rows, columns=[c.name for c in snapshots.columns])


def default_period(snaps: pd.DataFrame) -> str | None:
    """The period a page or command opens when none is asked (``snaps``: rows of
    :func:`list_snapshots`): the newest real register; the fictional demo city only while no
    real register is stored, even when its period is newer."""
    if snaps.empty:
        return None
    real = snaps.loc[~snaps["is_demo"].astype(bool), "period"]
    return str(max(real) if len(real) else max(snaps["period"]))


def snapshot_for(engine: Engine, period: str | None = None) -> dict | None:
    """The snapshot of ``period`` (default: :func:`default_period`) as a dict, or None."""
    period = period or default_period(list_snapshots(engine))
    if period is None:
        return None
    query = select(snapshots).where(snapshots.c.period == period)
    with engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def load_households(engine: Engine, snapshot_id: int, columns: list[str] | None = None
                    ) -> pd.DataFrame:
    """Household rows of one snapshot (all columns, or ``columns``)."""
    wanted = columns or HOUSEHOLD_TABLE_COLUMNS
    query = select(*[households.c[c] for c in wanted]).where(
        households.c.snapshot_id == snapshot_id)
    with engine.connect() as conn:
        return pd.read_sql_query(query, conn)


def load_quarantine(engine: Engine, snapshot_id: int) -> pd.DataFrame:
    query = (select(quarantine.c.row_number, quarantine.c.reasons, quarantine.c.values_json)
             .where(quarantine.c.snapshot_id == snapshot_id).order_by(quarantine.c.row_number))
    with engine.connect() as conn:
        return pd.read_sql_query(query, conn)


def household_count(engine: Engine, snapshot_id: int) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(households).where(
            households.c.snapshot_id == snapshot_id)).scalar_one()


# ---------------------------------------------------------------- value profiles

def save_value_profile(engine: Engine, name: str, mapping: dict[str, dict[str, object]]) -> None:
    """Store (or replace) the named value profile: column -> {value as written: code}."""
    from geo.register_values import CODE_LISTS, entry_index

    name = name.strip()
    if not name or name in CODE_LISTS:
        raise ValueError(f"Nama profil {name!r} tidak bisa dipakai: isi nama lain (bukan "
                         f"{', '.join(CODE_LISTS)}).")
    entry_index(mapping)  # every entry a valid code (ValueEntryError otherwise)
    text = json.dumps({c: {str(v): k for v, k in m.items()} for c, m in mapping.items() if m},
                      ensure_ascii=False, sort_keys=True)
    now = datetime.now(UTC)
    t = value_profiles_table
    with engine.begin() as conn:
        done = conn.execute(update(t).where(t.c.name == name).values(
            mapping=text, updated_at=now)).rowcount
        if not done:
            conn.execute(insert(t).values(name=name, mapping=text, updated_at=now))


def value_profiles(engine: Engine) -> dict[str, dict[str, dict[str, object]]]:
    """Every saved value profile, the most recently saved first: name -> mapping."""
    t = value_profiles_table
    with engine.connect() as conn:
        rows = conn.execute(select(t.c.name, t.c.mapping).order_by(
            t.c.updated_at.desc(), t.c.name)).all()
    return {name: json.loads(mapping) for name, mapping in rows}


def load_value_profile(engine: Engine, name: str) -> dict[str, dict[str, object]] | None:
    """The named profile's mapping, or None."""
    return value_profiles(engine).get(name)
