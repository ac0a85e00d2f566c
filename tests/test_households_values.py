"""Coded values (issue 12): code lists chosen per column by fit, the documented phrases, the
operator's own entries (--value, saved profiles) and unmapped values counted, never dropped."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import inspect, text

from geo import store
from geo.households import ImportFailed, import_households, plan_import
from geo.register_values import (
    CODE_LISTS,
    DAYA_METERED,
    DAYA_UNMETERED,
    PHRASES,
    ValueEntryError,
    choose_code_list,
    map_value,
    parse_value_option,
    phrase_key,
)
from tests import corpus

# ---------------------------------------------------------------- phrases

# Every answer of household-data.md's code tables, as written there, and as registers vary it
# (case, slashes, spacing, hyphens, abbreviations).
DOCUMENTED = [
    ("sumber_air_minum", "air kemasan bermerk", "air_kemasan"),
    ("sumber_air_minum", "Air Isi Ulang", "isi_ulang"),
    ("sumber_air_minum", "leding meteran", "ledeng"),
    ("sumber_air_minum", "LEDING ECERAN", "ledeng"),
    ("sumber_air_minum", "ledeng meteran", "ledeng"),
    ("sumber_air_minum", "sumur bor/pompa", "sumur_bor_pompa"),
    ("sumber_air_minum", "Sumur Bor / Pompa", "sumur_bor_pompa"),
    ("sumber_air_minum", "sumur terlindung", "sumur_terlindung"),
    ("sumber_air_minum", "sumur tak terlindung", "sumur_tak_terlindung"),
    ("sumber_air_minum", "Sumur tdk terlindung", "sumur_tak_terlindung"),
    ("sumber_air_minum", "mata air terlindung", "mata_air_terlindung"),
    ("sumber_air_minum", "mata air tak terlindung", "mata_air_tak_terlindung"),
    ("sumber_air_minum", "sungai/danau/waduk", "air_permukaan"),
    ("sumber_air_minum", "Air sungai/danau/waduk", "air_permukaan"),
    ("sumber_air_minum", "air hujan", "air_hujan"),
    ("sumber_air_minum", "lainnya", "lainnya"),
    ("sumber_air_minum", "Lain-lain", "lainnya"),
    ("sumber_air_minum", "dll", "lainnya"),
    ("sumber_air_minum", "3. Leding meteran", "ledeng"),
    ("fasilitas_bab", "sendiri", "sendiri"),
    ("fasilitas_bab", "Bersama", "bersama"),
    ("fasilitas_bab", "UMUM", "umum"),
    ("fasilitas_bab", "tidak ada", "tidak_ada"),
    ("fasilitas_bab", "Tdk ada", "tidak_ada"),
    ("jenis_kloset", "leher angsa", "leher_angsa"),
    ("jenis_kloset", "plengsengan", "plengsengan"),
    ("jenis_kloset", "cemplung/cubluk", "cemplung"),
    ("jenis_kloset", "Cemplung / Cubluk", "cemplung"),
    ("jenis_kloset", "tidak pakai", "tidak_pakai"),
    ("jenis_kloset", "tdk pakai", "tidak_pakai"),
    ("pembuangan_tinja", "tangki septik", "tangki_septik"),
    ("pembuangan_tinja", "Septic tank", "tangki_septik"),
    ("pembuangan_tinja", "SPAL/IPAL", "ipal"),
    ("pembuangan_tinja", "lubang tanah", "lubang_tanah"),
    ("pembuangan_tinja", "kolam/sawah/sungai/danau/laut", "kolam_sawah"),
    ("pembuangan_tinja", "pantai/tanah lapang/kebun", "lainnya"),
    ("pembuangan_tinja", "lainnya", "lainnya"),
    ("sumber_penerangan", "listrik PLN meteran", "listrik_pln_meteran"),
    ("sumber_penerangan", "Listrik PLN tanpa meteran", "listrik_pln_tanpa_meteran"),
    ("sumber_penerangan", "listrik non-PLN", "listrik_non_pln"),
    ("sumber_penerangan", "Listrik Non PLN", "listrik_non_pln"),
    ("sumber_penerangan", "bukan listrik", "bukan_listrik"),
    ("jenis_lantai", "marmer/granit", "marmer_granit"),
    ("jenis_lantai", "keramik", "keramik"),
    ("jenis_lantai", "parket/vinil/permadani", "parket_vinil"),
    ("jenis_lantai", "ubin/tegel/teraso", "ubin_tegel"),
    ("jenis_lantai", "Ubin / Tegel / Teraso", "ubin_tegel"),
    ("jenis_lantai", "kayu/papan kualitas tinggi", "kayu_kualitas_tinggi"),
    ("jenis_lantai", "semen/bata merah", "semen_bata"),
    ("jenis_lantai", "bambu", "bambu"),
    ("jenis_lantai", "kayu/papan kualitas rendah", "kayu_kualitas_rendah"),
    ("jenis_lantai", "tanah", "tanah"),
    ("jenis_lantai", "lainnya", "lainnya"),
    ("jenis_dinding", "tembok", "tembok"),
    ("jenis_dinding", "plesteran anyaman bambu/kawat", "plesteran_anyaman_bambu"),
    ("jenis_dinding", "kayu", "kayu"),
    ("jenis_dinding", "anyaman bambu", "anyaman_bambu"),
    ("jenis_dinding", "batang kayu", "batang_kayu"),
    ("jenis_dinding", "bambu", "bambu"),
    ("jenis_dinding", "lainnya", "lainnya"),
    ("jenis_atap", "beton/genteng beton", "beton"),
    ("jenis_atap", "genteng keramik", "genteng_keramik"),
    ("jenis_atap", "genteng metal", "genteng_metal"),
    ("jenis_atap", "genteng tanah liat", "genteng_tanah_liat"),
    ("jenis_atap", "asbes", "asbes"),
    ("jenis_atap", "seng", "seng"),
    ("jenis_atap", "sirap", "sirap"),
    ("jenis_atap", "bambu", "bambu"),
    ("jenis_atap", "jerami/ijuk/daun-daunan/rumbia", "jerami_ijuk_rumbia"),
    ("jenis_atap", "Jerami / Ijuk / Daun daunan / Rumbia", "jerami_ijuk_rumbia"),
    ("jenis_atap", "lainnya", "lainnya"),
    ("penerima_pkh", "Ya", 1),
    ("penerima_pkh", "TIDAK", 0),
    ("penerima_pkh", "Y", 1),
    ("penerima_pkh", "T", 0),
    ("penerima_pkh", "true", 1),
    ("penerima_pkh", "False", 0),
    ("penerima_pkh", "tdk", 0),
]


@pytest.mark.parametrize("column, value, code", DOCUMENTED)
def test_documented_phrase_maps(column, value, code):
    assert map_value(column, value) == code


@pytest.mark.parametrize("column, phrase", [(c, p) for c, table in PHRASES.items()
                                            for p in table])
def test_every_phrase_table_entry_maps_to_its_code(column, phrase):
    """No two entries of the table collide after normalising (each maps to its own code)."""
    assert map_value(column, phrase) == PHRASES[column][phrase]


def test_pbdt_numbers_map_with_the_list_only():
    numbers = CODE_LISTS["pbdt2015"]["sumber_air_minum"]
    assert map_value("sumber_air_minum", "10", numbers) == "air_permukaan"
    assert map_value("sumber_air_minum", "10.0", numbers) == "air_permukaan"
    assert map_value("sumber_air_minum", "10") is None  # no list chosen: not guessed
    assert map_value("sumber_air_minum", "air got") is None  # unknown words: not guessed


@pytest.mark.parametrize("value, metered", [("1", True), ("450 W", True), ("1.300 W", True),
                                            ("> 2.200 W", True), ("6", False),
                                            ("tanpa meteran", False), ("Tanpa Meter", False)])
def test_daya_answers(value, metered):
    assert (phrase_key(value) in DAYA_METERED) is metered
    assert (phrase_key(value) in DAYA_UNMETERED) is not metered


def test_value_option_syntax():
    assert parse_value_option("sumber_air_minum:99=lainnya") == (
        "sumber_air_minum", "99", "lainnya")
    assert parse_value_option("jenis_kloset:Cemplung/Cubluk=cemplung")[1] == "Cemplung/Cubluk"
    for bad, message in [("sumber_air_minum=lainnya", "KOLOM:nilai=kode"),
                         ("desil:3=tiga", "bukan kolom berkode"),
                         ("sumber_air_minum:99=air_got", "kode 'air_got' tidak dikenal")]:
        with pytest.raises(ValueEntryError, match=message):
            parse_value_option(bad)


# ---------------------------------------------------------------- the fit rule

PBDT_WATER = [str(i) for i in range(1, 13)] * 3
OFFICE = {"kantor": {"sumber_air_minum": {str(i): "lainnya" for i in range(1, 13)}}}


def _lists(profiles=None):
    from geo.register_values import known_lists

    return known_lists(profiles)


def test_fit_picks_the_only_list_that_places_the_numbers():
    choice = choose_code_list("sumber_air_minum", "AIR_MINUM", PBDT_WATER, _lists())
    assert choice.chosen == "pbdt2015" and not choice.undecided
    assert choice.fits == {"pbdt2015": 1.0, "dtsen": 0.0}


def test_fit_tie_broken_by_the_columns_own_header():
    choice = choose_code_list("sumber_air_minum", "sumber_airminum", PBDT_WATER,
                              _lists(OFFICE))
    assert choice.chosen == "pbdt2015" and choice.by == "kepala kolom"


def test_fit_tie_under_a_neutral_header_is_undecided():
    choice = choose_code_list("sumber_air_minum", "AIR_MINUM", PBDT_WATER, _lists(OFFICE))
    assert choice.undecided and choice.chosen is None
    assert "lebih dari satu daftar" in choice.problem and "AIR_MINUM" in choice.problem


def test_lists_that_agree_are_no_tie():
    same = {"kantor": {"sumber_air_minum": dict(CODE_LISTS["pbdt2015"]["sumber_air_minum"])}}
    choice = choose_code_list("sumber_air_minum", "AIR_MINUM", PBDT_WATER, _lists(same))
    assert choice.chosen == "pbdt2015"


def test_dtsen_header_with_pbdt_numbers_is_undecided():
    choice = choose_code_list("sumber_air_minum", "id_sumber_airminum", PBDT_WATER, _lists())
    assert choice.undecided
    assert "DTSEN" in choice.problem and "pbdt2015 100%" in choice.problem


def test_below_the_minimum_fit_is_undecided_and_phrases_do_not_count():
    values = ["1", "2", "77", "88", "Air hujan", "Air hujan"]
    choice = choose_code_list("sumber_air_minum", "AIR_MINUM", values, _lists())
    assert choice.undecided and choice.fits["pbdt2015"] == 0.5
    # phrases alone: nothing to decide
    assert not choose_code_list("sumber_air_minum", "AIR_MINUM", ["Air hujan"], _lists()
                                ).undecided


def test_operator_entries_are_left_out_of_the_fit():
    values = ["1", "2", "77", "88"]
    choice = choose_code_list("sumber_air_minum", "AIR_MINUM", values, _lists(),
                              entries={"77": "lainnya", "88": "lainnya"})
    assert choice.chosen == "pbdt2015"


# ---------------------------------------------------------------- files

def _pbdt_frame() -> pd.DataFrame:
    frame = corpus.clean()
    n = corpus.ROWS
    return pd.DataFrame({
        "idbdt": frame["ID_DTKS"], "nik": frame["NIK_KRT"], "nokk": frame["NO_KK"],
        "kdprov": "99", "kdkab": "71",
        "kdkec": frame["KODE_WILAYAH"].str[6:8], "kddesa": frame["KODE_WILAYAH"].str[9:],
        "jumlah_art": frame["JML_ART"], "desil_nasional": frame["DESIL"],
        "sumber_airminum": ([10, 7, 3, 1, 5] * 8)[:n], "fasbab": ([4, 1, 2, 3] * 10)[:n],
        "kloset": ([3, 1] * 20)[:n],
    })


def test_pbdt_xlsx_with_a_dtsen_looking_header_reads_pbdt_codes(tmp_path):
    """A PBDT-coded Excel file with one DTSEN-era column (desil_nasional): every coded column
    is still read with PBDT codes, without any flag (was: all water/toilet values lost)."""
    frame = _pbdt_frame()
    path = corpus._xlsx(tmp_path, "pbdt_desil_nasional.xlsx", {"Data": corpus._rows(frame)})
    engine = corpus.engine_with_regions(tmp_path)
    result = import_households(engine, path, "2026-09")
    stored = store.load_households(engine, result.snapshot_id).sort_values("row_number")
    assert stored["sumber_air_minum"].iloc[:5].tolist() == [
        "air_permukaan", "sumur_tak_terlindung", "ledeng", "air_kemasan", "sumur_bor_pompa"]
    assert stored["fasilitas_bab"].iloc[:4].tolist() == ["tidak_ada", "sendiri", "bersama",
                                                         "umum"]
    assert stored["jenis_kloset"].iloc[:2].tolist() == ["cemplung", "leher_angsa"]
    assert stored["desil"].notna().all()
    assert result.report["unmapped_values"] == {}
    assert result.report["code_lists"] == {"sumber_air_minum": "pbdt2015",
                                           "fasilitas_bab": "pbdt2015",
                                           "jenis_kloset": "pbdt2015"}


def _tie_file(folder: Path) -> Path:
    """Numbers 1–12 under a header of no era (AIR_MINUM): PBDT 2015 and the office's saved
    list both place every row, with other codes."""
    frame = corpus.clean().drop(columns=["SUMBER_AIR_MINUM"])
    frame["AIR_MINUM"] = ([str(i) for i in range(1, 13)] * 4)[:corpus.ROWS]
    return corpus.write_csv(frame, folder / "air_seri.csv")


def _cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo", "import-households", *args],
                          capture_output=True, text=True, env=env, cwd=Path.cwd(), check=False)


@pytest.fixture
def cli_env(tmp_path):
    engine = corpus.engine_with_regions(tmp_path)
    env = {"PETA_DB_URL": f"sqlite:///{tmp_path / 'corpus.sqlite'}", "PATH": "/usr/bin:/bin"}
    return engine, env


def test_fit_tie_stops_the_command_line_before_writing(tmp_path, cli_env):
    engine, env = cli_env
    before = import_households(engine, corpus.csv_case(lambda f: None)(tmp_path), "2026-09")
    store.save_value_profile(engine, "kantor", OFFICE["kantor"])
    path = _tie_file(tmp_path)
    out = _cli(env, str(path), "--period", "2026-09", "--json", "--replace")
    assert out.returncode == 1, out.stdout  # FAILED (was 2 before the codes were unified)
    assert "air_seri.csv" in out.stderr and "AIR_MINUM" in out.stderr
    assert "--kode sumber_air_minum=" in out.stderr and "pbdt2015" in out.stderr
    assert "kantor" in out.stderr and "1 (4 baris)" in out.stderr
    kept = store.snapshot_for(engine, "2026-09")
    assert kept["id"] == before.snapshot_id and kept["source_file"] == "register.csv"
    # the user's choice decides
    out = _cli(env, str(path), "--period", "2026-09", "--json", "--replace", "--kode",
               "sumber_air_minum=kantor")
    assert out.returncode == 0, out.stderr
    snap = store.snapshot_for(engine, "2026-09")
    water = store.load_households(engine, snap["id"], ["sumber_air_minum"])
    assert set(water["sumber_air_minum"]) == {"lainnya"}


def test_fit_tie_in_the_library_raises_and_the_plan_shows_it(tmp_path):
    engine = corpus.engine_with_regions(tmp_path)
    store.save_value_profile(engine, "kantor", OFFICE["kantor"])
    path = _tie_file(tmp_path)
    plan = plan_import(path, profiles=store.value_profiles(engine))
    assert [c.column for c in plan.undecided] == ["sumber_air_minum"]
    assert plan.undecided[0].candidates[:2] == ["pbdt2015", "kantor"]
    with pytest.raises(ImportFailed, match="--kode"):
        import_households(engine, path, "2026-10")
    assert store.snapshot_for(engine, "2026-10") is None
    result = import_households(engine, path, "2026-10",
                               code_list={"sumber_air_minum": "pbdt2015"})
    assert result.report["code_lists"]["sumber_air_minum"] == "pbdt2015"


def test_value_option_profile_and_unmapped_in_json(tmp_path, cli_env):
    engine, env = cli_env
    path = corpus.pbdt_codes(tmp_path)  # water code 99 on two rows is in no list
    out = _cli(env, str(path), "--period", "2026-09", "--json")
    assert out.returncode == 3, out.stderr  # WARNINGS: values left unmapped (was 0)
    assert json.loads(out.stdout)["unmapped"] == {"sumber_air_minum": {"99": 2}}

    out = _cli(env, str(path), "--period", "2026-09", "--json", "--replace",
               "--value", "sumber_air_minum:99=lainnya", "--value", "jenis_lantai:9=semen_bata",
               "--save-profile", "dinsos")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["unmapped"] == {} and data["accepted"] == corpus.ROWS
    snap = store.snapshot_for(engine, "2026-09")
    stored = store.load_households(engine, snap["id"]).sort_values("row_number")
    assert stored["sumber_air_minum"].iat[12] == "lainnya"
    assert stored["jenis_lantai"].iat[0] == "semen_bata"  # the entry wins over the list
    assert store.load_value_profile(engine, "dinsos") == {
        "jenis_lantai": {"9": "semen_bata"}, "sumber_air_minum": {"99": "lainnya"}}

    # next month's file with the saved profile
    out = _cli(env, str(path), "--period", "2026-10", "--json", "--profile", "dinsos")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["unmapped"] == {}
    snap = store.snapshot_for(engine, "2026-10")
    stored = store.load_households(engine, snap["id"]).sort_values("row_number")
    assert stored["jenis_lantai"].iat[0] == "semen_bata"
    assert json.loads(snap["report"])["value_entries"]["sumber_air_minum"] == {"99": "lainnya"}


@pytest.mark.parametrize("args, message", [
    (["--value", "sumber_air_minum=lainnya"], "KOLOM:nilai=kode"),
    (["--value", "alamat:x=y"], "bukan kolom berkode"),
    (["--value", "sumber_air_minum:99=sumur"], "tidak dikenal"),
    (["--profile", "tidak_ada"], "Profil 'tidak_ada' tidak ada. Profil tersimpan: (belum ada)"),
    (["--kode", "sumber_air_minum=entah"], "Daftar kode 'entah' tidak dikenal"),
])
def test_command_line_bad_value_options(tmp_path, cli_env, args, message):
    _engine, env = cli_env
    out = _cli(env, str(corpus.pbdt_codes(tmp_path)), "--period", "2026-09", *args)
    assert out.returncode == 1  # FAILED (was 2 before the codes were unified)
    assert message in out.stderr


def test_command_line_summary_counts_unmapped_rows(tmp_path, cli_env):
    _engine, env = cli_env
    out = _cli(env, str(corpus.pbdt_codes(tmp_path)), "--period", "2026-09")
    assert out.returncode == 3, out.stderr  # WARNINGS: values left unmapped (was 0)
    assert "nilai tak terpetakan di sumber_air_minum (2 baris, dibiarkan kosong): 99 (2 baris)" \
        in out.stdout
    assert "--value sumber_air_minum:NILAI=lainnya" in out.stdout


# ---------------------------------------------------------------- profiles in the store

def test_profiles_saved_listed_replaced_and_checked(engine):
    store.save_value_profile(engine, "a", {"jenis_kloset": {"Cubluk!": "cemplung"}})
    store.save_value_profile(engine, "b", {"penerima_pkh": {"5": 1}})
    store.save_value_profile(engine, "a", {"jenis_kloset": {"x": "leher_angsa"}})
    assert list(store.value_profiles(engine)) == ["a", "b"]  # most recently saved first
    assert store.load_value_profile(engine, "a") == {"jenis_kloset": {"x": "leher_angsa"}}
    with pytest.raises(ValueError, match="bukan pbdt2015"):
        store.save_value_profile(engine, "pbdt2015", {"jenis_kloset": {"x": "cemplung"}})
    with pytest.raises(ValueError, match="tidak dikenal"):
        store.save_value_profile(engine, "c", {"jenis_kloset": {"x": "kloset_emas"}})


def test_profiles_table_added_to_an_old_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'lama.sqlite'}"
    engine = store.get_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE value_profiles"))
    engine.dispose()
    store._ENGINES.pop(url)
    engine = store.get_engine(url)
    assert "value_profiles" in inspect(engine).get_table_names()
    store.save_value_profile(engine, "p", {"fasilitas_bab": {"5": "umum"}})
    assert store.value_profiles(engine) == {"p": {"fasilitas_bab": {"5": "umum"}}}
