"""Exports that open well and cannot attack the reader: the map page's Excel and both CSVs
read back to the numbers of the screen table, the per-area GeoPackage/GeoJSON open in
geopandas without any household or personal column, and text that a spreadsheet would run as
a formula (a kelurahan named ``=HYPERLINK(...)``, a code ``@SUM(A1)``) is written as text."""

from __future__ import annotations

import io
import json

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest

from geo import exports, indicators, planning
from geo.filters import Filters
from geo.fmt import fmt_int, fmt_num
from geo.views import map_view as mv
from tests.view_fixtures import city, prepared

EVIL_NAME = '=HYPERLINK("http://evil","klik")'
EVIL_CODE = "@SUM(A1)"
SETTINGS = indicators.DEFAULT_SETTINGS
NOTES = exports.Notes("Periode data September 2026 · diimpor 30 Sep 2026", "semua",
                      indicators=["miskin"], source="dtks.csv", imported="30 Sep 2026")


def view(hide: bool = False, filters: Filters | None = None, names: dict | None = None
         ) -> mv.MapView:
    c = city()
    areas = c.kelurahan.copy()
    if names:
        areas["nama"] = [names.get(k, n) for k, n in zip(areas["kode"], areas["nama"])]
    return mv.map_view(prepared(c), filters or Filters(), "miskin", "kelurahan", "persen",
                       areas, c.name_of, SETTINGS, kelurahan=c.kelurahan, hide=hide)


def read_xlsx(data: bytes, sheet: str | int = 0) -> pd.DataFrame:
    return pd.read_excel(io.BytesIO(data), sheet_name=sheet)


def read_csv_excel(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig",
                       dtype={"Kode wilayah": str})


def read_csv_machine(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), dtype={"kode": str})


def screen_text(value: object, column: str, rates: list[str]) -> str:
    """What the page's table shows for a value read back from a file."""
    if isinstance(value, str):
        return value
    if value is None or value != value:
        return indicators.NO_DATA
    return fmt_num(value, 2) if column in rates else fmt_int(value)


@pytest.mark.parametrize("hide", [False, True])
def test_excel_and_both_csvs_read_back_to_the_screen_table(hide):
    v = view(hide=hide, filters=Filters(desil_min=1, desil_max=1) if hide else None)
    screen, _, _ = v.on_screen()
    shown = screen.copy()  # the table as the page shows it, every cell as text
    int_cols = [c for c in screen.columns if c not in ("kode", "nama", *v.rate_columns)]
    for column in screen.columns:
        if screen[column].dtype.kind in "iuf":
            shown[column] = [screen_text(x, column, v.rate_columns) for x in screen[column]]
    table = v.export_table()
    files = {"xlsx": read_xlsx(exports.xlsx([table], NOTES)),
             "csv_excel": read_csv_excel(exports.csv_excel(table)),
             "csv": read_csv_machine(exports.csv_machine(v.export))}
    headers = [v.labels[c] for c in v.export.columns]
    assert list(files["xlsx"].columns) == list(files["csv_excel"].columns) == headers
    assert list(files["csv"].columns) == list(v.export.columns)  # snake_case ids for machines
    assert headers[:3] == ["Kode wilayah", "Kelurahan", "Rumah tangga"]
    assert "Data diketahui, %" in headers
    for name, frame in files.items():
        frame.columns = list(v.export.columns)
        assert list(frame["kode"]) == list(v.export["kode"]), name
        for column in int_cols + v.rate_columns:
            back = [screen_text(x, column, v.rate_columns) for x in frame[column]]
            assert back == list(shown[column]), (name, column)
        # the numbers themselves, not only their text
        rate = v.rate_columns[0]
        np.testing.assert_allclose(frame[rate].astype(float), v.export[rate].astype(float))
    if hide:
        assert (files["xlsx"].astype(str) == "< 5").any().any()  # as on the screen
    else:  # no text among the counts: numbers stored as numbers
        assert all(files["xlsx"][c].dtype.kind in "iuf" for c in int_cols)


def test_excel_formats_catatan_and_unknown_as_empty():
    v = view()
    book = openpyxl.load_workbook(io.BytesIO(exports.xlsx(
        [v.export_table()], v.export_notes("Semua rumah tangga", "Periode data September 2026",
                                           SETTINGS, {"source_file": "dtks.csv",
                                                      "imported_at": "2026-09-30"}))))
    assert book.sheetnames == ["Peta kelurahan", "Catatan"]
    sheet = book["Peta kelurahan"]
    header = [c.value for c in sheet[1]]
    count = header.index("Rumah tangga") + 1
    rate = header.index("Rumah tangga miskin (desil 1–4), %") + 1
    assert sheet.cell(2, count).number_format == "#,##0"
    assert sheet.cell(2, rate).number_format == "0.0"
    assert isinstance(sheet.cell(2, count).value, int)
    empty = list(v.export["kode"]).index(city().empty) + 2  # the kelurahan without households
    assert sheet.cell(empty, count).value == 0  # zero households: a count, 0
    assert sheet.cell(empty, rate).value is None  # its rate is unknown: empty, never 0
    notes = {row[0]: row[1] for row in book["Catatan"].iter_rows(values_only=True)}
    assert notes["Periode data"] == "September 2026"
    assert notes["Filter"] == "Semua rumah tangga"
    assert notes["Sumber data"] == "dtks.csv" and notes["Tanggal impor"] == "30 Sep 2026"
    assert notes["Rumah tangga miskin (desil 1–4)"].startswith("Desil kesejahteraan 1 sampai 4")
    assert notes["Angka kecil"].startswith("Tidak disembunyikan")


def test_csv_for_excel_uses_semicolons_decimal_comma_and_a_bom():
    frame = pd.DataFrame({"kode": ["99.71.01.1001"], "nama": ["Sukamaju"],
                          "rumah_tangga": [1234], "miskin_persen": [12.5]})
    data = exports.csv_excel(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "Kode wilayah;Nama wilayah;Rumah tangga;Rumah tangga miskin (desil 1–4), %"
    assert lines[1] == "99.71.01.1001;Sukamaju;1234;12,5"
    machine = exports.csv_machine(frame)
    assert not machine.startswith(b"\xef\xbb\xbf")
    assert machine.decode().splitlines() == ["kode,nama,rumah_tangga,miskin_persen",
                                             "99.71.01.1001,Sukamaju,1234,12.5"]


@pytest.mark.parametrize("hide", [False, True])
def test_geopackage_and_geojson_one_feature_per_area_without_personal_data(tmp_path, hide):
    v = view(hide=hide, filters=Filters(desil_min=1, desil_max=1) if hide else None)
    layer = v.area_layer()
    gpkg = tmp_path / "peta.gpkg"
    gpkg.write_bytes(exports.geopackage_bytes(layer))
    geojson = tmp_path / "peta.geojson"
    geojson.write_bytes(exports.geojson_bytes(layer))
    households = city().households
    personal = {"nik_krt", "no_kk", "nama_krt", "alamat", "lintang", "bujur", "id_keluarga",
                "rt", "rw"}
    for path in (gpkg, geojson):
        read = gpd.read_file(path)
        assert len(read) == len(v.export) == read["kode"].nunique(), path
        assert list(read["kode"]) == list(v.export["kode"])
        assert read.crs.to_epsg() == 4326 and read.geometry.notna().all()
        assert not personal & set(read.columns)
        assert not [c for c in read.columns if exports.is_personal(c)]
        assert set(read.columns) <= {*v.export.columns, "tersembunyi", "geometry"}
        rate = v.rate_columns[0]
        np.testing.assert_allclose(read[rate].astype(float), v.export[rate].astype(float))
        numbers = pd.to_numeric(v.export["rumah_tangga"], errors="coerce")  # hidden: empty
        np.testing.assert_allclose(read["rumah_tangga"].astype(float), numbers.astype(float))
    text = geojson.read_text(encoding="utf-8")
    for nik in households["nik_krt"].dropna().head(200):
        assert str(nik) not in text
    if hide:
        hidden = [t for t in gpd.read_file(gpkg)["tersembunyi"] if t]
        assert hidden and all("<" not in t for t in hidden)
        assert "< 5" not in text


def test_per_area_export_refuses_a_personal_column():
    v = view()
    table = v.export.assign(nik_krt="3674012304850001")
    with pytest.raises(ValueError, match="nik_krt"):
        exports.area_layer(v.areas, table)


# ------------------------------------------------------------------ formula injection

def test_neutralise_text_not_numbers():
    assert exports.neutralise(EVIL_NAME) == "'" + EVIL_NAME
    assert [exports.neutralise(t) for t in ("+1", "-a", "@x", "\tx", "\rx", "Sukamaju")] == [
        "'+1", "'-a", "'@x", "'\tx", "'\rx", "Sukamaju"]
    assert exports.cell_value(-5) == -5 and exports.cell_value(-2.5) == -2.5
    assert exports.cell_value(np.nan) is None and exports.cell_value(pd.NA) is None


def evil_view() -> mv.MapView:
    c = city()
    return view(names={c.kelurahan["kode"].iat[0]: EVIL_NAME,
                       c.kelurahan["kode"].iat[1]: "+cmd|' /C calc'!A0",
                       c.kelurahan["kode"].iat[2]: "-2+3"})


def assert_no_formula_xlsx(data: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(exports.cells.FORMULA_STARTS), cell.value
                    texts.append(cell.value)
    return texts


def test_map_exports_neutralise_a_hostile_kelurahan_name():
    v = evil_view()
    texts = assert_no_formula_xlsx(exports.xlsx([v.export_table()], NOTES))
    assert "'" + EVIL_NAME in texts and "'-2+3" in texts
    for data, read in ((exports.csv_excel(v.export_table()), read_csv_excel),
                       (exports.csv_machine(v.export), read_csv_machine)):
        frame = read(data)
        names = frame.iloc[:, 1].tolist()
        assert names[:3] == ["'" + EVIL_NAME, "'+cmd|' /C calc'!A0", "'-2+3"]
        assert all(not str(n).startswith(("=", "+", "-", "@")) for n in names)
    props = [f["properties"]["nama"] for f in json.loads(exports.geojson_bytes(
        v.area_layer()))["features"]]
    assert props[0] == "'" + EVIL_NAME


def test_priority_and_verification_workbooks_neutralise_names(tmp_path):
    c = city()
    table = indicators.for_areas(
        indicators.area_counts(prepared(c), ids=("miskin",), detail=())[0], c.kelurahan["kode"])
    ranked = planning.ranking(table, {"miskin": 1})
    labels = pd.DataFrame({"nama": [EVIL_NAME] + list(c.kelurahan["nama"].iloc[1:]),
                           "induk": [EVIL_CODE] * len(c.kelurahan)},
                          index=c.kelurahan["kode"].to_numpy())
    export = planning.priority_export(table, ranked, labels, hide_small=False)
    notes = planning.priority_notes({"miskin": 1}, "Periode", SETTINGS, EVIL_NAME)
    texts = assert_no_formula_xlsx(planning.priority_workbook(export, notes))
    assert "'" + EVIL_NAME in texts and "'" + EVIL_CODE in texts
    sheet = openpyxl.load_workbook(io.BytesIO(planning.priority_workbook(export, notes)))[
        "Peringkat"]
    moved = [cell.value for cell in next(sheet.iter_cols(min_col=2, max_col=2, min_row=2))]
    assert all(isinstance(x, int) for x in moved)  # ranks stay numbers
    listing = pd.DataFrame({"ID keluarga": ["@1"], "Kelurahan": [EVIL_NAME],
                            "Desil": [-1]})  # a negative number stays a number
    book_bytes = exports.xlsx([exports.Table(listing, "Daftar verifikasi", formats={})], notes)
    assert_no_formula_xlsx(book_bytes)
    row = next(openpyxl.load_workbook(io.BytesIO(book_bytes))["Daftar verifikasi"].iter_rows(
        min_row=2, values_only=True))
    assert row == ("'@1", "'" + EVIL_NAME, -1)


def test_cli_csv_neutralises_text(capsys):
    from geo.cli.common import write_table

    write_table(pd.DataFrame({"kode": [EVIL_CODE], "nama": [EVIL_NAME], "n": [-3]}), "csv")
    out = capsys.readouterr().out.splitlines()
    assert out[1] == f"'{EVIL_CODE},\"'=HYPERLINK(\"\"http://evil\"\",\"\"klik\"\")\",-3"


def test_unlinked_and_quarantine_csvs_of_a_real_import_neutralise_codes(tmp_path):
    """The Data page's "belum tertaut" and quarantine CSVs, built as its buttons build them.
    The import quarantines values that look like formulas (``=``, ``+``, ``@``, ``-`` before a
    letter), but ``-1+2`` passes as a code and Excel would compute it; and the export must not
    rely on the import: a code ``@SUM(A1)`` in the list comes out as text too."""
    from geo.households import import_households
    from tests import corpus
    from ui import downloads
    from ui import import_households as page

    engine = corpus.engine_with_regions(tmp_path)
    edit = corpus._many(
        corpus._set(3, KODE_WILAYAH="-1+2", KELURAHAN="-2+3", KECAMATAN="-4+5",
                    LATITUDE=None, LONGITUDE=None),
        corpus._set(4, KODE_WILAYAH=EVIL_CODE, KELURAHAN=EVIL_NAME))  # quarantined: rumus
    import_households(engine, corpus.csv_case(edit)(tmp_path), "2026-09")
    sid = int(engine.connect().exec_driver_sql("select id from snapshots").scalar())
    unlinked = page.unlinked_table(engine, sid)
    assert "-1+2" in set(unlinked["kode_kelurahan"])  # the row is in the list
    planted = pd.concat([unlinked, unlinked.head(1).assign(kode_kelurahan=EVIL_CODE,
                                                           nama_kelurahan=EVIL_NAME)])
    for fmt, read in (("csv_excel", read_csv_excel), ("csv", read_csv_machine)):
        data = downloads.builder(fmt, lambda: page._table(planted, "Belum tertaut"))()
        frame = read(data)
        codes = frame.iloc[:, list(planted.columns).index("kode_kelurahan")].astype(str)
        names = frame.iloc[:, list(planted.columns).index("nama_kelurahan")].astype(str)
        assert {"'-1+2", "'" + EVIL_CODE} <= set(codes)
        assert {"'-2+3", "'" + EVIL_NAME} <= set(names)
        for column in (codes, names):
            assert not column.str.startswith(("=", "+", "-", "@")).any()
    quarantine = page.quarantine_table(engine, sid)
    assert "rumus" in " ".join(quarantine["alasan"])
    data = downloads.builder("csv_excel", lambda: page._table(quarantine, "Karantina"))()
    back = read_csv_excel(data)
    assert list(back.columns) == ["Baris", "Alasan", "Nilai asli"]
    assert not back.astype(str).apply(lambda c: c.str.startswith(("=", "+", "@"))).any().any()
    engine.dispose()


@pytest.mark.parametrize("hide", [False, True])
def test_lintas_opd_export_holds_the_screen_matrix(hide):
    from geo.views import opd_view as ov
    from tests.view_fixtures import scope

    c = city()
    page = ov.opd_view(scope(c), c.names, as_pct=False, hide=hide)
    display, _ = page.matrix_table()
    frame, labels = page.matrix_export()
    assert list(frame["nama"]) == list(display["Kelurahan"])  # the screen's order
    back = read_csv_excel(exports.csv_excel(exports.Table(frame, "Lintas OPD", labels)))
    assert "Perlu Perkim/PUPR, rumah tangga" in back.columns
    for agency in ov.COLUMNS:
        cells = back[labels[ov.agency_id(agency)]]
        assert [screen_text(x, agency, []) for x in cells] == list(display[ov.LABELS[agency]])
    if hide:
        assert (back.astype(str) == "< 5").any().any()
        hidden = back[labels["dinsos"]].astype(str).isin(["< 5", "–"])
        assert back.loc[hidden, labels["dinsos_persen"]].isna().all()


def test_cakupan_export_numbers_and_hidden_rates():
    from geo.views import coverage_view as cv
    from tests.view_fixtures import scope

    c = city()
    plain = cv.coverage_view(scope(c), c.names, hide=False)
    forum = cv.coverage_view(scope(c), c.names, hide=True)
    export = plain.export()
    assert list(export["kode"]) == list(plain.table.index)
    np.testing.assert_allclose(export["cakupan_pkh_persen"].astype(float),
                               plain.table["cakupan_pkh_persen"].round(2).astype(float))
    book = read_xlsx(exports.xlsx([exports.Table(export, "Cakupan", exports.labels(
        export.columns, "Kelurahan"))]))
    assert "Cakupan PKH, %" in book.columns
    np.testing.assert_allclose(book["Cakupan PKH, %"].astype(float),
                               export["cakupan_pkh_persen"].astype(float))
    hidden = forum.export()
    small = hidden["eksklusi"].astype(str).isin(["< 5", "–"])
    assert hidden.loc[small, "eksklusi_persen"].isna().all()
    shown = forum.coverage_table()["PKH"].tolist()  # the screen: "–" where the rate is hidden
    for text, rate in zip(shown, hidden["cakupan_pkh_persen"]):
        if text in ("–", indicators.NO_DATA):
            assert rate != rate


def test_prioritas_csvs_hold_the_minutes_table():
    from geo.views import priority_view as pv
    from tests.view_fixtures import scope

    c = city()
    page = pv.priority_view(scope(c), {"miskin": 2, "rtlh": 1}, "kelurahan", c.kecamatan,
                            c.names)
    export = page.export(hide=False)
    back = read_csv_excel(exports.csv_excel(exports.Table(export, "Peringkat")))
    assert list(back.columns) == list(export.columns)
    np.testing.assert_allclose(back["Skor (0-100)"], export["Skor (0-100)"].astype(float))
    machine = read_csv_machine(exports.csv_machine(page.machine_export(hide=False)))
    assert list(machine.columns)[:5] == ["peringkat", "peringkat_sama", "perubahan", "kode",
                                         "nama"]
    assert {"skor", "rumah_tangga", "miskin_persen", "rtlh_persen", "induk"} <= set(
        machine.columns)
    np.testing.assert_allclose(machine["miskin_persen"].astype(float),
                               export["Rumah tangga miskin (desil 1–4), %"].astype(float))
