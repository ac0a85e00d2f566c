"""The demo city's proposals: a few dozen fictional usulan, written as a SIPD-like CSV and
imported through the user's import path, so a newcomer sees the Usulan page working.

Some sit in kelurahan of the highest need for their activity's indicator, some in kelurahan of
low need, some name an activity no register indicator answers; some are written by code, some
by name (as SIPD exports do); a few kelurahan of high need are left without any, so the
unanswered need is visible too. Deterministic: same seed, same file.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from sqlalchemy import Engine

from geo.indicator_table import indicator_table
from geo.proposals import kamus
from geo.proposals.evidence import city_ranks
from geo.proposals.importer import ImportResult, import_proposals

DEMO_FILE = "usulan_contoh.csv"
HEADERS = ["id_usulan", "tahun", "jenis_usul", "kecamatan", "desa", "kode_kelurahan",
           "giat_teks", "masalah", "skpd", "vol", "satuan", "pagu", "status", "batal_teks"]
PROBLEMS = {
    "tanpa_jamban": "Warga masih BAB di kebun/sungai",
    "sanitasi_tidak_layak": "Pembuangan tinja langsung ke selokan",
    "air_minum_tidak_layak": "Air sumur keruh saat kemarau",
    "rtlh": "Banyak rumah berdinding bambu dan berlantai tanah",
    "tanpa_listrik_pln": "Rumah menyambung listrik dari tetangga",
    "krt_tidak_bekerja": "Kepala keluarga menganggur setelah PHK",
    "miskin_ekstrem": "Keluarga miskin ekstrem belum punya usaha",
    "eksklusi": "Warga miskin belum terdaftar bansos",
    "belum_jkn": "Warga miskin belum punya BPJS PBI",
    "anak_tidak_sekolah": "Anak putus sekolah karena biaya",
}


def _rupiah(value: float) -> str:
    return "Rp " + f"{round(value):,}".replace(",", ".")


def demo_rows(engine: Engine, seed: int = 7) -> list[dict[str, object]]:
    """The rows of the demo file, from the demo city's stored register."""
    rng = np.random.default_rng(seed)
    table, _ = indicator_table(engine)
    from geo import store

    regions = store.region_list(engine).set_index("kode")
    entries = [e for e in kamus.load(engine)]
    rows: list[dict[str, object]] = []

    def add(entry: kamus.Entry, kode: str, volume: float, by_name: bool, source: str,
            status: str = "diverifikasi", reason: str = "", problem: str = "") -> None:
        n = len(rows) + 1
        kec = regions["nama"].get(regions["kode_induk"].get(kode), "")
        cost = volume * (entry.biaya_satuan or 1_000_000) * float(rng.uniform(0.85, 1.2))
        rows.append({
            "id_usulan": f"ASMAS-2027-{n:03d}" if source != "POKIR" else f"POKIR-2027-{n:03d}",
            "tahun": 2027, "jenis_usul": source, "kecamatan": kec,
            "desa": regions["nama"].get(kode, ""), "kode_kelurahan": "" if by_name else kode,
            "giat_teks": entry.kegiatan, "masalah": problem, "skpd": entry.opd,
            "vol": f"{volume:g}", "satuan": entry.satuan, "pagu": _rupiah(cost),
            "status": status, "batal_teks": reason})

    with_ind = [e for e in entries if e.indikator]
    for i, entry in enumerate(with_ind):
        ind_id = entry.indikator[0]
        ranks = city_ranks(table, ind_id)
        known = table.assign(_r=ranks)[ranks.notna()].sort_values(["_r", "kode"])
        if known.empty:
            continue
        high = known.head(6)["kode"].tolist()
        low = known.tail(max(1, len(known) // 2))["kode"].tolist()
        # two proposals in high-need kelurahan (skipping the first one for some activities,
        # so a gap is left), one in a low-need kelurahan
        picks = high[1:3] if i % 2 else high[2:4]
        need = table.set_index("kode")[ind_id]
        for j, kode in enumerate(picks):
            households = int(need.get(kode) or 0)
            units = max(1.0, round(households * float(rng.uniform(0.3, 1.1))
                                   / max(entry.rt_per_satuan, 0.25)))
            add(entry, kode, units, by_name=(j == 1), source="ASMAS",
                problem=PROBLEMS.get(ind_id, ""))
        kode = low[int(rng.integers(len(low)))]
        add(entry, kode, max(1.0, float(rng.integers(2, 12))), by_name=False,
            source="POKIR" if i % 3 == 0 else "ASMAS", problem=PROBLEMS.get(ind_id, ""),
            status="ditolak" if i == 4 else "diusulkan",
            reason="Kebutuhan di kelurahan ini rendah menurut register" if i == 4 else "")
    codes = table["kode"].tolist()
    for entry in [e for e in entries if not e.indikator]:
        for _ in range(2):
            kode = codes[int(rng.integers(len(codes)))]
            add(entry, kode, float(rng.integers(5, 60)) if entry.satuan == "titik"
                else float(rng.integers(1, 4)) if entry.satuan == "unit"
                else float(rng.integers(200, 900)), by_name=False,
                source="POKIR" if len(rows) % 2 else "ASMAS", status="diusulkan",
                problem="Usulan warga")
    return rows


def write_demo_file(engine: Engine, folder: Path, seed: int = 7) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / DEMO_FILE
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=HEADERS, delimiter=";")
        writer.writeheader()
        writer.writerows(demo_rows(engine, seed))
    return path


def load_demo_proposals(engine: Engine, folder: Path, seed: int = 7) -> ImportResult:
    """Write the demo proposals file and import it (as the command line would)."""
    return import_proposals(engine, write_demo_file(engine, folder, seed),
                            user="(kota contoh)")
