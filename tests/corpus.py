"""The broken-file corpus: small registers written at test time, one defect each.

Every builder takes a folder and a clean register (demo headers, 40 rows of the demo city) and
writes one file, returning its path. Row numbers: the header is line 1, so data row ``i`` (0-based)
is line ``i + 2``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import store
from geo.demo import build_city, generate_households, register_frame

SEED = 11
ROWS = 40


@functools.cache
def city() -> tuple[gpd.GeoDataFrame, object]:
    return build_city(SEED)


def region_table() -> gpd.GeoDataFrame:
    kel, _ = city()
    table = gpd.GeoDataFrame({"kode": kel["kode_kel"], "nama": kel["nama_kel"],
                              "level": "kelurahan", "kode_induk": kel["kode_kec"]},
                             geometry=kel.geometry, crs=4326)
    kec = kel.dissolve("kode_kec", as_index=False)
    kec_table = gpd.GeoDataFrame({"kode": kec["kode_kec"], "nama": kec["nama_kec"],
                                  "level": "kecamatan", "kode_induk": "99.71"},
                                 geometry=kec.geometry, crs=4326)
    return pd.concat([table, kec_table], ignore_index=True)


def engine_with_regions(folder: Path):
    engine = store.get_engine(f"sqlite:///{folder / 'corpus.sqlite'}")
    store.replace_regions(engine, region_table())
    return engine


@functools.cache
def _clean() -> pd.DataFrame:
    kel, river = city()
    hh = generate_households(kel, river, ROWS, SEED)
    out = register_frame(hh).astype(object)
    out["KODE_WILAYAH"] = hh["kode_kelurahan"].to_numpy()
    out["_kode_benar"] = hh["kode_benar"].to_numpy()
    return out


def clean() -> pd.DataFrame:
    """A fresh copy of the clean register (demo headers, Ya/Tidak flags)."""
    return _clean().copy()


def write_csv(frame: pd.DataFrame, path: Path, **kwargs) -> Path:
    frame.drop(columns=[c for c in frame.columns if c.startswith("_")]).to_csv(
        path, index=False, **kwargs)
    return path


def csv_case(edit: Callable[[pd.DataFrame], None], **kwargs) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        frame = clean()
        edit(frame)
        return write_csv(frame, folder / "register.csv", **kwargs)
    return build


def kode_benar(row: int) -> str:
    return _clean()["_kode_benar"].iat[row]


@dataclass
class Case:
    """One broken file and what the import must say about it."""

    name: str
    build: Callable[[Path], Path]
    fails: str | None = None  # regex the ImportFailed message must match
    counts: dict[str, int] = field(default_factory=dict)  # expected counts (subset)
    reason: str | None = None  # regex every quarantined row's reasons match
    rows: list[int] = field(default_factory=list)  # row numbers expected in quarantine
    note: str | None = None  # regex some stored row's link_note matches
    kwargs: dict = field(default_factory=dict)  # extra import_households arguments


# ---------------------------------------------------------------- builders

def _set(row: int, **values) -> Callable[[pd.DataFrame], None]:
    def edit(frame: pd.DataFrame) -> None:
        for k, v in values.items():
            frame.at[row, k] = v
    return edit


def _many(*edits: Callable[[pd.DataFrame], None]) -> Callable[[pd.DataFrame], None]:
    def edit(frame: pd.DataFrame) -> None:
        for e in edits:
            e(frame)
    return edit


def _code_forms(frame: pd.DataFrame) -> None:
    digits = frame["KODE_WILAYAH"].str.replace(".", "", regex=False)
    for i in range(len(frame)):
        frame.at[i, "KODE_WILAYAH"] = [frame.at[i, "KODE_WILAYAH"], digits[i], digits[i] + ".0",
                                       frame.at[i, "KODE_WILAYAH"].replace(".", " ")][i % 4]


def split_code(folder: Path) -> Path:
    frame = clean()
    parts = frame.pop("KODE_WILAYAH").str.split(".", expand=True)
    frame["KDPROV"], frame["KDKAB"], frame["KDKEC"], frame["KDDESA"] = (
        parts[0].astype(int), parts[1].astype(int), parts[2].astype(int), parts[3])
    return write_csv(frame, folder / "register_kode_pecah.csv")


def semicolon_decimal_comma(folder: Path) -> Path:
    frame = clean()
    for c in ("LATITUDE", "LONGITUDE", "LUAS_LANTAI"):
        frame[c] = frame[c].map(lambda v: str(v).replace(".", ","))
    return write_csv(frame, folder / "register_titikkoma.csv", sep=";")


def windows_1252(folder: Path) -> Path:
    frame = clean()
    frame.at[0, "NAMA_KRT"] = "Siti Ma’ruf"
    frame.at[1, "ALAMAT"] = "Jl. Café No. 3"
    return write_csv(frame, folder / "register_1252.csv", encoding="cp1252")


def no_code_page(folder: Path) -> Path:
    """Windows-1252 text (``é``) with a byte that code page leaves undefined (0x9D) in the
    fourth data row: neither UTF-8 nor Windows-1252."""
    lines = windows_1252(folder).read_bytes().split(b"\n")
    lines[4] = lines[4].replace(b",", b",\x9d", 1)
    path = folder / "register_rusak.csv"
    path.write_bytes(b"\n".join(lines))
    return path


def unclosed_quote(folder: Path) -> Path:
    """A quote opened in the fourth data row (line 5) and never closed."""
    path = write_csv(clean(), folder / "register.csv")
    lines = path.read_bytes().split(b"\n")
    lines[4] = lines[4].replace(b",", b',"', 1)
    path.write_bytes(b"\n".join(lines))
    return path


def utf8_bom(folder: Path) -> Path:
    return write_csv(clean(), folder / "register_bom.csv", encoding="utf-8-sig")


def title_rows(folder: Path) -> Path:
    path = folder / "register_judul.csv"
    body = clean()
    body.at[2, "DESIL"] = 11
    text = write_csv(body, folder / "tmp.csv").read_text(encoding="utf-8")
    path.write_text("DATA TERPADU KESEJAHTERAAN SOSIAL\nKota Harapan Jaya, September 2026\n\n"
                    + text, encoding="utf-8")
    return path


def blank_lines(folder: Path) -> Path:
    body = clean()
    body.at[30, "DESIL"] = 0
    lines = write_csv(body, folder / "tmp.csv").read_text(encoding="utf-8").splitlines()
    lines = lines[:11] + ["", ""] + lines[11:21] + [""] + lines[21:]
    path = folder / "register_baris_kosong.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def totals_row(folder: Path) -> Path:
    path = write_csv(clean(), folder / "register_total.csv")
    with open(path, "a", encoding="utf-8") as f:
        f.write("TOTAL" + "," * 12 + f"{ROWS * 3}" + "," * 22 + "\n")
    return path


def extra_fields(folder: Path) -> Path:
    lines = write_csv(clean(), folder / "tmp.csv").read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5] + ",lebih,satu"
    path = folder / "register_kolom_lebih.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def name_variants(frame: pd.DataFrame) -> None:
    variants = [str.upper, lambda n: f"Kel. {n}", lambda n: n.lower().replace(" ", "  "),
                lambda n: n.replace("Barat", "Brt").replace("Pondok", "Pd.")]
    for i in range(8):
        frame.at[i, "KODE_WILAYAH"] = None
        frame.at[i, "LATITUDE"], frame.at[i, "LONGITUDE"] = None, None
        frame.at[i, "KELURAHAN"] = variants[i % 4](frame.at[i, "KELURAHAN"])


def empty_file(folder: Path) -> Path:
    path = folder / "kosong.csv"
    path.write_bytes(b"")
    return path


def header_only(folder: Path) -> Path:
    path = folder / "hanya_kepala.csv"
    path.write_text(",".join(clean().columns[:-1]) + "\n", encoding="utf-8")
    return path


def binary_named_csv(folder: Path) -> Path:
    path = folder / "register.csv"
    path.write_bytes(bytes(np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8)))
    return path


def old_xls(folder: Path) -> Path:
    path = folder / "register.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048)
    return path


def _xlsx(folder: Path, name: str, sheets: dict[str, list[list[object]]]) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    path = folder / name
    wb.save(path)
    return path


def _rows(frame: pd.DataFrame) -> list[list[object]]:
    frame = frame.drop(columns=[c for c in frame.columns if c.startswith("_")])
    return [list(frame.columns)] + frame.astype(object).where(frame.notna(), None).values.tolist()


def xlsx_wrong_sheet_first(folder: Path) -> Path:
    return _xlsx(folder, "register_dua_lembar.xlsx", {
        "Petunjuk": [["Petunjuk pengisian"], ["Isi satu baris per rumah tangga."]],
        "Data DTKS": _rows(clean())})


def xlsx_no_register_sheet(folder: Path) -> Path:
    return _xlsx(folder, "rekap.xlsx", {
        "Petunjuk": [["Petunjuk pengisian"]], "Rekap": [["Kecamatan", "Jumlah"], ["A", 3]]})


def xlsx_title_and_merged_header(folder: Path) -> Path:
    rows = _rows(clean())
    header = rows[0]
    group = ["IDENTITAS"] + [None] * 12 + ["KONDISI RUMAH"] + [None] * (len(header) - 14)
    # a vertically merged header cell: the name sits in the group row, the cell below is empty
    group[0], header = "ID_DTKS", [None, *header[1:]]
    data = rows[1:]
    data[3][13] = "sebelas"  # DESIL as text, on file row 8
    return _xlsx(folder, "register_judul.xlsx", {"DTKS": [
        ["DATA TERPADU KESEJAHTERAAN SOSIAL"], ["Kota Harapan Jaya (fiktif)"], group, header,
        *data]})


def xlsx_two_sheets(folder: Path) -> Path:
    """A register split over two sheets with the same header (DTKS_1, DTKS_2)."""
    rows = _rows(clean())
    half = 1 + ROWS // 2
    return _xlsx(folder, "register_dua_bagian.xlsx", {
        "Petunjuk": [["Petunjuk pengisian"]], "DTKS_1": rows[:half],
        "DTKS_2": [rows[0], *rows[half:]]})


def xlsx_merged_label(folder: Path) -> Path:
    """ALAMAT in a header cell merged over three rows (the label in the top cell, two rows
    above the header row the other columns use)."""
    import openpyxl

    rows = _rows(clean())
    header = rows[0]
    col = header.index("ALAMAT")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "DTKS"
    ws.append(["DATA TERPADU KESEJAHTERAAN SOSIAL"])
    ws.append([None] * col + ["ALAMAT"])
    ws.append([None] * len(header))
    ws.append([None if i == col else h for i, h in enumerate(header)])
    for row in rows[1:]:
        ws.append(row)
    ws.merge_cells(start_row=2, start_column=col + 1, end_row=4, end_column=col + 1)
    path = folder / "register_gabung.xlsx"
    wb.save(path)
    return path


def xlsx_numbers_and_dates(folder: Path) -> Path:
    import datetime as dt

    rows = _rows(clean())
    header = rows[0]
    nik, verval, desil = header.index("NIK_KRT"), header.index("TGL_VERVAL"), header.index("DESIL")
    for r in rows[1:]:
        r[verval] = dt.datetime.fromisoformat(r[verval])
        r[desil] = float(r[desil])
    rows[1][nik] = 3.67401e15  # a NIK typed as a number: Excel kept 15 digits at most
    rows[2][nik] = 3674012304850001  # 16 significant digits: cannot come from Excel, exact
    return _xlsx(folder, "register_angka.xlsx", {"Sheet1": rows})


def parquet_file(folder: Path) -> Path:
    frame = clean().drop(columns=["_kode_benar"])
    frame["DESIL"] = frame["DESIL"].astype(int)
    frame["LATITUDE"] = frame["LATITUDE"].astype(float)
    frame["LONGITUDE"] = frame["LONGITUDE"].astype(float)
    path = folder / "register.parquet"
    frame.astype({c: str for c in frame.columns if frame[c].dtype == object}).to_parquet(path)
    return path


def pbdt_codes(folder: Path) -> Path:
    """PBDT 2015 short lower-case headers, numeric codes, 1 = ya / 2 = tidak."""
    frame = clean()
    out = pd.DataFrame({
        "idbdt": frame["ID_DTKS"], "nik": frame["NIK_KRT"], "nokk": frame["NO_KK"],
        "kdprov": "99", "kdkab": "71",
        "kdkec": frame["KODE_WILAYAH"].str[6:8], "kddesa": frame["KODE_WILAYAH"].str[9:],
        "jumlah_art": frame["JML_ART"], "desil": frame["DESIL"],
        "sumber_airminum": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 99, 5] * 2 + [5] * 12,
        "fasbab": ([1, 2, 3, 4] * 10)[:ROWS], "kloset": ([1, 2, 3, 4] * 10)[:ROWS],
        "sumber_penerangan": ([1, 2, 3, 1] * 10)[:ROWS], "daya": ([1, 6, 1, 2] * 10)[:ROWS],
        "lantai": ([9, 2, 6, 4] * 10)[:ROWS], "pkh": ([1, 2] * 20)[:ROWS],
        "bpnt": ([2, 2, 1, 2] * 10)[:ROWS],
    })
    return write_csv(out, folder / "pbdt2015.csv")


def unknown_headers(folder: Path) -> Path:
    frame = clean().rename(columns={"ID_DTKS": "NO URUT RUMAH TANGGA"})
    return write_csv(frame, folder / "register_kepala_asing.csv")


def text_document(folder: Path) -> Path:
    """A notes file chosen by mistake: one of its lines names two program columns (PKH,
    PBI-JKN), so it passes for a header, and a line below it breaks as CSV (more fields than
    any register row)."""
    path = folder / "catatan.csv"
    path.write_text("Catatan rapat\n\n- cakupan bantuan sosial (BPNT, PKH, PBI-JKN, KIP)\n"
                    + "- peta, tabel, unduhan\n"
                    + "Perintah: demo, impor, indikator, " + ", ".join(["lain"] * 40) + "\n",
                    encoding="utf-8")
    return path


def big_file(folder: Path) -> Path:
    return write_csv(clean(), folder / "register_besar.csv")


# ---------------------------------------------------------------- the corpus

def cases() -> list[Case]:
    n = ROWS
    return [
        Case("nik_notasi_ilmiah", csv_case(_set(3, NIK_KRT="9.97104E+15")),
             counts={"rows_read": n, "quarantined": 1}, reason=r"NIK_KRT: .*rusak oleh Excel",
             rows=[5]),
        Case("nik_nol_depan_hilang", csv_case(lambda f: f.__setitem__(
            "NIK_KRT", f["NIK_KRT"].where(f.index != 6, f["NIK_KRT"].str[1:]))),
             counts={"quarantined": 1}, reason=r"harus 16 angka, tertulis 15 angka", rows=[8]),
        Case("nik_akhiran_titik_nol", csv_case(lambda f: f.__setitem__(
            "NIK_KRT", f["NIK_KRT"] + ".0")), counts={"accepted": n, "quarantined": 0}),
        Case("no_kk_notasi_ilmiah", csv_case(_set(0, NO_KK="9.97104E+15")),
             counts={"quarantined": 1}, reason=r"NO_KK: Nomor KK rusak oleh Excel", rows=[2]),
        Case("kode_berbagai_bentuk", csv_case(_code_forms),
             counts={"accepted": n, "linked_by_code": n}),
        Case("kode_empat_kolom", split_code, counts={"accepted": n, "linked_by_code": n}),
        Case("titik_koma_dan_koma_desimal", semicolon_decimal_comma,
             counts={"accepted": n, "linked_by_code": n, "conflicts": 0}),
        Case("windows_1252", windows_1252, counts={"accepted": n}),
        Case("bukan_utf8_maupun_1252", no_code_page,
             fails=r"register_rusak\.csv baris 5: pengodean teks tidak dikenali"),
        Case("tanda_kutip_tak_ditutup", unclosed_quote,
             fails=r"register\.csv: berkas CSV rusak sekitar baris 5: tanda kutip"),
        Case("utf8_bom", utf8_bom, counts={"accepted": n, "linked_by_code": n}),
        Case("baris_judul_di_atas_kepala", title_rows, counts={"rows_read": n, "quarantined": 1},
             reason=r"DESIL: desil harus 1–10, tertulis 11", rows=[7]),
        Case("baris_kosong", blank_lines, counts={"rows_read": n, "quarantined": 1},
             reason=r"desil harus 1–10, tertulis 0", rows=[32 + 3]),
        Case("baris_total", totals_row, counts={"rows_read": n + 1, "quarantined": 1},
             reason=r"Baris jumlah/total", rows=[n + 2]),
        Case("kolom_lebih", extra_fields, counts={"rows_read": n, "quarantined": 1},
             reason=r"lebih banyak kolom", rows=[6]),
        Case("lintang_bujur_tertukar", csv_case(lambda f: _swap(f, [0, 1, 2])),
             counts={"accepted": n, "linked_by_code": n, "conflicts": 0}, note="tertukar"),
        Case("koordinat_nol", csv_case(_set(4, LATITUDE=0, LONGITUDE=0)),
             counts={"accepted": n, "linked_by_code": n, "conflicts": 0},
             note=r"di luar Indonesia"),
        Case("koordinat_luar_indonesia", csv_case(_set(4, LATITUDE=51.5, LONGITUDE=-0.12)),
             counts={"accepted": n, "conflicts": 0}, note=r"di luar Indonesia"),
        Case("titik_luar_kota", csv_case(_set(5, LATITUDE=-7.7956, LONGITUDE=110.3695)),
             counts={"accepted": n, "linked_by_code": n, "conflicts": 1},
             note=r"m di luar kelurahan kodenya \(di luar semua kelurahan\)"),
        Case("titik_di_laut", csv_case(_set(6, LATITUDE=-5.6, LONGITUDE=110.2)),
             counts={"accepted": n, "linked_by_code": n, "conflicts": 1},
             note=r"m di luar kelurahan kodenya"),
        Case("nik_sama_dua_keluarga", csv_case(lambda f: f.__setitem__(
            "NIK_KRT", f["NIK_KRT"].where(f.index != 9, f["NIK_KRT"].iat[3]))),
             counts={"quarantined": 2}, reason=r"NIK kepala keluarga yang sama .*baris (5|11)",
             rows=[5, 11]),
        Case("keluarga_dua_kali", csv_case(lambda f: f.__setitem__(
            "ID_DTKS", f["ID_DTKS"].where(f.index != 12, f["ID_DTKS"].iat[1]))),
             counts={"quarantined": 2}, reason=r"ID keluarga .* lebih dari sekali", rows=[3, 14]),
        Case("desil_0_11_kosong_teks", csv_case(_many(_set(1, DESIL=0), _set(2, DESIL=11),
                                                      _set(3, DESIL=None),
                                                      _set(4, DESIL="miskin"))),
             counts={"quarantined": 4}, reason=r"desil", rows=[3, 4, 5, 6]),
        Case("jumlah_art_nol", csv_case(_set(7, JML_ART=0)), counts={"quarantined": 1},
             reason=r"JML_ART: jumlah anggota rumah tangga harus bilangan bulat ≥ 1", rows=[9]),
        Case("jumlah_art_satu_miliar", csv_case(_set(7, JML_ART="1e9")),
             counts={"rows_read": n, "quarantined": 1},
             reason=r"JML_ART: jumlah anggota rumah tangga 1e9 tidak masuk akal", rows=[9]),
        Case("jumlah_art_20_angka", csv_case(_set(7, JML_ART="12345678901234567890")),
             counts={"rows_read": n, "quarantined": 1}, reason=r"harus 1–30", rows=[9]),
        Case("luas_tak_hingga_nan_nol", csv_case(_many(_set(1, LUAS_LANTAI="inf"),
                                                       _set(2, LUAS_LANTAI="nan"),
                                                       _set(3, LUAS_LANTAI="0"))),
             counts={"rows_read": n, "quarantined": 3},
             reason=r"LUAS_LANTAI: luas lantai harus angka lebih dari 0", rows=[3, 4, 5]),
        Case("jumlah_lansia_tak_hingga", csv_case(_set(2, JML_LANSIA="inf")),
             counts={"rows_read": n, "quarantined": 1}, reason=r"JML_LANSIA: .*tidak masuk akal",
             rows=[4]),
        Case("isian_melebihi_batas", csv_case(_set(3, ALAMAT="x" * 200_000)),
             counts={"rows_read": n, "quarantined": 1},
             reason=r"ALAMAT: isian 195 KB terlalu panjang .batas 128 KB", rows=[5]),
        Case("isian_panjang_di_awal", csv_case(_set(0, ALAMAT="y" * 200_000)),
             counts={"rows_read": n, "quarantined": 1}, reason=r"terlalu panjang", rows=[2]),
        Case("nama_kelurahan_berbeda_ejaan", csv_case(name_variants),
             counts={"accepted": n, "linked_by_name": 8, "linked_by_code": n - 8,
                     "unlinked": 0}),
        Case("rumus_excel_di_nama", csv_case(_set(
            8, NAMA_KRT='=HYPERLINK("http://contoh.invalid","Klik")')),
             counts={"quarantined": 1}, reason=r"NAMA_KRT: berisi rumus Excel", rows=[10]),
        Case("rumus_minus_di_nama", csv_case(_many(_set(5, NAMA_KRT="-Budi"),
                                                   _set(6, NAMA_KRT="Siti-Aminah"))),
             counts={"quarantined": 1}, reason=r"NAMA_KRT: berisi rumus Excel", rows=[7]),
        Case("rumus_minus_di_alamat", csv_case(_set(5, ALAMAT="- SUM(A1:A9)")),
             counts={"quarantined": 1}, reason=r"ALAMAT: berisi rumus Excel", rows=[7]),
        Case("html_di_nama", csv_case(_set(9, NAMA_KRT="<script>alert(1)</script>Budi")),
             counts={"quarantined": 1}, reason=r"NAMA_KRT: berisi kode HTML", rows=[11]),
        Case("berkas_kosong", empty_file, fails=r"kosong\.csv: berkas kosong"),
        Case("hanya_kepala_kolom", header_only,
             fails=r"hanya_kepala\.csv: tidak ada baris data \(hanya kepala kolom"),
        Case("biner_bernama_csv", binary_named_csv, fails=r"register\.csv: bukan berkas teks"),
        Case("excel_lama_xls", old_xls, fails=r"register\.xls: berkas Excel lama"),
        Case("lembar_salah_di_depan", xlsx_wrong_sheet_first,
             counts={"accepted": n, "linked_by_code": n}),
        Case("tidak_ada_lembar_register", xlsx_no_register_sheet,
             fails=r"rekap\.xlsx: tidak ada lembar .*Petunjuk, Rekap"),
        Case("lembar_dipilih_salah", xlsx_wrong_sheet_first, kwargs={"sheet": "Petunjuk"},
             fails=r"tidak ada lembar berisi kepala kolom"),
        Case("xlsx_judul_dan_kepala_gabung", xlsx_title_and_merged_header,
             counts={"rows_read": n, "quarantined": 1}, reason=r"desil harus angka",
             rows=[8]),
        Case("xlsx_dua_lembar_register", xlsx_two_sheets,
             counts={"rows_read": n, "accepted": n, "linked_by_code": n}),
        Case("xlsx_kepala_gabung_tiga_baris", xlsx_merged_label,
             counts={"rows_read": n, "accepted": n}),
        Case("xlsx_angka_dan_tanggal", xlsx_numbers_and_dates,
             counts={"rows_read": n, "quarantined": 1}, reason=r"rusak oleh Excel", rows=[2]),
        Case("parquet", parquet_file, counts={"accepted": n, "linked_by_code": n}),
        Case("kode_pbdt_2015", pbdt_codes, counts={"accepted": n, "linked_by_code": n}),
        Case("kepala_kolom_asing", unknown_headers, fails=r"kolom ID keluarga tidak ditemukan"),
        Case("dokumen_teks_bukan_register", text_document,
             fails=r"catatan\.csv: kolom ID keluarga tidak ditemukan"),
        Case("kepala_kolom_asing_dipetakan", unknown_headers,
             kwargs={"mapping": {"NO URUT RUMAH TANGGA": "id_keluarga"}},
             counts={"accepted": n}),
        Case("melebihi_batas_ukuran", big_file, kwargs={"_max_bytes": 1000},
             fails=r"register_besar\.csv: berkas .* melebihi batas"),
    ]


def _swap(frame: pd.DataFrame, rows: list[int]) -> None:
    for i in rows:
        frame.at[i, "LATITUDE"], frame.at[i, "LONGITUDE"] = (frame.at[i, "LONGITUDE"],
                                                             frame.at[i, "LATITUDE"])
