"""Storing proposals: a file import (atomic: a re-import of the same file replaces its rows
whole; a failed import changes nothing) and one proposal entered in the form.

Kelurahan are linked like households (:func:`geo.link.link_frame`: code, then name within the
kecamatan, then point); a proposal no kelurahan takes is quarantined with the linking note.
Decisions already taken on a proposal survive a re-import of its file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, delete, func, insert, select, update

from geo import audit, store
from geo.link import RegionIndex, link_frame
from geo.proposals import kamus
from geo.proposals.reading import Read, Row, check_row, frame_for_linking, read_file
from geo.register_errors import EXAMPLE_ROWS, nothing_accepted

FORM_SOURCE = ""  # source_file of proposals entered in the form


@dataclass
class ImportResult:
    source: str
    rows_read: int
    accepted: int
    quarantined: int
    linked: dict[str, int]  # kode | nama | titik -> proposals
    replaced: int  # proposals of an earlier import of the same file, replaced
    reasons: list[str] = field(default_factory=list)  # every quarantine reason

    def counts(self) -> dict[str, object]:
        return {"rows_read": self.rows_read, "accepted": self.accepted,
                "quarantined": self.quarantined, "linked": self.linked,
                "replaced": self.replaced}


def _link(rows: list[Row], regions: RegionIndex) -> tuple[list[Row], list[tuple[Row, str]]]:
    """(linked rows with region_code and link_method, unlinked rows with the reason)."""
    if not rows:
        return [], []
    links = link_frame(frame_for_linking(rows), regions)
    done, failed = [], []
    for row, code, method, note in zip(rows, links["region_code"], links["link_method"],
                                       links["link_note"]):
        if isinstance(code, str) and code:
            row.fields["region_code"], row.fields["link_method"] = code, str(method)
            done.append(row)
        else:
            written = row.fields.get("kelurahan_teks") or row.fields.get("kode_kelurahan") or ""
            failed.append((row, f"kelurahan {written!r} tidak dikenal: {note}" if note
                           else f"kelurahan {written!r} tidak dikenal"))
    return done, failed


STORED = ("tahun", "sumber", "kecamatan_teks", "kelurahan_teks", "region_code", "link_method",
          "urusan", "kegiatan", "kegiatan_teks", "permasalahan", "opd", "volume", "satuan",
          "anggaran", "status", "alasan", "lintang", "bujur", "lampiran")


def _record(row: Row, source: str, now: datetime) -> dict:
    rec = {k: row.fields.get(k) for k in STORED}
    rec.update(id_usulan=str(row.fields["id_usulan"]), source_file=source,
               row_number=row.row_number, dibuat_pada=now)
    return rec


def import_proposals(engine: Engine, path: object, user: str | None = None,
                     name: str | None = None) -> ImportResult:
    """Read, check, link and store a proposals file (CSV/XLSX). ImportFailed (Indonesian) when
    the file cannot be used at all; otherwise rows_read = accepted + quarantined."""
    lookup = kamus.Lookup(kamus.load(engine))
    read = read_file(path, lookup, name)
    source = read.source
    linked, unlinked = _link(read.rows, RegionIndex.from_store(engine))
    for row, why in unlinked:
        _reject(read, row, [f"{source} baris {row.row_number}: kolom kelurahan: {why}"])
    stem = Path(source).stem
    u = store.usulan.c
    with engine.connect() as conn:
        taken = dict(conn.execute(select(u.id_usulan, u.source_file).where(
            u.source_file != source)).all())
    accepted, seen = [], set()
    for row in linked:
        ident = row.fields.get("id_usulan") or f"{stem}-{row.row_number}"
        row.fields["id_usulan"] = ident = str(ident)[:64]
        where = f"{source} baris {row.row_number}: kolom id_usulan"
        if ident in seen:
            _reject(read, row, [f"{where}: ID {ident!r} sudah dipakai baris lain berkas ini"])
        elif ident in taken:
            owner = taken[ident] or "formulir"
            _reject(read, row, [f"{where}: ID {ident!r} sudah dipakai usulan dari {owner}"])
        else:
            seen.add(ident)
            accepted.append(row)
    if not accepted:  # a wrong file never replaces the proposals in force with nothing
        raise nothing_accepted(source, read.rows_read, [
            (q["row_number"], q["reasons"].replace(f"{source} baris {q['row_number']}: ", ""))
            for q in read.quarantined[:EXAMPLE_ROWS]])
    now = datetime.now(UTC)
    with engine.begin() as conn:
        replaced = conn.execute(select(func.count()).select_from(store.usulan).where(
            u.source_file == source)).scalar_one()
        conn.execute(delete(store.usulan).where(u.source_file == source))
        conn.execute(delete(store.usulan_karantina).where(
            store.usulan_karantina.c.source_file == source))
        if accepted:
            conn.execute(insert(store.usulan), [_record(r, source, now) for r in accepted])
        if read.quarantined:
            conn.execute(insert(store.usulan_karantina),
                         [{"source_file": source, **q} for q in read.quarantined])
        _reapply_decisions(conn, [str(r.fields["id_usulan"]) for r in accepted])
        methods = pd.Series([r.fields["link_method"] for r in accepted], dtype=object)
        result = ImportResult(source, read.rows_read, len(accepted), len(read.quarantined),
                              {str(k): int(v) for k, v in methods.value_counts().items()},
                              int(replaced), [q["reasons"] for q in read.quarantined])
        audit.record(conn, user or audit.CLI_USER, "import_proposals", berkas=source,
                     rows_read=result.rows_read, accepted=result.accepted,
                     quarantined=result.quarantined, diganti=int(replaced))
    assert result.accepted + result.quarantined == result.rows_read
    return result


def _reject(read: Read, row: Row, reasons: list[str]) -> None:
    values = {k: v for k, v in row.fields.items() if k not in ("region_code", "link_method")}
    read.reject(row.row_number, values, reasons)


def _reapply_decisions(conn, ids: list[str]) -> None:  # noqa: ANN001
    """The latest decision on each re-imported proposal wins over the file's status."""
    if not ids:
        return
    d = store.usulan_keputusan.c
    latest = conn.execute(select(d.id_usulan, d.status, d.alasan, d.periode_bukti)
                          .where(d.id_usulan.in_(ids)).order_by(d.id)).all()
    for ident, status, reason, period in latest:  # in order: the last one stays
        conn.execute(update(store.usulan).where(store.usulan.c.id_usulan == ident).values(
            status=status, alasan=reason, periode_bukti=period))


def add_proposal(engine: Engine, values: dict[str, object], user: str | None) -> str:
    """Store one proposal entered in the form (fields named as in the export's canonical
    headers: kegiatan, kelurahan or kode_kelurahan, volume, anggaran, ...). Returns its id;
    ValueError with every reason (Indonesian) when it cannot be stored."""
    lookup = kamus.Lookup(kamus.load(engine))
    raw = {k: (None if v is None or str(v).strip() == "" else str(v).strip())
           for k, v in values.items()}
    fields, reasons = check_row(raw, {k: [k] for k in raw}, lookup)
    if reasons:
        raise ValueError("; ".join(reasons))
    row = Row(0, fields)
    linked, unlinked = _link([row], RegionIndex.from_store(engine))
    if unlinked:
        raise ValueError(unlinked[0][1])
    now = datetime.now(UTC)
    u = store.usulan.c
    with engine.begin() as conn:
        count = conn.execute(select(func.count()).select_from(store.usulan).where(
            u.source_file == FORM_SOURCE)).scalar_one()
        ident = str(fields.get("id_usulan") or f"F-{count + 1:04d}")
        while conn.execute(select(u.id_usulan).where(u.id_usulan == ident)).first():
            count += 1
            ident = f"F-{count + 1:04d}"
        row.fields["id_usulan"] = ident
        conn.execute(insert(store.usulan).values(**_record(row, FORM_SOURCE, now)))
        audit.record(conn, user, "proposal_added", id_usulan=ident,
                     kelurahan=fields["region_code"], kegiatan=fields["kegiatan"])
    return ident


def load_proposals(engine: Engine) -> pd.DataFrame:
    """Every stored proposal, by id."""
    with engine.connect() as conn:
        return pd.read_sql_query(select(store.usulan).order_by(store.usulan.c.id_usulan), conn)


def load_quarantine(engine: Engine, source: str | None = None) -> pd.DataFrame:
    q = store.usulan_karantina.c
    query = select(q.source_file, q.row_number, q.reasons, q.values_json).order_by(
        q.source_file, q.row_number)
    if source is not None:
        query = query.where(q.source_file == source)
    with engine.connect() as conn:
        return pd.read_sql_query(query, conn)
