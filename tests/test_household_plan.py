"""geo.household_plan: the plan made from a file's head before importing, and the preview."""

from __future__ import annotations

import json

import pytest

from geo.household_plan import (
    ImportPlan,
    merge_entries,
    plan_import,
    value_options,
    value_rows,
)
from geo.register_errors import ImportFailed
from geo.register_values import PLN_UNKNOWN_METER
from tests import corpus


def test_plan_maps_headers_masks_personal_numbers_and_lists_values(tmp_path):
    plan = plan_import(corpus.csv_case(lambda f: None)(tmp_path))
    assert isinstance(plan, ImportPlan) and plan.source == "register.csv"
    assert plan.mapping["ID_DTKS"] == "id_keluarga"
    assert plan.header_of("kode_kelurahan") == "KODE_WILAYAH"
    assert plan.missing_columns == [] and not plan.undecided
    assert len(plan.sample) == 20
    assert not plan.sample["NIK_KRT"].str.fullmatch(r"\d{16}").any()
    assert plan.sample["NIK_KRT"].str.contains(r"\*{4}").all()
    assert plan.flag_schemes["penerima_pkh"]
    rows = value_rows(plan)
    assert {"kolom", "nilai di berkas", "menjadi"} == set(rows[0])
    assert {r["kolom"] for r in rows} == set(plan.value_maps)
    assert json.loads(json.dumps(plan.to_dict()))["mapping"] == plan.mapping


def test_a_file_without_id_or_place_is_refused(tmp_path):
    def without(*columns: str):  # noqa: ANN202
        return corpus.csv_case(lambda f: [f.pop(c) for c in columns])(tmp_path)

    with pytest.raises(ImportFailed, match="kolom ID keluarga tidak ditemukan"):
        plan_import(without("ID_DTKS"))
    no_place = without("KODE_WILAYAH", "KELURAHAN", "LATITUDE")
    with pytest.raises(ImportFailed, match="tidak bisa ditautkan"):
        plan_import(no_place)


def test_an_unknown_code_list_is_refused(tmp_path):
    with pytest.raises(ImportFailed, match="tidak dikenal"):
        plan_import(corpus.csv_case(lambda f: None)(tmp_path), code_list="tidak_ada")


def test_value_options_and_merged_entries():
    options = value_options()
    assert {"1", "0", PLN_UNKNOWN_METER, "ledeng"} <= set(options)
    assert merge_entries({"a": {"1": "x"}}, {"a": {"1": "y", "2": "z"}, "b": {}}) == {
        "a": {"1": "y", "2": "z"}}
