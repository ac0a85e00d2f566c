"""Evidence per proposal equals the register's table (``python -m geo indicators``); cost per
household in need = cost / min(reach, households in need); unknown is "tidak ada data" and
is not scored; ``gaps`` lists exactly the top-N kelurahan per OPD indicator without a proposal
of that OPD."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout

import pandas as pd
import pytest

from geo import store
from geo.cli import main
from geo.proposals import kamus
from geo.proposals.evidence import EVIDENCE, NO_DATA, NO_INDICATOR, Weights, ranking
from geo.proposals.importer import import_proposals, load_proposals
from tests.proposal_fixtures import proposal_city, write_csv


def cli(*argv: str) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(list(argv)) == 0
    return out.getvalue()


@pytest.fixture
def city(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'usulan.sqlite'}"
    monkeypatch.setenv("PETA_DB_URL", url)
    engine = store.get_engine(url)
    kel = proposal_city(engine)
    rows = []
    activities = ["Bedah rumah (rehab RTLH)", "Jamban sehat komunal",
                  "Sambungan air minum (SR PDAM)", "Pelatihan kerja berbasis kompetensi",
                  "Lampu penerangan jalan umum", "Tangki septik individual"]
    for i, code in enumerate(kel["kode"]):
        rows.append({"No. Usulan": f"U-{i:02d}", "kode_kelurahan": code,
                     "giat_teks": activities[i % len(activities)], "vol": str(2 + i),
                     "pagu": f"Rp {(i + 1) * 7_000_000:,}".replace(",", ".")})
    # the kelurahan whose sanitation is unknown gets a sanitation proposal
    rows.append({"No. Usulan": "U-SAN", "kode_kelurahan": kel["kode"][0],
                 "giat_teks": "Tangki septik individual", "vol": "5", "pagu": "Rp 30.000.000"})
    import_proposals(engine, write_csv(tmp_path / "usulan.csv", rows))
    return engine, kel


def test_each_proposals_evidence_equals_the_indicator_table(city):
    engine, _ = city
    table = pd.DataFrame(json.loads(cli("indicators", "--format", "json"))).set_index("kode")
    ranked = pd.DataFrame(json.loads(cli("proposals", "rank", "--format", "json",
                                         "--all-columns")))
    entries = {e.kegiatan: e for e in kamus.load(engine)}
    checked = 0
    for row in ranked.to_dict(orient="records"):
        if row["bukti"] != EVIDENCE:
            continue
        kel = table.loc[row["kode"]]
        ind = row["indikator"]
        assert row["rumah_tangga_perlu"] == kel[ind]
        assert row["nilai_indikator"] == pytest.approx(kel[f"{ind}_persen"])
        assert row["diketahui"] == pytest.approx(kel[f"{ind}_diketahui"])
        rates = table[f"{ind}_persen"].where(table[ind].notna()).dropna()
        assert row["peringkat_kelurahan"] == 1 + int((rates > kel[f"{ind}_persen"]).sum())
        assert row["kelurahan_diperingkat"] == len(rates)
        reach = row["volume"] * entries[row["kegiatan"]].rt_per_satuan
        assert row["jangkauan_rumah_tangga"] == pytest.approx(reach)
        answered = min(reach, kel[ind])
        expected = row["anggaran"] / answered if answered > 0 else None
        assert row["biaya_per_rumah_tangga"] == pytest.approx(expected)
        checked += 1
    assert checked >= 8


def test_unknown_need_is_no_data_and_not_scored_as_zero(city):
    engine, kel = city
    ranked = ranking(engine).set_index("id")
    unknown = ranked.loc["U-SAN"]
    assert unknown["bukti"] == NO_DATA and unknown["indikator"] == "sanitasi_tidak_layak"
    assert pd.isna(unknown["skor"]) and pd.isna(unknown["rumah_tangga_perlu"])
    assert pd.isna(unknown["nilai_indikator"]) and pd.isna(unknown["peringkat_kelurahan"])
    lights = ranked[ranked["kegiatan"] == "Lampu penerangan jalan umum"]
    assert (lights["bukti"] == NO_INDICATOR).all() and lights["skor"].isna().all()
    # in CSV the unknown cells are empty, not 0
    csv = pd.read_csv(io.StringIO(cli("proposals", "rank")), keep_default_na=False)
    row = csv.set_index("id").loc["U-SAN"]
    assert row["skor"] == "" and row["rumah_tangga_perlu"] == "" and row["indikator"] != ""
    # the unknown kelurahan is ranked nowhere for sanitation
    assert all(r != kel["kode"][0] or i != "sanitasi_tidak_layak" for r, i in zip(
        ranked["kode"], ranked["indikator"].where(ranked["bukti"] == EVIDENCE)))


def test_score_parts_and_weights(city):
    engine, _ = city
    ranked = ranking(engine, weights=Weights(kebutuhan=0, jangkauan=0, biaya=0, peringkat=1))
    scored = ranked[ranked["skor"].notna()]
    assert (scored["skor"] == (100 * scored["bagian_peringkat"]).round(1)).all()
    for _, group in scored.groupby("opd"):  # ranked within the OPD, best first
        assert group["skor"].is_monotonic_decreasing
        assert group["peringkat_opd"].iloc[0] == 1
    perkim = ranking(engine, opd="perkim/pupr")
    assert set(perkim["opd"]) == {"Perkim/PUPR"}


@pytest.mark.parametrize("top", [2, 4])
def test_gaps_are_exactly_the_top_n_per_opd_indicator_without_a_proposal(city, top):
    engine, _ = city
    table = pd.DataFrame(json.loads(cli("indicators", "--format", "json")))
    props = pd.read_sql_table("usulan", engine)
    gaps = pd.read_csv(io.StringIO(cli("proposals", "gaps", "--top", str(top))),
                       dtype={"kode": str})
    expected = set()
    for opd, ids in kamus.opd_indicators(kamus.load(engine)).items():
        with_proposal = set(props.loc[(props["opd"] == opd) & (props["status"] != "ditolak"),
                                      "region_code"])
        for ind in ids:
            known = table[table[ind].notna()]
            rank = known[f"{ind}_persen"].rank(method="min", ascending=False)
            for code in known.loc[(rank <= top) & (known[ind] > 0), "kode"]:  # 0: no need
                if code not in with_proposal:
                    expected.add((opd, code, ind))
    got = set(zip(gaps["opd"], gaps["kode"], gaps["indikator"]))
    assert got == expected and len(gaps) == len(expected) and expected


def test_in_a_province_a_kelurahan_is_ranked_in_its_own_kabupaten_or_kota(tmp_path):
    """A Musrenbang is one kabupaten/kota's: a desa of the kabupaten is ranked among its
    desa, not against the kota's kelurahan too; the forum map's tooltip says where."""
    from geo.codes import parent_code
    from geo.proposals.demo import load_demo_proposals
    from geo.proposals.evidence import evidence
    from geo.proposals.forum_map import forum_map
    from tests.map_fixtures import write_province

    engine = store.get_engine(write_province(tmp_path))
    load_demo_proposals(engine, tmp_path)
    ev, table = evidence(engine)
    table = table.set_index("kode")
    kota_of = {parent_code(k, "kota") for k in ev["kode"]}
    assert kota_of == {"99.01", "99.71"}  # proposals in both
    checked = 0
    for row in ev[ev["bukti"] == EVIDENCE].to_dict(orient="records"):
        ind, kota = row["indikator"], parent_code(row["kode"], "kota")
        same = table[[parent_code(k, "kota") == kota for k in table.index]]
        rates = same[f"{ind}_persen"].where(same[ind].notna()).dropna()
        value = table.at[row["kode"], f"{ind}_persen"]
        assert row["peringkat_kelurahan"] == 1 + int((rates > value).sum()), row
        assert row["kelurahan_diperingkat"] == len(rates) <= 12
        checked += 1
    assert checked >= 8
    areas = store.load_regions(engine, "kelurahan")
    html = forum_map(areas, table.reset_index(), "miskin", ev).get_root().render()
    assert "Peringkat di kabupaten/kota" in html and "Peringkat di kota" not in html
    linked = ev.dropna(subset=["kode"])  # each one named in its kelurahan's circle tooltip
    assert all(f"{i} {k}" in html for i, k in zip(linked["id"], linked["kegiatan"]))


def test_the_forum_map_neither_ranks_nor_outlines_a_hidden_rate(city):
    from geo.proposals.evidence import evidence
    from geo.proposals.forum_map import need_tooltip

    engine, _ = city
    ev, table = evidence(engine)
    areas = store.load_regions(engine, "kelurahan")
    for ind_id in ("miskin_ekstrem", "tanpa_listrik_pln", "rtlh"):
        tooltip, rate, outlined = need_tooltip(areas, table, ind_id, ev, top=50, hide=True)
        hidden = tooltip.iloc[:, 1] == "–"
        if hidden.any():
            break
    assert hidden.any(), "the fixture has a hidden rate"
    assert (tooltip.loc[hidden, "Peringkat di kota"] == "–").all()
    assert rate[hidden].isna().all() and not outlined & set(tooltip.index[hidden])
    # the shown ranks are counted among the shown rates: no gap tells where a hidden one is
    ranks = sorted(int(r) for r in tooltip.loc[~hidden, "Peringkat di kota"]
                   if r.isdigit())
    expected = pd.Series(rate[~hidden].dropna().to_numpy()).rank(
        method="min", ascending=False).astype(int).sort_values().tolist()
    assert ranks == expected
    shown, _, _ = need_tooltip(areas, table, ind_id, ev, top=50, hide=False)
    assert (shown.loc[hidden, "Peringkat di kota"] != "–").any()


def test_a_forums_proposal_ranks_and_gaps_count_only_the_rates_it_sees(city):
    """The rank of a proposal's kelurahan, "of N", the top-N flag and the unanswered need a
    forum reads are counted over the rates its map shows: counted over a hidden rate, a rank
    would place that rate between two shown ones."""
    from geo.proposals.evidence import evidence, forum_secret, score
    from geo.proposals.gaps import unanswered

    engine, _ = city
    ev, table = evidence(engine)
    forum = score(ev, hide=True)
    planner = score(ev)
    checked = 0
    for ind_id in forum["indikator"].dropna().unique():
        secret = forum_secret(table, ind_id)
        if not secret.any():
            continue
        shown = table[~secret.reindex(table["kode"]).to_numpy()]
        rate = shown.set_index("kode")[f"{ind_id}_persen"].where(
            shown.set_index("kode")[ind_id].notna()).dropna()
        rank = rate.rank(method="min", ascending=False)
        mine = forum[(forum["indikator"] == ind_id) & forum["kode"].isin(rank.index)]
        assert (mine["peringkat_kelurahan"].to_numpy() == rank.reindex(mine["kode"])
                .to_numpy()).all(), ind_id
        assert (mine["kelurahan_diperingkat"] == len(rank)).all()
        checked += len(mine)
    assert checked
    assert "peringkat_kelurahan_forum" not in planner.columns
    gaps = unanswered(table, load_proposals(engine), kamus.opd_indicators(kamus.load(engine)),
                      hide=True)
    assert not gaps["nilai_tersembunyi"].any() and not gaps["perlu_tersembunyi"].any()


def test_a_small_needs_proposal_is_not_scored_or_ranked_for_the_forum(city):
    """Its score, parts, ranks, rate and cost are each worked out from the hidden count (the
    need part is need ÷ the largest need beside it): a forum sees none, and it comes last in
    its OPD; the planner sees all of it."""
    from geo.proposals.minutes import gap_table, ranking_table

    engine, _ = city
    ranked = ranking(engine)
    ranked = ranked[ranked["bukti"] == EVIDENCE].reset_index(drop=True)
    opd = ranked["opd"].iat[0]
    first = ranked.index[ranked["opd"] == opd][0]
    ranked.loc[first, "rumah_tangga_perlu"] = 3  # the OPD's best proposal, made small
    forum = ranking_table(ranked, hide=True)
    mine = forum[forum["OPD"] == opd]
    hidden = mine[mine["ID"] == ranked.at[first, "id"]].iloc[0]
    derived = ["Peringkat OPD", "Skor", "Nilai indikator", "Peringkat kelurahan", "Top N",
               "Biaya per rumah tangga perlu", *[c for c in forum if c.startswith("Bagian")]]
    assert (hidden[derived] == "–").all() and hidden["Rumah tangga perlu"] == "< 5"
    assert mine["ID"].iat[-1] == hidden["ID"]  # last in its OPD, unranked
    shown_ranks = [int(r.replace(".", "")) for r in mine["Peringkat OPD"] if r != "–"]
    assert shown_ranks and shown_ranks[0] == 1  # no gap where the hidden one ranked first
    assert list(forum["OPD"]) == list(ranked["opd"])  # the OPDs keep their order
    planner = ranking_table(ranked, hide=False)
    assert planner["ID"].iat[0] == hidden["ID"] and planner["Skor"].iat[0] != "–"
    gap = pd.DataFrame({"opd": [opd], "kelurahan": ["X"], "indikator": ["miskin"],
                        "nilai_indikator": [12.5], "peringkat_kelurahan": [1],
                        "rumah_tangga_perlu": [3]})
    row = gap_table(gap, hide=True).iloc[0]
    assert row["Nilai indikator"] == row["Peringkat kelurahan"] == "–"


def test_a_forums_shown_scores_carry_nothing_of_a_hidden_need(city):
    """Every proposal's cost part is the cheapest cost per household ÷ its own, and a cost per
    household is the budget ÷ the need: were the cheapest a hidden small need's, every shown
    cost part would give that need back. For a forum the largest need and the cheapest cost are
    taken over shown needs only, so its shown parts and scores are exactly those of the
    proposals without the hidden one."""
    from geo.proposals.evidence import evidence, score

    engine, _ = city
    ev, _ = evidence(engine)
    ev = ev[ev["bukti"] == EVIDENCE].reset_index(drop=True)
    i = int(ev["biaya_per_rumah_tangga"].idxmax())
    ev.loc[i, "rumah_tangga_perlu"] = 3  # a small need, and the cheapest per household
    ev.loc[i, "biaya_per_rumah_tangga"] = ev["biaya_per_rumah_tangga"].min() / 10
    columns = ["skor", *[c for c in score(ev) if c.startswith("bagian_")]]
    forum = score(ev, hide=True).set_index("id")
    without = score(ev.drop(index=i), hide=True).set_index("id")
    pd.testing.assert_frame_equal(forum.loc[without.index, columns], without[columns])
    planner = score(ev).set_index("id")  # the planner's: over every proposal
    assert planner.at[ev.at[i, "id"], "bagian_biaya"] == 1.0
    assert (planner.loc[without.index, "bagian_biaya"]
            < forum.loc[without.index, "bagian_biaya"]).all()


def test_a_need_the_forums_map_hides_to_protect_another_is_hidden_in_usulan(city):
    """A kelurahan count the forum's map shows as "–" (hidden so that a total cannot give a
    small one back) is hidden in Usulan too: the need, and everything worked out from it."""
    from geo.forum import need_hidden
    from geo.proposals.evidence import evidence, score
    from geo.proposals.minutes import ranking_table

    engine, _ = city
    ev, table = evidence(engine)
    ev = ev[ev["bukti"] == EVIDENCE].reset_index(drop=True)
    for ind_id in ev["indikator"].unique():
        rows = ev[ev["indikator"] == ind_id]
        assert rows["perlu_tersembunyi"].tolist() == need_hidden(table, ind_id).reindex(
            rows["kode"]).tolist()
    ranked = score(ev, hide=True)
    first = int(ranked.index[ranked["rumah_tangga_perlu"] >= 5][0])
    ranked.loc[first, "perlu_tersembunyi"] = True  # as the map would for a partner cell
    forum = ranking_table(ranked, hide=True).set_index("ID")
    row = forum.loc[ranked.at[first, "id"]]
    assert row["Rumah tangga perlu"] == "–" and row["Skor"] == "–"
    assert row["Nilai indikator"] == row["Biaya per rumah tangga perlu"] == "–"


def test_a_rate_whose_denominator_the_forums_map_hides_is_hidden_in_usulan():
    """Where the forum's map hides a kelurahan's denominator ("–", protecting a small one in
    its kecamatan) but shows its count, Usulan shows the need and hides the rate, its rank,
    the score and the tooltip's rate (count ÷ rate would give the denominator back)."""
    import numpy as np

    from geo.forum import denominator_hidden, need_hidden
    from geo.proposals.evidence import rate_hidden_of
    from geo.proposals.forum_map import need_tooltip
    from geo.proposals.minutes import gap_table, ranking_table

    codes = [f"99.71.01.100{i}" for i in range(1, 5)]
    ind = "rtlh"
    count, den = [2, 10, 50, 60], [3, 100, 40, 200]  # C (1003): count shown, denominator "–"
    table = pd.DataFrame({"kode": codes, "nama": list("ABCD"), "rumah_tangga": [300] * 4,
                          ind: count, f"{ind}_penyebut": den,
                          f"{ind}_persen": [100 * c / d for c, d in zip(count, den)]})
    assert need_hidden(table, ind).tolist() == [True, True, False, False]
    assert denominator_hidden(table, ind).tolist() == [True, False, True, False]
    rows = pd.DataFrame({"kode": codes, "indikator": ind})
    assert rate_hidden_of(table, rows).tolist() == [True, True, True, False]

    gap = pd.DataFrame({"opd": "Perkim", "kode": codes, "kelurahan": list("ABCD"),
                        "indikator": ind, "nilai_indikator": table[f"{ind}_persen"],
                        "peringkat_kelurahan": [4, 3, 2, 1], "rumah_tangga_perlu": count,
                        "perlu_tersembunyi": need_hidden(table, ind).to_numpy(),
                        "nilai_tersembunyi": rate_hidden_of(table, rows)})
    shown = gap_table(gap, hide=True)
    assert shown["Rumah tangga perlu"].tolist() == ["< 5", "–", "50", "60"]
    assert shown["Nilai indikator"].tolist() == ["–", "–", "–", "30,0%"]
    assert shown["Peringkat kelurahan"].tolist() == ["–", "–", "–", "1"]

    ranked = pd.DataFrame({
        "id": list("wxyz"), "opd": "Perkim", "kelurahan": list("ABCD"), "kegiatan": "Bedah",
        "sumber": "ASMAS", "volume": 1.0, "satuan": "unit", "anggaran": 1e6, "indikator": ind,
        "bukti": EVIDENCE, "nilai_indikator": gap["nilai_indikator"],
        "peringkat_kelurahan": [4, 3, 2, 1], "kelurahan_diperingkat": 4,
        "rumah_tangga_perlu": count, "jangkauan_rumah_tangga": 1.0,
        "biaya_per_rumah_tangga": 1e4, "top_n": True, "diketahui": 1.0,
        **{f"bagian_{p}": 0.5 for p in Weights().parts()}, "skor": [10.0, 20.0, 30.0, 40.0],
        "peringkat_opd": [4, 3, 2, 1], "status": "diusulkan", "alasan": "",
        "perlu_tersembunyi": gap["perlu_tersembunyi"],
        "nilai_tersembunyi": gap["nilai_tersembunyi"]})
    forum = ranking_table(ranked, hide=True).set_index("ID")
    assert forum.at["y", "Rumah tangga perlu"] == "50"
    assert forum.at["y", "Nilai indikator"] == forum.at["y", "Skor"] == "–"
    assert forum.at["y", "Peringkat kelurahan"] == "–"
    assert forum.at["z", "Nilai indikator"] == "30,0%"

    import geopandas as gpd
    from shapely.geometry import box

    areas = gpd.GeoDataFrame({"kode": codes}, geometry=[box(i, 0, i + 1, 1) for i in range(4)],
                             crs=4326)
    tooltip, coloured, _ = need_tooltip(areas, table, ind, ranked.assign(kode=codes), hide=True)
    label = next(c for c in tooltip.columns if c not in ("Kelurahan", "Rumah tangga perlu",
                                                         "Usulan") and "Peringkat" not in c)
    assert tooltip.loc["99.71.01.1003", label] == "–"
    assert tooltip.loc["99.71.01.1003", "Rumah tangga perlu"] == "50"
    assert np.isnan(coloured["99.71.01.1003"]) and not np.isnan(coloured["99.71.01.1004"])


def test_a_kelurahan_with_no_household_in_need_has_no_unanswered_need():
    """Four kelurahan have no household without a toilet: their 0% ties into the top 10,
    but there is nothing for a proposal to answer there."""
    from geo.proposals.gaps import unanswered

    table = pd.DataFrame({"kode": [f"99.71.01.{1001 + i}" for i in range(6)],
                          "nama": list("ABCDEF"),
                          "tanpa_jamban": [12, 5, 0, 0, 0, 0],
                          "tanpa_jamban_persen": [6.0, 2.5, 0.0, 0.0, 0.0, 0.0]})
    proposals = pd.DataFrame({"opd": pd.Series(dtype=str), "region_code": pd.Series(dtype=str),
                              "status": pd.Series(dtype=str)})
    gaps = unanswered(table, proposals, {"Dinkes": ("tanpa_jamban",)}, top=10)
    assert list(gaps["kelurahan"]) == ["A", "B"]


def test_a_proposal_where_no_household_is_in_need_is_not_in_the_top_n():
    """Its kelurahan's 0% ranks high where few have any need; the "Top N" flag and the map's
    outline say where the need is, so neither counts it."""
    from geo.proposals.evidence import has_need
    from geo.proposals.forum_map import need_tooltip

    assert not has_need("tanpa_jamban", 0) and has_need("tanpa_jamban", 3)
    assert has_need("cakupan_pkh", 0)  # a coverage of 0 is a gap, not an absence of need
    table = pd.DataFrame({"kode": [f"99.71.01.{1001 + i}" for i in range(3)],
                          "nama": list("ABC"), "rumah_tangga": [300, 300, 300],
                          "tanpa_jamban": [12, 0, 0],
                          "tanpa_jamban_persen": [4.0, 0.0, 0.0]})
    areas = pd.DataFrame({"kode": table["kode"], "nama": table["nama"]})
    ev = pd.DataFrame({"kode": pd.Series(dtype=str), "id": pd.Series(dtype=str),
                       "kegiatan": pd.Series(dtype=str)})
    counts = pd.DataFrame({"usulan": [0, 0, 0]}, index=table["kode"])
    _, _, outlined = need_tooltip(areas, table, "tanpa_jamban", ev, top=10, hide=False,
                                  counts=counts)
    assert outlined == {"99.71.01.1001"}


def test_a_share_known_that_would_give_a_hidden_count_back_is_hidden_in_usulan(city):
    """The share known is denominator ÷ population: where the forum's map hides either, the
    forum's minutes show no share ("–"); elsewhere, and for a planner, they show it."""
    from geo.forum import known_share_hidden
    from geo.proposals.evidence import evidence, score
    from geo.proposals.minutes import ranking_table

    engine, _ = city
    ev, table = evidence(engine)
    assert "miskin_semesta_disembunyikan" in table  # the population's forum flag
    for ind_id in ev["indikator"].dropna().unique():
        rows = ev[ev["indikator"] == ind_id]
        assert rows["diketahui_tersembunyi"].tolist() == known_share_hidden(
            table, ind_id).reindex(rows["kode"]).fillna(False).tolist()
    ranked = score(ev[ev["bukti"] == EVIDENCE].reset_index(drop=True), hide=True)
    first = int(ranked.index[~ranked["diketahui_tersembunyi"]][0])
    ranked.loc[first, "diketahui_tersembunyi"] = True  # as the map would for a partner cell
    forum = ranking_table(ranked, hide=True).set_index("ID")
    planner = ranking_table(ranked, hide=False).set_index("ID")
    key = ranked.at[first, "id"]
    assert forum.at[key, "Diketahui"] == "–" and planner.at[key, "Diketahui"].endswith("%")
    shown = ranked.loc[~ranked["diketahui_tersembunyi"], "id"]
    assert all(forum.loc[shown, "Diketahui"].str.endswith("%"))
