"""The broken-file corpus (tests/corpus.py): every file gets its message and its counts, and
no row vanishes."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from geo import register_files, store
from geo.households import ImportFailed, import_households
from tests import corpus

CASES = corpus.cases()


def test_corpus_is_big_enough():
    assert len(CASES) >= 25
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_file(case, tmp_path, monkeypatch):
    engine = corpus.engine_with_regions(tmp_path)
    path = case.build(tmp_path)
    kwargs = dict(case.kwargs)
    if "_max_bytes" in kwargs:
        monkeypatch.setattr(register_files, "MAX_FILE_BYTES", kwargs.pop("_max_bytes"))
    if case.fails:
        with pytest.raises(ImportFailed, match=case.fails):
            import_households(engine, path, "2026-09", **kwargs)
        assert store.list_snapshots(engine).empty  # nothing written
        return
    result = import_households(engine, path, "2026-09", **kwargs)
    c = result.counts
    assert c["accepted"] + c["quarantined"] == c["rows_read"]
    assert (c["linked_by_code"] + c["linked_by_name"] + c["linked_by_point"] + c["unlinked"]
            == c["accepted"])
    for key, value in case.counts.items():
        assert c[key] == value, (key, c)
    quarantine = store.load_quarantine(engine, result.snapshot_id)
    assert len(quarantine) == c["quarantined"]
    if case.reason:
        ok = quarantine["reasons"].str.contains(case.reason.replace("(", "(?:"))
        assert ok.all(), quarantine["reasons"].tolist()
    if case.rows:
        assert sorted(quarantine["row_number"]) == sorted(case.rows)
    for values in quarantine["values_json"]:
        assert json.loads(values)  # the original values are kept
    stored = store.load_households(engine, result.snapshot_id)
    if case.note:
        assert stored["link_note"].fillna("").str.contains(case.note).any()
    linked = stored[stored["link_method"].notna()]
    truth = corpus.clean()["_kode_benar"]
    # rows whose original position is known (no title/blank lines) link to the true kelurahan
    if case.name not in ("baris_judul_di_atas_kepala", "baris_kosong",
                         "xlsx_judul_dan_kepala_gabung", "xlsx_kepala_gabung_tiga_baris",
                         "xlsx_dua_lembar_register"):
        pos = linked["row_number"] - 2
        ok = pos < len(truth)
        assert (linked.loc[ok, "region_code"].to_numpy()
                == truth.iloc[pos[ok]].to_numpy()).all()


def test_pbdt_codes_mapped_and_unmapped_reported(tmp_path):
    engine = corpus.engine_with_regions(tmp_path)
    result = import_households(engine, corpus.pbdt_codes(tmp_path), "2026-09")
    stored = store.load_households(engine, result.snapshot_id).sort_values("row_number")
    assert stored["sumber_air_minum"].iloc[:12].tolist() == [
        "air_kemasan", "isi_ulang", "ledeng", "ledeng", "sumur_bor_pompa", "sumur_terlindung",
        "sumur_tak_terlindung", "mata_air_terlindung", "mata_air_tak_terlindung",
        "air_permukaan", "air_hujan", "lainnya"]
    assert pd.isna(stored["sumber_air_minum"].iat[12])
    assert result.report["unmapped_values"]["sumber_air_minum"] == {"99": 2}
    assert stored["sumber_penerangan"].iloc[:4].tolist() == [
        "listrik_pln_meteran", "listrik_non_pln", "bukan_listrik", "listrik_pln_meteran"]
    assert stored["sumber_penerangan"].iat[5] == "listrik_non_pln"
    assert stored["penerima_pkh"].iloc[:4].tolist() == [1, 0, 1, 0]  # 1 = ya, 2 = tidak
    assert result.report["flag_schemes"]["penerima_pkh"] == "1=ya, 2=tidak"
    assert stored["jenis_lantai"].iat[0] == "tanah"
    assert result.report["code_list"] == "pbdt2015"
