"""The kamus usulan: the activities a proposal may name, each with its OPD, unit, indicative
unit cost, the households one unit reaches, and the register indicators it answers.

Mapping an activity to indicators is the office's choice (musrenbang.md); :data:`DEFAULT` is a
starting list, stored on first use and edited by the admin afterwards (:func:`save`). An entry
without indicators is allowed: its proposals are shown as "tanpa bukti register".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Engine, delete, func, insert, select

from geo import indicators, store
from geo.link import normalize_name


@dataclass(frozen=True)
class Entry:
    kegiatan: str
    opd: str
    satuan: str
    biaya_satuan: float | None  # Rp per unit, indicative
    rt_per_satuan: float  # households one unit reaches
    indikator: tuple[str, ...]  # geo.indicators ids, strongest link first


DEFAULT: tuple[Entry, ...] = (
    Entry("Pembangunan jamban sehat", "Dinkes", "unit", 3_500_000, 1, ("tanpa_jamban",
                                                                      "sanitasi_tidak_layak")),
    Entry("Jamban sehat komunal", "Perkim/PUPR", "unit", 85_000_000, 10,
          ("sanitasi_tidak_layak", "tanpa_jamban")),
    Entry("Tangki septik individual", "Perkim/PUPR", "unit", 6_000_000, 1,
          ("sanitasi_tidak_layak",)),
    Entry("Sambungan air minum (SR PDAM)", "Perkim/PUPR", "sambungan rumah", 2_500_000, 1,
          ("air_minum_tidak_layak",)),
    Entry("Sumur bor komunal", "Perkim/PUPR", "unit", 120_000_000, 40,
          ("air_minum_tidak_layak",)),
    Entry("Bedah rumah (rehab RTLH)", "Perkim/PUPR", "unit", 20_000_000, 1, ("rtlh",)),
    Entry("Sambungan listrik rumah tangga", "Perkim/PUPR", "sambungan rumah", 1_500_000, 1,
          ("tanpa_listrik_pln",)),
    Entry("Pelatihan kerja berbasis kompetensi", "Disnaker", "orang", 4_000_000, 1,
          ("krt_tidak_bekerja",)),
    Entry("Graduasi PKH/BPNT (usaha ekonomi produktif)", "Dinsos", "KPM", 5_000_000, 1,
          ("miskin_ekstrem", "miskin")),
    Entry("Pemutakhiran DTSEN dan pendampingan bansos", "Dinsos", "kegiatan", 50_000_000, 200,
          ("eksklusi",)),
    Entry("Pendaftaran PBI-JKN", "Dinkes", "jiwa", 500_000, 0.25, ("belum_jkn",)),
    Entry("Beasiswa / KIP daerah", "Disdik", "siswa", 1_800_000, 1, ("anak_tidak_sekolah",)),
    # no register indicator answers these: shown as "tanpa bukti register"
    Entry("Pavingisasi jalan lingkungan", "Perkim/PUPR", "m²", 150_000, 0, ()),
    Entry("Lampu penerangan jalan umum", "Dishub", "titik", 7_500_000, 0, ()),
    Entry("Pembangunan pos kamling", "Kelurahan", "unit", 25_000_000, 0, ()),
)


def key(text: object) -> str:
    """How activity and OPD names are compared (case, punctuation and abbreviations aside)."""
    return normalize_name(text).replace(" ", "")


def _ensure(engine: Engine) -> None:
    with engine.begin() as conn:
        if conn.execute(select(func.count()).select_from(store.kamus_usulan)).scalar_one():
            return
        _write(conn, DEFAULT)


def _write(conn, entries: tuple[Entry, ...] | list[Entry]) -> None:  # noqa: ANN001
    now = datetime.now(UTC)
    conn.execute(delete(store.kamus_usulan))
    if entries:
        conn.execute(insert(store.kamus_usulan), [
            {"kegiatan": e.kegiatan, "opd": e.opd, "satuan": e.satuan,
             "biaya_satuan": e.biaya_satuan, "rt_per_satuan": e.rt_per_satuan,
             "indikator": ",".join(e.indikator), "diubah_pada": now} for e in entries])


def load(engine: Engine) -> list[Entry]:
    """The kamus as stored (the default list on first use)."""
    _ensure(engine)
    k = store.kamus_usulan.c
    with engine.connect() as conn:
        rows = conn.execute(select(k.kegiatan, k.opd, k.satuan, k.biaya_satuan,
                                   k.rt_per_satuan, k.indikator).order_by(k.opd, k.kegiatan))
        return [Entry(r.kegiatan, r.opd, r.satuan, r.biaya_satuan, float(r.rt_per_satuan or 0),
                      tuple(i for i in (r.indikator or "").split(",") if i)) for r in rows]


def check(entries: list[Entry]) -> list[str]:
    """Reasons the entries cannot be saved (Indonesian); empty when they can."""
    problems, seen = [], set()
    for n, e in enumerate(entries, start=1):
        if not str(e.kegiatan).strip() or not str(e.opd).strip():
            problems.append(f"baris {n}: kegiatan dan OPD wajib diisi")
        if key(e.kegiatan) in seen:
            problems.append(f"baris {n}: kegiatan {e.kegiatan!r} tercantum dua kali")
        seen.add(key(e.kegiatan))
        unknown = [i for i in e.indikator if i not in indicators.BY_ID]
        if unknown:
            problems.append(f"baris {n}: indikator {', '.join(unknown)} tidak dikenal")
        if e.rt_per_satuan < 0 or (e.biaya_satuan is not None and e.biaya_satuan < 0):
            problems.append(f"baris {n}: biaya dan rumah tangga per satuan tidak boleh negatif")
    return problems


def save(engine: Engine, entries: list[Entry], user: str | None) -> None:
    """Replace the kamus (the admin's edit); ValueError with the reasons when invalid."""
    from geo import audit

    problems = check(entries)
    if problems:
        raise ValueError("; ".join(problems))
    with engine.begin() as conn:
        _write(conn, entries)
        audit.record(conn, user, "kamus_changed", entri=len(entries))


class Lookup:
    """Activity and OPD names as written -> kamus entries."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.by_key = {key(e.kegiatan): e for e in entries}
        self.opds = sorted({e.opd for e in entries})
        self._opd_keys = {key(o): o for o in self.opds}

    def activity(self, text: object) -> Entry | None:
        k = key(text)
        if not k:
            return None
        if k in self.by_key:
            return self.by_key[k]
        # a kamus name contained in the text ("Pembangunan jamban sehat di RT 03"), longest first
        for name in sorted(self.by_key, key=len, reverse=True):
            if len(name) >= 8 and name in k:
                return self.by_key[name]
        return None

    def opd(self, text: object, entry: Entry | None) -> str | None:
        """The kamus spelling of an OPD written in the file (``Dinas Kesehatan`` stays as
        written unless it is a kamus OPD); the entry's OPD when blank."""
        k = key(text)
        if not k:
            return entry.opd if entry else None
        if k in self._opd_keys:
            return self._opd_keys[k]
        for ok, name in self._opd_keys.items():
            if len(ok) >= 5 and (ok in k or k in ok):
                return name
        return str(text).strip()


def opd_indicators(entries: list[Entry]) -> dict[str, tuple[str, ...]]:
    """OPD -> the indicators its kamus activities answer (kamus order, no repeats)."""
    out: dict[str, list[str]] = {}
    for e in entries:
        bucket = out.setdefault(e.opd, [])
        bucket.extend(i for i in e.indikator if i not in bucket)
    return {o: tuple(ids) for o, ids in out.items() if ids}


def table(entries: list[Entry]) -> pd.DataFrame:
    """The kamus as a table for the page and the minutes."""
    return pd.DataFrame([{
        "Kegiatan": e.kegiatan, "OPD": e.opd, "Satuan": e.satuan,
        "Biaya per satuan (Rp)": e.biaya_satuan, "Rumah tangga per satuan": e.rt_per_satuan,
        "Indikator": ", ".join(e.indikator)} for e in entries])


def from_table(frame: pd.DataFrame) -> list[Entry]:
    """Entries back from :func:`table`'s columns (the admin's edited table)."""
    out = []
    for row in frame.to_dict(orient="records"):
        if all(pd.isna(v) or str(v).strip() == "" for v in row.values()):
            continue
        cost = row.get("Biaya per satuan (Rp)")
        reach = row.get("Rumah tangga per satuan")
        out.append(Entry(str(row.get("Kegiatan") or "").strip(),
                         str(row.get("OPD") or "").strip(), str(row.get("Satuan") or "").strip(),
                         None if pd.isna(cost) else float(cost),
                         0.0 if pd.isna(reach) else float(reach),
                         tuple(i.strip() for i in str(row.get("Indikator") or "").split(",")
                               if i.strip())))
    return out
