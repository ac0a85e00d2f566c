"""geo.views.priority_view without Streamlit: the composite ranking per kelurahan or
kecamatan, the areas left unscored and the minutes' export."""

from __future__ import annotations

from geo import indicators, planning
from geo.views import priority_view as pv
from tests.view_fixtures import city, scope

WEIGHTS = {"miskin": 2.0, "rtlh": 1.0, "belum_jkn": 1.0}


def page(level: str = "kelurahan", weights: dict | None = None):  # noqa: ANN201
    c = city()
    return pv.priority_view(scope(c), weights or WEIGHTS, level, c.kecamatan, c.names)


def test_default_choice_leaves_out_what_the_register_lacks():
    available = {i.id for i in indicators.INDICATORS} - {"rtlh"}
    chosen, left_out = pv.default_choice(available)
    assert "rtlh" not in chosen and left_out == ["rtlh"]
    assert chosen == [i for i in pv.DEFAULT if i != "rtlh"]
    assert "inklusi" not in pv.CHOICES


def test_ranking_table_follows_planning_ranking():
    p = page()
    want = planning.ranking(p.table, WEIGHTS)
    shown = p.ranking_table(hide=False)
    scored = want[want["skor"].notna()].sort_values(["peringkat", "skor_sama"],
                                                    ascending=[True, False])
    assert list(shown.index) == list(scored.index)
    assert list(shown["Skor (0–100)"]) == [planning.score_text(v) for v in scored["skor"]]
    assert list(shown.columns[:6]) == ["Peringkat", "Perubahan", "Peringkat (bobot sama)",
                                       "Kelurahan", "Kecamatan", "Skor (0–100)"]
    assert [indicators.get(i).label for i in WEIGHTS] == list(shown.columns[-3:])


def test_the_kelurahan_without_households_is_listed_apart():
    c = city()
    p = page()
    assert list(p.unscored.index) == [c.empty]
    table = p.unscored_table()
    assert list(table.columns) == ["Kelurahan", "Kecamatan", "Alasan"]
    assert table["Alasan"].iat[0] == "Tidak ada rumah tangga dalam data"
    assert c.empty not in p.top(100)


def test_top_includes_ties_and_the_tooltip_covers_every_area():
    p = page()
    top = p.top(3)
    last = p.scored["peringkat"].iloc[2]
    assert top == set(p.scored.index[p.scored["peringkat"] <= last])
    assert list(p.tooltip().index) == list(p.ranked.index)


def test_kecamatan_level_ranks_kecamatan_for_the_city_forum():
    c = city()
    p = page("kecamatan")
    assert set(p.ranked.index) == set(c.kecamatan["kode"])
    assert p.parent_label is None and "Kecamatan" in p.ranking_table().columns
    assert p.households == len(c.households)


def test_export_and_notes_for_the_minutes():
    p = page()
    export = p.export(hide=True)
    assert list(export["Kode"]) == list(p.scored.index)
    assert "Kecamatan" in export.columns
    head, rows = p.notes("Periode data September 2026", indicators.DEFAULT_SETTINGS, "")
    isi = head.set_index("Keterangan")["Isi"]
    assert isi["Tingkat wilayah"] == "Kelurahan"
    assert isi["Kelurahan tanpa skor"] == p.names.loc[city().empty, "nama"]
    assert isi["Angka kecil"] == planning.small_count_note()
    assert list(rows["Kode indikator"]) == list(WEIGHTS)
    assert p.weights_text().startswith("Bobot terpilih: Rumah tangga miskin (desil 1–4) 2")


def _areas(hidden_count: int):  # noqa: ANN202
    """Five kelurahan, two indicators; kelurahan C has ``hidden_count`` RTLH households (1–4:
    a forum sees "–" for its rate)."""
    import pandas as pd

    table = pd.DataFrame({"rumah_tangga": [200.0] * 5}, index=list("ABCDE"))
    for ind_id, counts in (("miskin", [40, 10, 25, 60, 30]),
                           ("rtlh", [30, 12, hidden_count, 20, 8])):
        table[ind_id] = [float(v) for v in counts]
        table[f"{ind_id}_penyebut"] = 100.0
        table[f"{ind_id}_semesta"] = 200.0
        table[f"{ind_id}_persen"] = table[ind_id] / table[f"{ind_id}_penyebut"] * 100
        table[f"{ind_id}_diketahui"] = 0.5
    return table


def test_a_forums_scores_and_ranks_tell_nothing_of_a_hidden_rate():
    """Score = Σ weight × normalised rate ÷ Σ weight, shown beside the other rates and the
    weights: with the true rate a forum could solve the hidden one from it. Scored from
    forum_rates, every score and rank is the same whatever the hidden count (1–4); the
    planner's follow the true count."""
    weights = {"miskin": 1.0, "rtlh": 1.0}
    forum = [planning.ranking(pv.forum_rates(_areas(n), weights), weights)[["skor", "peringkat"]]
             for n in (1, 2, 3, 4)]
    for other in forum[1:]:
        assert other.equals(forum[0])
    assert forum[0]["skor"].notna().all()  # still scored and ranked
    planner = [planning.ranking(_areas(n), weights)["skor"] for n in (1, 4)]
    assert not planner[0].equals(planner[1])  # C is the lowest: every normalised rate moves
    shown = pv.forum_rates(_areas(3), weights)
    assert shown.at["C", "rtlh_persen"] == 2.5  # the middle of 1–4 over 100 households
    assert shown.at["A", "rtlh_persen"] == 30.0  # shown rates untouched
    # E (8): hidden so that the city's total minus the rest cannot give C back; nothing of it
    # is shown, so it counts as the median of the rates shown (A 30, B 12, D 20)
    assert shown.at["E", "rtlh_persen"] == 20.0


def test_the_priority_page_for_a_forum_scores_from_the_forum_rates():
    c = city()
    forum = pv.priority_view(scope(c), WEIGHTS, "kelurahan", c.kecamatan, c.names, hide=True)
    want = planning.ranking(pv.forum_rates(forum.table, WEIGHTS), WEIGHTS)
    assert forum.ranked["skor"].equals(want["skor"])


def test_a_rate_over_a_denominator_of_one_to_four_scores_at_fifty_even_when_it_is_fifty():
    """The middle of what a hidden rate over 1–4 known households allows is 50%; a true rate
    of exactly 50% is no reason to score it as a "–" (the median of the shown ones)."""
    table = _areas(20)
    table.loc["B", ["rtlh", "rtlh_penyebut"]] = [1.0, 2.0]
    table.loc["B", "rtlh_persen"] = 50.0
    shown = pv.forum_rates(table, {"miskin": 1.0, "rtlh": 1.0})
    assert shown.at["B", "rtlh_persen"] == 50.0
