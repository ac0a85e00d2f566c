"""Per-kelurahan referral measures on a generated log whose truth is known: counts, open
referrals, median days open, referrals from outside the register, and exclusion-error
households (the registry's rule) with and without a referral."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo import indicators, keyed_ids, store
from geo.referrals import log as referral_log
from geo.referrals import measures
from tests.referral_fixtures import OPEN, generated_log, write


@pytest.fixture
def joined(engine, tmp_path):
    truth = generated_log(engine)
    result = referral_log.import_referrals(engine, write(truth.log, tmp_path))
    assert result.counts["quarantined"] == 0
    return truth, measures.load_joined(engine)


def expected(truth, keep: np.ndarray | None = None,
             settings: indicators.Settings = indicators.DEFAULT_SETTINGS) -> pd.DataFrame:
    """The measures counted the slow, obvious way from the truth; ``keep``: only these
    register households and their referrals (a household filter)."""
    hh = truth.households
    excluded = indicators.is_excluded(hh, settings).yes
    kept = np.ones(len(hh), dtype=bool) if keep is None else keep
    counted = (truth.hh >= 0) & kept[np.clip(truth.hh, 0, None)] if keep is not None \
        else np.ones(len(truth.hh), dtype=bool)
    referred = set(truth.hh[(truth.hh >= 0) & counted].tolist())
    rows = []
    for code in sorted(truth.names):
        mine = (truth.kelurahan == code) & counted
        is_open = mine & np.isin(truth.status, OPEN)
        days = [(truth.as_of - d).days for d in truth.day[is_open]]
        in_kel = np.flatnonzero((hh["region_code"] == code).to_numpy() & kept)
        ex = [i for i in in_kel if excluded[i]]
        n_hh = len(in_kel)
        rows.append({
            "kode": code, "rumah_tangga": n_hh, "rujukan": int(mine.sum()),
            "rujukan_per_1000": round(1000 * mine.sum() / n_hh, 2) if n_hh else np.nan,
            "terbuka": int(is_open.sum()),
            "median_hari_terbuka": float(np.median(days)) if days else np.nan,
            "dari_luar_register": int((mine & (truth.hh < 0)).sum()),
            "eksklusi": len(ex), "eksklusi_dirujuk": sum(1 for i in ex if i in referred),
            "eksklusi_tanpa_rujukan": sum(1 for i in ex if i not in referred),
        })
    return pd.DataFrame(rows)


def test_per_kelurahan_measures_equal_the_known_truth(engine, joined):
    truth, j = joined
    table = measures.area_table(j, store.region_list(engine))
    want = expected(truth)
    got = table.set_index("kode").loc[want["kode"]].reset_index()
    for column in ("rumah_tangga", "rujukan", "terbuka", "dari_luar_register", "eksklusi",
                   "eksklusi_dirujuk", "eksklusi_tanpa_rujukan"):
        assert got[column].astype(int).tolist() == want[column].tolist(), column
    for column in ("rujukan_per_1000", "median_hari_terbuka"):
        np.testing.assert_allclose(got[column].astype(float), want[column].astype(float),
                                   err_msg=column)
    assert want["dari_luar_register"].sum() == 40
    assert want["eksklusi_dirujuk"].sum() > 0 and want["eksklusi_tanpa_rujukan"].sum() > 0
    assert j.as_of == truth.as_of


def test_a_household_filter_counts_only_its_households_and_their_referrals(engine, joined):
    """The sidebar's desil filter on the Rujukan page: households, referrals and exclusion
    errors of desil 1–4 only; referrals from outside the register cannot be placed in a desil,
    so their count is unknown, never 0."""
    truth, j = joined
    keep = (truth.households["desil"].to_numpy(dtype=float, na_value=np.nan) <= 4)
    table = measures.area_table(j.kept(keep), store.region_list(engine))
    want = expected(truth, keep)
    got = table.set_index("kode").loc[want["kode"]].reset_index()
    for column in ("rumah_tangga", "rujukan", "terbuka", "eksklusi", "eksklusi_dirujuk",
                   "eksklusi_tanpa_rujukan"):
        assert got[column].astype(int).tolist() == want[column].tolist(), column
    np.testing.assert_allclose(got["rujukan_per_1000"].astype(float),
                               want["rujukan_per_1000"].astype(float))
    assert got["rujukan"].sum() < len(truth.log) and got["rujukan"].sum() > 0
    assert got["dari_luar_register"].isna().all()
    assert j.kept(None) is j
    assert len(measures.opd_backlog(j.kept(keep))) and \
        measures.opd_backlog(j.kept(keep))["rujukan"].sum() == got["rujukan"].sum()


def test_the_definition_settings_count_the_exclusion_errors(engine, joined):
    """PBI-JKN eligible to desil 5 (the planning pages' setting) widens exclusion error on the
    Rujukan page too; the log's match to the register is reused, not made again."""
    truth, j = joined
    wider = indicators.Settings(eligible_desil=tuple(
        (p, lo, 5 if p == "penerima_pbi_jkn" else hi)
        for p, lo, hi in indicators.DEFAULT_SETTINGS.eligible_desil))
    again = measures.load_joined(engine, settings=wider, matched=j)
    np.testing.assert_array_equal(again.referrals["hh"], j.referrals["hh"])
    table = measures.area_table(again, store.region_list(engine))
    want = expected(truth, settings=wider)
    got = table.set_index("kode").loc[want["kode"]].reset_index()
    for column in ("eksklusi", "eksklusi_dirujuk", "eksklusi_tanpa_rujukan"):
        assert got[column].astype(int).tolist() == want[column].tolist(), column
    assert got["eksklusi"].sum() > measures.area_table(j, store.region_list(engine))[
        "eksklusi"].sum()


def test_kecamatan_and_kota_add_up_and_medians_are_taken_over_referrals(engine, joined):
    truth, j = joined
    kota = measures.area_table(j, store.region_list(engine), "kota").iloc[0]
    assert kota["rujukan"] == len(truth.log)
    open_ = np.isin(truth.status, OPEN)
    assert kota["terbuka"] == open_.sum()
    assert kota["median_hari_terbuka"] == np.median([(truth.as_of - d).days
                                                     for d in truth.day[open_]])
    assert kota["dari_luar_register"] == (truth.hh < 0).sum()
    kel = measures.area_table(j, store.region_list(engine))
    kec = measures.area_table(j, store.region_list(engine), "kecamatan")
    for column in ("rujukan", "terbuka", "eksklusi", "eksklusi_dirujuk"):
        assert kec[column].sum() == kel[column].sum() == kota[column]


def test_unknown_is_not_zero(engine, joined):
    truth, j = joined
    refs = j.referrals
    # a kelurahan with no open referral has no median days open (not 0)
    table = measures.area_table(j.__class__(refs.assign(terbuka=False,
                                                         hari_terbuka=np.nan),
                                            j.prepared, j.referred, j.as_of, j.period, None),
                                store.region_list(engine))
    assert table["median_hari_terbuka"].isna().all()
    assert (table["terbuka"] == 0).all()
    # a register without the program columns cannot decide exclusion: no count, not 0
    hh = truth.households.drop(columns=["penerima_bpnt", "penerima_pkh", "penerima_pbi_jkn"])
    blind = measures.join(measures.load_referrals(engine), hh, keyed_ids.secret(engine), j.as_of,
                          j.period)
    table = measures.area_table(blind, store.region_list(engine))
    assert table["eksklusi"].isna().all() and table["eksklusi_tanpa_rujukan"].isna().all()
    assert table["rujukan"].sum() == len(truth.log)


def test_backlog_per_opd_and_follow_up_list(engine, joined):
    truth, j = joined
    backlog = measures.opd_backlog(j).set_index("dirujuk_ke")
    for opd in ("Dinas Sosial", "Dinas Perkim"):
        mine = (truth.log["DIRUJUK_KE"] == opd).to_numpy() & np.isin(truth.status, OPEN)
        assert backlog.loc[opd, "terbuka"] == mine.sum()
        assert backlog.loc[opd, "median_hari_terbuka"] == np.median(
            [(truth.as_of - d).days for d in truth.day[mine]])
    listing = measures.follow_up(j, truth.names, opd="Dinas Perkim")
    assert len(listing) == backlog.loc["Dinas Perkim", "terbuka"]
    assert listing["Hari terbuka"].is_monotonic_decreasing
    for value in listing["NIK/No. KK/ID DTKS (disamarkan)"]:
        assert value == "" or "********" in value
    scoped = measures.follow_up(j, truth.names, kelurahan={sorted(truth.names)[0]})
    assert set(scoped["Kelurahan"]) <= {truth.names[sorted(truth.names)[0]]}


def test_referrals_per_1000_by_need_and_by_opd(engine, joined):
    truth, j = joined
    table = measures.area_table(j, store.region_list(engine))
    code = table["kode"].iat[0]
    hh = table["rumah_tangga"].iat[0]
    mine = truth.kelurahan == code
    by_opd = measures.by_need(j, table, by="dirujuk_ke").set_axis(table["kode"])
    for opd in ("Dinas Sosial", "Dinas Perkim"):
        n = (mine & (truth.log["DIRUJUK_KE"] == opd).to_numpy()).sum()
        assert by_opd.loc[code, opd] == round(1000 * n / hh, 2)
    by_need = measures.by_need(j, table).set_axis(table["kode"])
    n = (mine & (truth.log["KEBUTUHAN"] == "RTLH").to_numpy()).sum()
    assert by_need.loc[code, "rumah"] == round(1000 * n / hh, 2)


def test_the_forum_flags_of_the_exclusion_error_are_the_maps(engine, joined):
    """Rujukan shows the exclusion-error count per kelurahan beside Cakupan's map of it: a
    forum sees it hidden where the map of the same households hides it, decided from the
    counts behind both (every level together, :mod:`geo.forum`), not from the table's rows."""
    from geo import forum
    from geo.views.referral_view import AreaView

    truth, j = joined
    keep = (truth.households["desil"].to_numpy(dtype=float, na_value=np.nan) <= 2)
    table = measures.area_table(j.kept(keep), store.region_list(engine), forum=True)
    kel, _ = indicators.area_counts(j.prepared, keep, ids=("eksklusi",))
    cells = forum.hidden(forum.cells(kel, "eksklusi", indicators.DEFAULT_SETTINGS
                                     .min_known_share))
    area = AreaView(table, hide=True)
    codes = cells.index
    assert area.exclusion_hidden.reindex(codes).tolist() == cells["eksklusi"].tolist()
    rate = cells["eksklusi"] | cells["eksklusi_penyebut"]
    assert area.exclusion_rate_hidden.reindex(codes).tolist() == rate.tolist()
    assert cells["eksklusi"].any()
