"""The referral tables, on the same :data:`geo.store.metadata` as the register's.

No raw NIK or No. KK is stored here: a referral keeps keyed hashes of its household ids
(:mod:`geo.referrals.keys`) and a masked form for follow-up lists.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)

from geo.store import metadata

referrals = Table(
    "referrals",
    metadata,
    Column("row_number", Integer, nullable=False),
    Column("id_rujukan", String(64), nullable=False, unique=True),
    Column("tanggal", String(10), nullable=False),  # ISO date
    Column("kebutuhan", String(20)),  # vocab.NEEDS, None: not in the log
    Column("dirujuk_ke", Text),  # OPD or institution as written
    Column("status", String(12), nullable=False),  # vocab.STATUSES
    Column("tanggal_status", String(10)),
    Column("petugas", Text),  # facilitator or post, when the log names one
    Column("kunci_id", String(64)),  # HMAC of ID DTKS
    Column("kunci_kk", String(64)),  # HMAC of No. KK
    Column("kunci_nik", String(64)),  # HMAC of NIK
    Column("identitas_samaran", String(32)),  # masked NIK / No. KK (geo.privacy.mask_id)
    Column("region_code", String(13), index=True),
    Column("link_method", String(8)),
    Column("link_note", Text),
)

referral_quarantine = Table(
    "referral_quarantine",
    metadata,
    Column("row_number", Integer, nullable=False),
    Column("values_json", Text, nullable=False),  # original values, NIK/KK masked
    Column("reasons", Text, nullable=False),
)

referral_imports = Table(  # one row: the log in force
    "referral_imports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_file", Text),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("as_of", String(10)),  # the log's latest date: days open are counted to it
    Column("report", Text),  # JSON: counts, notes
)

referral_matches = Table(  # the log matched to one period's register (geo.referrals.matches)
    "referral_matches",
    metadata,
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"),
           primary_key=True),
    Column("referral_row", Integer, primary_key=True),  # referrals.row_number
    Column("household_row", Integer),  # households.row_number; NULL: outside the register
    Column("snapshot_imported_at", String(40), nullable=False),  # both stamps: a match of an
    Column("log_imported_at", String(40), nullable=False),  # older import is never read
)

service_points = Table(
    "service_points",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("jenis", String(20), nullable=False, index=True),  # vocab.POINT_TYPES
    Column("nama", Text),
    Column("lintang", Float, nullable=False),
    Column("bujur", Float, nullable=False),
    Column("region_code", String(13)),
    Column("source_file", Text),
)

TABLES = (referrals, referral_quarantine, referral_imports, referral_matches,
          service_points)


def ensure(engine: Engine) -> Engine:
    """Create the referral tables where missing (databases made before them)."""
    metadata.create_all(engine, tables=list(TABLES), checkfirst=True)
    return engine
