"""Import of an SLRT / Puskesos referral log (CSV or XLSX): columns found by their header
spellings (:mod:`geo.referrals.vocab`), every row checked, bad rows quarantined with every
reason (file, row, column), the rest linked to a kelurahan like households
(:func:`geo.link.link_frame`) and matched to the register by keyed hash. Re-importing replaces
the log in one transaction; a failed import leaves the previous log in place.

rows_read = accepted + quarantined, always.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
from sqlalchemy import Engine, delete, insert, select

from geo import keyed_ids, link, snapshot_cache, store
from geo.privacy import mask_id
from geo.referrals import keys, matches, vocab
from geo.referrals.tables import ensure, referral_imports, referral_quarantine, referrals
from geo.register_errors import EXAMPLE_ROWS, ImportFailed, no_rows, nothing_accepted
from geo.register_files import Source, detect_format
from geo.table_files import read_whole

NIK_DIGITS = 16
COUNT_KEYS = ("rows_read", "accepted", "quarantined", "linked", "matched_to_register")
PERSONAL = ("no_kk", "nik")


@dataclass
class ReferralImport:
    """What an import did: counts, quarantined rows with reasons, notes on accepted rows."""

    file: str
    counts: dict[str, int]
    quarantined: list[tuple[int, str]] = field(default_factory=list)  # (row, reasons)
    notes: list[tuple[int, str]] = field(default_factory=list)  # (row, note) on accepted rows
    as_of: str | None = None
    period: str | None = None  # the register period matched against

    def messages(self, limit: int | None = None) -> list[str]:
        """``berkas.csv baris 7: TANGGAL: ...``, quarantine first, then notes."""
        lines = [f"{self.file} baris {r}: {why}" for r, why in self.quarantined]
        lines += [f"{self.file} baris {r} (diterima): {why}" for r, why in self.notes]
        return lines if limit is None else lines[:limit]


def _read(src: Source) -> tuple[pd.DataFrame, dict[str, str]]:
    """All rows (text), and canonical column -> the file's header."""
    try:
        fmt = detect_format(src, overrides=vocab.alias_overrides())
    except ImportFailed as err:
        if "kepala kolom" in str(err) or "lembar berisi" in str(err):
            raise ImportFailed(
                f"{src.name}: kepala kolom log rujukan tidak dikenali (dicari mis. ID_RUJUKAN, "
                "TANGGAL, NIK, KELURAHAN, KEBUTUHAN, STATUS). Pastikan baris kepala kolom ada."
            ) from err
        raise
    headers: dict[str, str] = {}
    for h in fmt.headers:
        col = vocab.column_for(h)
        if col and col not in headers:
            headers[col] = h
    missing = [c for c in vocab.REQUIRED if c not in headers]
    if not any(c in headers for c in vocab.IDENTITY):
        missing.append("id_keluarga/no_kk/nik")
    if not any(c in headers for c in vocab.LOCATION):
        missing.append("kode_kelurahan/kelurahan/lintang-bujur")
    if missing:
        wanted = "; ".join(
            f"{c} ({', '.join(vocab.COLUMNS[c][1][:4])})" if c in vocab.COLUMNS else c
            for c in missing)
        raise ImportFailed(f"{src.name}: kolom wajib tidak ditemukan: {wanted}. Kolom yang ada: "
                           f"{', '.join(fmt.headers)}.")
    frame = read_whole(src, fmt)  # after the columns: a file that is no log is named as such
    data = frame.drop(columns=[c for c in frame.columns if str(c).startswith("_lebih_")])
    blank = data.drop(columns="_row").isna().all(axis=1)
    if blank.all():  # nothing replaces the log in force
        raise no_rows(src.name, "log rujukan")
    return frame[~blank.to_numpy()].reset_index(drop=True), headers


def _identity_problem(value: str, label: str, header: str) -> str | None:
    text = keyed_ids.normalize("nik", value)
    if text is None:
        return None
    if "e+" in text.lower() or "e-" in text.lower():
        return (f"{header}: {label} rusak oleh Excel (tertulis {text}): digit terakhir hilang. "
                f"Ekspor ulang dengan kolom {header} berformat Teks.")
    if not text.isdigit():
        return f"{header}: {label} hanya boleh berisi angka, tertulis {mask_id(text)}."
    if len(text) != NIK_DIGITS:
        return (f"{header}: {label} harus {NIK_DIGITS} angka, tertulis {len(text)} angka "
                f"({mask_id(text)}).")
    return None


def _check_rows(frame: pd.DataFrame, headers: dict[str, str]) -> tuple[list[list[str]], dict]:
    """Reasons per row (empty: accepted) and the parsed values."""
    n = len(frame)

    def col(name: str) -> list[object]:
        if name not in headers:
            return [None] * n
        return [None if (v is None or v is pd.NA or (isinstance(v, float) and v != v)
                         or not str(v).strip()) else str(v).strip()
                for v in frame[headers[name]].tolist()]

    reasons: list[list[str]] = [[] for _ in range(n)]
    h = headers.get
    ids = col("id_rujukan")
    rows = frame["_row"].tolist()
    where: dict[str, list[int]] = {}
    for i, v in enumerate(ids):
        if v is None:
            reasons[i].append(f"{h('id_rujukan')}: ID rujukan kosong.")
        else:
            where.setdefault(v, []).append(i)
    for v, at in where.items():
        if len(at) > 1:
            listed = ", ".join(str(rows[j]) for j in at)
            for j in at:
                reasons[j].append(f"{h('id_rujukan')}: ID rujukan {v} muncul lebih dari sekali "
                                  f"(baris {listed}); semua baris dengan ID ini dikarantina.")
    dates, status_dates = [], []
    for name, out in (("tanggal", dates), ("tanggal_status", status_dates)):
        for i, v in enumerate(col(name)):
            d = vocab.parse_date(v)
            out.append(d)
            if v is not None and d is None:
                reasons[i].append(f"{h(name)}: tanggal {v!r} tidak terbaca; tulis 2025-03-14 "
                                  "atau 14/03/2025 (tahun 2000 atau sesudahnya).")
            elif v is None and name == "tanggal":
                reasons[i].append(f"{h(name)}: tanggal rujukan kosong.")
    today = date.today()
    for name, values in (("tanggal", dates), ("tanggal_status", status_dates)):
        for i, d in enumerate(values):
            if d and d > today:
                reasons[i].append(f"{h(name)}: tanggal {d.isoformat()} belum terjadi (setelah "
                                  f"hari ini, {today.isoformat()}); salah ketik?")
    for i, (d, s) in enumerate(zip(dates, status_dates)):
        if d and s and s < d:
            reasons[i].append(f"{h('tanggal_status')}: tanggal status {s.isoformat()} sebelum "
                              f"tanggal rujukan {d.isoformat()}.")
    statuses = []
    for i, v in enumerate(col("status")):
        code = vocab.status_code(v) if v is not None else None
        statuses.append(code)
        if v is None:
            reasons[i].append(f"{h('status')}: status kosong; isi salah satu dari "
                              f"{vocab.listing(vocab.STATUSES)}.")
        elif code is None:
            reasons[i].append(f"{h('status')}: status {v!r} tidak dikenal; pakai salah satu "
                              f"dari {vocab.listing(vocab.STATUSES)}.")
    needs = []
    for i, v in enumerate(col("kebutuhan")):
        code = vocab.need_code(v) if v is not None else None
        needs.append(code)
        if v is not None and code is None:
            reasons[i].append(f"{h('kebutuhan')}: kebutuhan {v!r} tidak dikenal; pakai salah "
                              f"satu dari {vocab.listing(vocab.NEEDS)}.")
    identity = {c: col(c) for c in vocab.IDENTITY}
    for i in range(n):
        if all(identity[c][i] is None for c in vocab.IDENTITY):
            listed = "/".join(h(c) for c in vocab.IDENTITY if c in headers)
            reasons[i].append(f"{listed}: ID DTKS, No. KK dan NIK kosong semua; rujukan tidak "
                              "bisa dicocokkan dengan rumah tangga.")
        for c, label in (("no_kk", "Nomor KK"), ("nik", "NIK")):
            problem = identity[c][i] and _identity_problem(identity[c][i], label, h(c))
            if problem:
                reasons[i].append(problem)
    values = {"tanggal": dates, "tanggal_status": status_dates, "status": statuses,
              "kebutuhan": needs, "id_rujukan": ids, "dirujuk_ke": col("dirujuk_ke"),
              "petugas": col("petugas"), **identity,
              **{c: col(c) for c in ("kode_kelurahan", "nama_kelurahan", "nama_kecamatan",
                                     "lintang", "bujur")}}
    return reasons, values


def _masked_json(frame: pd.DataFrame, i: int, personal_headers: set[str]) -> str:
    row = frame.iloc[i]
    out = {}
    for k, v in row.items():
        if k == "_row" or str(k).startswith("_lebih_") or v is None or v != v:
            continue
        out[str(k)] = mask_id(v) if k in personal_headers else str(v)
    return json.dumps(out, ensure_ascii=False)


def _register_for_matching(engine: Engine, period: str | None) -> tuple[dict | None,
                                                                      pd.DataFrame]:
    snapshot = store.snapshot_for(engine, period)
    if snapshot is None:
        return None, pd.DataFrame(columns=["row_number", *keys.REGISTER_COLUMN.values()])
    hh = snapshot_cache.load_households_fast(engine, snapshot,
                                             ["row_number", *keys.REGISTER_COLUMN.values()])
    return snapshot, hh


def import_referrals(engine: Engine, source: object, name: str | None = None,
                     period: str | None = None) -> ReferralImport:
    """Read, check, link and store a referral log, replacing the one in force. ``period``: the
    register matched against for the ``matched_to_register`` count (default: the newest).
    Raises ImportFailed (Indonesian message) when the file cannot be used at all."""
    ensure(engine)
    src = Source.of(source, name)
    frame, headers = _read(src)
    reasons, values = _check_rows(frame, headers)
    n = len(frame)
    ok = np.array([not r for r in reasons], dtype=bool)
    rows = frame["_row"].to_numpy()
    if not ok.any():  # a wrong file never replaces the log in force with nothing
        raise nothing_accepted(src.name, n, [(int(rows[i]), "; ".join(reasons[i]))
                                             for i in range(min(n, EXAMPLE_ROWS))])

    accepted = pd.DataFrame({k: np.asarray(v, dtype=object)[ok] for k, v in values.items()})
    regions = link.RegionIndex.from_store(engine)
    links = link.link_frame(accepted, regions) if len(accepted) else pd.DataFrame(
        columns=["region_code", "link_method", "link_note"])
    key = keyed_ids.secret(engine)
    hashed = {f"kunci_{kind}": keyed_ids.digests(key, kind, accepted[column])
              for kind, column in (("id", "id_keluarga"), ("kk", "no_kk"), ("nik", "nik"))}
    snapshot, register = _register_for_matching(engine, period)
    hashed_frame = pd.DataFrame(hashed)
    matched = keys.match(keys.register_index(key, register, keys.kinds_used(hashed_frame)),
                         hashed_frame, key)

    notes: list[tuple[int, str]] = []
    acc_rows = rows[ok]
    region = links["region_code"].astype(object).where(links["region_code"].notna(), None)
    for i in range(len(accepted)):
        if region.iat[i] is None:
            where = [headers[c] for c in ("kode_kelurahan", "nama_kelurahan", "lintang")
                     if c in headers]
            notes.append((int(acc_rows[i]), f"{'/'.join(where)}: kelurahan tidak dikenali "
                          f"({links['link_note'].iat[i] or 'kosong'}); rujukan tidak tampil "
                          "di peta."))
        if snapshot is not None and matched[i] < 0:
            notes.append((int(acc_rows[i]), "ID DTKS/No. KK/NIK tidak cocok dengan rumah tangga "
                          f"mana pun di register periode {snapshot['period']}: dihitung "
                          "sebagai rujukan dari luar register (calon usulan DTKS)."))
    notes.sort()

    def iso(d: object) -> str | None:
        return d.isoformat() if d else None

    records = []
    for i in range(len(accepted)):
        a = accepted.iloc[i]
        personal = a["nik"] or a["no_kk"] or a["id_keluarga"]
        records.append({
            "row_number": int(acc_rows[i]), "id_rujukan": a["id_rujukan"],
            "tanggal": iso(a["tanggal"]), "kebutuhan": a["kebutuhan"],
            "dirujuk_ke": a["dirujuk_ke"], "status": a["status"],
            "tanggal_status": iso(a["tanggal_status"]), "petugas": a["petugas"],
            **{k: v[i] for k, v in hashed.items()},
            "identitas_samaran": (mask_id(keyed_ids.normalize("nik", personal)) if personal
                                  else None),
            "region_code": region.iat[i],
            "link_method": None if pd.isna(links["link_method"].iat[i])
            else str(links["link_method"].iat[i]),
            "link_note": links["link_note"].iat[i] or None,
        })
    personal_headers = {headers[c] for c in PERSONAL if c in headers}
    quarantined = [(int(rows[i]), "; ".join(reasons[i])) for i in np.flatnonzero(~ok)]
    q_records = [{"row_number": r, "reasons": why,
                  "values_json": _masked_json(frame, i, personal_headers)}
                 for (r, why), i in zip(quarantined, np.flatnonzero(~ok))]
    dates = [d for d in (*accepted["tanggal"], *accepted["tanggal_status"]) if d]
    as_of = max(dates).isoformat() if dates else None
    counts = {"rows_read": n, "accepted": int(ok.sum()), "quarantined": int((~ok).sum()),
              "linked": int(region.notna().sum()),
              "matched_to_register": int((matched >= 0).sum())}
    assert counts["accepted"] + counts["quarantined"] == counts["rows_read"]
    result = ReferralImport(src.name, counts, quarantined, notes, as_of,
                            snapshot["period"] if snapshot else None)
    report = {"counts": counts, "period": result.period,
              "reasons": dict(Counter(r.split(":")[0] for _, why in quarantined
                                      for r in why.split("; ")))}
    with engine.begin() as conn:  # the old log is replaced whole, or not at all
        conn.execute(delete(referrals))
        conn.execute(delete(referral_quarantine))
        conn.execute(delete(referral_imports))
        if records:
            conn.execute(insert(referrals), records)
        if q_records:
            conn.execute(insert(referral_quarantine), q_records)
        conn.execute(insert(referral_imports).values(
            id=1, source_file=src.name, imported_at=datetime.now(UTC), as_of=as_of,
            report=json.dumps(report, ensure_ascii=False)))
        matches.clear(conn)  # the old log's; this one's match to its period is kept
        if snapshot is not None:
            stamped = conn.execute(select(referral_imports.c.imported_at)).scalar_one()
            matches.replace(conn, snapshot, stamped, acc_rows,
                            matches.row_numbers(matched, register["row_number"]))
    return result
