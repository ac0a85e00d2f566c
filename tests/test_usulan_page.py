"""The Usulan Musrenbang page (AppTest): the forum view (ranking with score parts, map, the
unanswered need, small counts hidden, no decision form), a planner's decision recorded with
who, and a kecamatan planner limited to that kecamatan's proposals."""

from __future__ import annotations

import pytest

from geo import store
from geo.proposals import decisions
from geo.proposals.demo import load_demo_proposals
from tests.test_access_pages import open_as, real_db  # noqa: F401  (fixtures)


@pytest.fixture(scope="module")
def with_proposals(real_db, tmp_path_factory):  # noqa: F811
    url, info = real_db
    engine = store.get_engine(url)
    result = load_demo_proposals(engine, tmp_path_factory.mktemp("usulan"))
    assert result.accepted == result.rows_read > 20
    return info


def ranking_of(at):  # noqa: ANN001, ANN201
    return next(d.value for d in at.dataframe if "Skor" in d.value.columns)


def test_the_forum_view_ranks_with_score_parts_and_cannot_decide(open_as, with_proposals):  # noqa: F811
    at = open_as("forum", "usulan")
    ranked = ranking_of(at)
    assert {"Bagian kebutuhan", "Bagian jangkauan", "Bagian biaya", "Bagian peringkat",
            "Skor", "Bukti"} <= set(ranked.columns)
    assert "tanpa bukti register" in set(ranked["Bukti"])
    assert (ranked.loc[ranked["Bukti"] == "tanpa bukti register", "Skor"] == "tanpa skor").all()
    assert any(s.label.startswith("Kebutuhan") for s in at.slider)
    assert "Simpan keputusan" not in [b.label for b in at.button]  # forum: view only
    assert any("selalu disembunyikan" in c.value for c in at.caption)
    gaps = next(d.value for d in at.dataframe if "Rumah tangga perlu" in d.value.columns
                and "Skor" not in d.value.columns)
    assert len(gaps) > 0


def test_a_weight_of_zero_changes_the_scores(open_as, with_proposals):  # noqa: F811
    at = open_as("perencana", "usulan")
    before = list(ranking_of(at)["Skor"])
    for key in ("usulan_w_kebutuhan", "usulan_w_jangkauan", "usulan_w_biaya"):
        at.slider(key=key).set_value(0)
    at.run()
    after = ranking_of(at)
    assert list(after["Skor"]) != before
    scored = after[~after["Skor"].isin(["tanpa skor", "–"])]  # "–": a small need, hidden
    def number(text: str) -> float:
        return float(text.replace(".", "").replace(",", "."))

    for skor, part in zip(scored["Skor"], scored["Bagian peringkat"]):  # parts shown 0,00
        assert abs(number(skor) - 100 * number(part)) <= 0.51


def test_a_planner_decides_and_the_decision_names_who(open_as, with_proposals):  # noqa: F811
    at = open_as("perencana", "usulan")
    first = ranking_of(at)["ID"].iloc[0]
    form_select = next(s for s in at.selectbox if s.label == "Usulan")
    form_select.set_value(first)
    next(r for r in at.radio if r.label == "Keputusan").set_value("ditolak")
    next(t for t in at.text_input if t.label.startswith("Alasan")).input("Lokasi sama dengan "
                                                                         "usulan lain")
    next(b for b in at.button if b.label == "Simpan keputusan").click().run()
    assert not at.exception
    history = decisions.history(store.get_engine())
    row = history[history["id_usulan"] == first].iloc[-1]
    assert (row["oleh"], row["status"]) == ("perencana", "ditolak")
    assert row["pada"] is not None


def test_a_kecamatan_planner_sees_only_that_kecamatans_proposals(open_as, with_proposals):  # noqa: F811
    info = with_proposals
    at = open_as("camat", "usulan")
    ranked = ranking_of(at)
    kel = info["kelurahan"]
    inside = set(kel.loc[kel["kode_kec"] == info["kecamatan"], "nama_kel"])
    assert len(ranked) and set(ranked["Kelurahan"]) <= inside
