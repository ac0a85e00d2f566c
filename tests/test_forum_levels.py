"""geo.forum at every level: a count a forum's map hides at one level (kelurahan, kecamatan,
the city) is never worked out from the counts it shows at another, and the pages that read the
indicator table (Perubahan, Usulan, the kartu) hide what the map hides.

Suppressed level by level, the kecamatan map could hide a kecamatan whose kelurahan the
kelurahan map all showed: their sum. And an indicator's count is unknown ("tidak ada data")
where too little is known, while the kecamatan above holds it: a reader knows only that it is
at most its denominator, so it is one more unknown in each sum."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from geo import forum, indicators
from geo.columns import columns
from geo.filters import Filters
from geo.indicator_table import tables_from
from geo.views import map_view as mv
from tests.test_disclosure import determined
from tests.view_fixtures import city, prepared

SETTINGS = indicators.DEFAULT_SETTINGS
HIDDEN = ("< 5", "–")
LEVELS = ("kelurahan", "kecamatan", "kota")  # fine to coarse, as the map draws them


def gappy_city():  # noqa: ANN201
    """The test city where a quarter of the kelurahan know too little of drinking water and
    of the floor (70% of their answers empty): unknown there, known above them."""
    c = city(3_000)
    hh = c.households.copy()
    rng = np.random.default_rng(3)
    for code in sorted(hh["region_code"].unique())[::4]:
        rows = hh.index[hh["region_code"] == code]
        empty = rng.choice(rows, int(len(rows) * 0.7), replace=False)
        hh.loc[empty, ["sumber_air_minum", "luas_lantai", "jenis_lantai"]] = None
    return replace(c, households=hh)


def staged_city():  # noqa: ANN201
    """The test city with its poor households (desil 1) set per kelurahan: the first
    kecamatan 3 in its first kelurahan and none elsewhere, the second 10 in each kelurahan,
    the third 8 in its first and 100 in each other (everyone else desil 7)."""
    c = city(3_000)
    hh = c.households.copy()
    hh["desil"] = 7
    codes = sorted(hh["region_code"].unique())
    kecamatan = sorted({k.rsplit(".", 1)[0] for k in codes})
    for code in codes:
        k = kecamatan.index(code.rsplit(".", 1)[0])
        first = code == min(x for x in codes if x.startswith(kecamatan[k]))
        n = (3 if first else 0, 10, 8 if first else 100)[k]
        hh.loc[hh.index[hh["region_code"] == code][:n], "desil"] = 1
    return replace(c, households=hh)


def test_a_kecamatan_the_kecamatan_map_hides_is_no_sum_of_kelurahan_shown():
    """Kecamatan 1 has 3 poor households: hidden ("< 5") on both maps; the kecamatan map hides
    kecamatan 2 beside it (the smallest other). Level by level, the kelurahan map showed
    kecamatan 2's kelurahan (10 each): their sum is kecamatan 2, and the city total minus the
    kecamatan shown gave kecamatan 1's 3 back. Now one of them is hidden too."""
    c = staged_city()
    pages = map_levels(c, "miskin", Filters())
    kel, kec = (page.tooltip["Rumah tangga terhitung"] for page in pages[:2])
    second = sorted(kec.index)[1]
    assert kec[second] == "–"
    assert kel[[k.startswith(second) for k in kel.index]].isin(HIDDEN).any()
    values = [indicators.known_count(p.table, "miskin", "miskin").to_numpy() for p in pages]
    hidden = [p.tooltip["Rumah tangga terhitung"].isin(HIDDEN).to_numpy() for p in pages]
    parents = [pd.Index(pages[i + 1].table.index).get_indexer(
        [k.rsplit(".", 1)[0] for k in pages[i].table.index]) for i in range(2)]
    assert determined(values, parents, hidden, values) == []


@pytest.fixture(scope="module")
def gappy():  # noqa: ANN201
    return gappy_city()


def map_levels(c, ind_id: str, filters: Filters) -> list[mv.MapView]:  # noqa: ANN001
    p = prepared(c)
    return [mv.map_view(p, filters, ind_id, level, "persen", c.areas(level), c.name_of,
                        SETTINGS, kelurahan=c.kelurahan, hide=True) for level in LEVELS]


@pytest.mark.parametrize("filters", [Filters(), Filters(desil_min=1, desil_max=2),
                                     Filters(desil_min=1, desil_max=1)],
                         ids=["semua", "desil 1-2", "desil 1"])
def test_no_count_the_map_hides_at_one_level_is_worked_out_at_another(gappy, filters):
    checked = 0
    for ind in indicators.INDICATORS:
        if not prepared(gappy).available(ind.id):
            continue
        pages = map_levels(gappy, ind.id, filters)
        c = columns(ind.id)
        values, bounds, hidden = [], [], []
        for page in pages:
            values.append(indicators.known_count(page.table, c.count, ind.id,
                                                 SETTINGS.min_known_share).to_numpy())
            bounds.append(page.table[c.denominator].to_numpy(dtype=float))
            hidden.append(page.tooltip["Rumah tangga terhitung"].isin(HIDDEN).to_numpy())
        parents = [pd.Index(pages[i + 1].table.index).get_indexer(
            [k.rsplit(".", 1)[0] for k in pages[i].table.index]) for i in range(2)]
        assert determined(values, parents, hidden, bounds) == [], ind.id
        checked += int(hidden[0].sum() + hidden[1].sum())
    assert checked > 20


def test_pages_reading_the_indicator_table_hide_what_the_map_hides(gappy):
    p = prepared(gappy)
    tables, _ = tables_from(p, gappy.names, LEVELS[:2], SETTINGS, forum=True)
    unknown = 0
    for ind in indicators.INDICATORS:
        if not p.available(ind.id):
            continue
        for level, page in zip(LEVELS[:2], map_levels(gappy, ind.id, Filters())):
            table = tables[level]
            mine = forum.table_rate_hidden(table, ind.id).reindex(page.table.index)
            theirs = forum.rate_hidden(page.cells, ind.id)
            assert mine.to_numpy().tolist() == theirs.to_numpy().tolist(), (ind.id, level)
            need = forum.need_hidden(table, ind.id).reindex(page.table.index)
            assert need.tolist() == forum.hidden(page.cells)[ind.id].tolist()
            unknown += int(table[ind.id].isna().sum())
    assert unknown > 0  # the city has unknown counts under known ones


def test_an_unknown_count_under_a_known_kecamatan_is_one_more_unknown_in_its_sum():
    """Kelurahan A (3) is small; B is unknown but holds 40 of its kecamatan's 43; C and D are
    shown. Counting B as nothing, the kecamatan's 43 minus C and D would leave A + B, and the
    rule would see A alone in a line it thinks is safe only with B treated as a number."""
    counts = pd.Series([3.0, np.nan, 30.0, 25.0],
                       index=["99.71.01.1001", "99.71.01.1002", "99.71.02.1001",
                              "99.71.02.1002"])
    bound = pd.Series([50.0, 90.0, 60.0, 70.0], index=counts.index)
    upper = {"kecamatan": pd.Series([43.0, 55.0], index=["99.71.01", "99.71.02"])}
    from geo.suppression import hierarchy_texts

    texts = hierarchy_texts(counts, upper=upper, raw=bound)
    assert texts["kelurahan"].tolist()[0] == "< 5"
    # A and the unknown B make two unknowns in their kecamatan and in the city: A stays hidden
    # without a third, and the city (98 + B's part) gives nothing back
    values = [counts.to_numpy(), np.array([43.0, 55.0]), np.array([98.0])]
    hidden = [np.array([t in HIDDEN for t in texts[lv]]) for lv in ("kelurahan", "kecamatan",
                                                                       "kota")]
    parents = [np.array([0, 0, 1, 1]), np.array([0, 0])]
    assert determined(values, parents, hidden,
                      [bound.to_numpy(), np.array([140.0, 130.0]), np.array([270.0])]) == []


def test_an_empty_table_suppresses_to_nothing():
    """No kelurahan linked (a register whose codes match no boundary): every page still
    opens, with nothing to hide."""
    c = city()
    empty = indicators.area_counts(prepared(c), np.zeros(len(prepared(c)), dtype=bool))[0]
    empty = empty.iloc[:0]
    assert forum.cells(empty, "miskin", SETTINGS.min_known_share).empty
    assert forum.hidden_counts(empty, ("miskin",), SETTINGS.min_known_share).empty
    from geo.suppression import hierarchy_texts, level_sums, protected_texts

    assert level_sums(empty[["rumah_tangga"]]) == {}
    assert len(next(iter(hierarchy_texts(empty["rumah_tangga"].astype(float)).values()))) == 0
    assert protected_texts(empty[["rumah_tangga"]]).empty
