"""geo.forum: for a forum, a figure hidden on one page is hidden on every page that shows it.

A count shown on one page and hidden ("–") on another gives the small count it protects back
(the city's total minus the shown counts). On a narrow filter (many small counts), every page
that shows an indicator per kelurahan (the map and its export, Cakupan's tables, its map and
its export, the Lintas OPD agency ranking, Prioritas' table and export) hides the count and the
rate wherever the map hides them, and lists of a few kelurahan take their cells from the whole
scope's suppression, not from their own rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo import forum, indicators
from geo.columns import columns
from geo.disclosure import derivable
from geo.filters import Filters
from geo.views import coverage_view, opd_view, priority_view
from geo.views import map_view as mv
from tests.view_fixtures import city, prepared, scope

SETTINGS = indicators.DEFAULT_SETTINGS
HIDDEN = ("< 5", "–")
NARROW = Filters(desil_min=1, desil_max=2)


@pytest.fixture(scope="module")
def pages():  # noqa: ANN201
    c = city()
    sc = scope(c, NARROW)
    return c, sc


def map_hidden(c, ind_id: str) -> pd.Series:  # noqa: ANN001
    """Per kelurahan code: the map page hides the indicator's rate for a forum."""
    page = mv.map_view(prepared(c), NARROW, ind_id, "kelurahan", "persen", c.areas("kelurahan"),
                       c.name_of, SETTINGS, kelurahan=c.kelurahan, hide=True)
    rate_shown = page.values.notna().to_numpy() | page.table[columns(ind_id).rate].isna()
    return pd.Series(~rate_shown.to_numpy(), index=page.table.index)


def map_count_hidden(c, ind_id: str) -> pd.Series:  # noqa: ANN001
    """Per kelurahan code: the map page's tooltip hides the indicator's count."""
    page = mv.map_view(prepared(c), NARROW, ind_id, "kelurahan", "persen", c.areas("kelurahan"),
                       c.name_of, SETTINGS, kelurahan=c.kelurahan, hide=True)
    return page.tooltip["Rumah tangga terhitung"].isin(HIDDEN)


def test_one_columns_cells_are_hidden_alike_and_none_is_a_total_minus_the_rest(pages):
    c, sc = pages
    table = sc.table(coverage_view.IDS)
    for ind_id in coverage_view.IDS:
        texts = forum.cells(table, ind_id, SETTINGS.min_known_share)
        count = indicators.known_count(table, ind_id, ind_id, SETTINGS.min_known_share)
        hidden = forum.hidden(texts)[columns(ind_id).count].to_numpy()
        kecamatan = [k.rsplit(".", 1)[0] for k in table.index]
        assert derivable(count.to_numpy(), hidden, groups=kecamatan) == []
        # a subset of the rows (a top list) reads the whole scope's cells
        half = table.iloc[::2]
        assert forum.cells(table, ind_id, SETTINGS.min_known_share).reindex(
            half.index).equals(texts.reindex(half.index))


def test_every_page_hides_what_the_map_hides(pages):
    c, sc = pages
    cov = coverage_view.coverage_view(sc, c.names, hide=True)
    checked = 0
    for ind_id in coverage_view.IDS:
        if ind_id not in cov.available:
            continue
        secret = map_hidden(c, ind_id)
        codes = set(secret.index[secret])
        checked += len(codes)
        names = dict(zip(cov.table.index, cov.kel_names))
        hidden_names = {names[k] for k in codes}
        _, tip = cov.map_values(ind_id)
        ind = indicators.get(ind_id)
        assert tip.loc[list(codes), ind.label].isin(HIDDEN).all()
        export = cov.export().set_index("kode")
        assert export.loc[list(codes), columns(ind_id).rate].isna().all()
        if ind_id in coverage_view.COVER_IDS:
            low = cov.lowest_coverage(ind_id)
            mine = low[low[cov.kel_word].isin(hidden_names)]
            assert mine["Cakupan"].isin(HIDDEN).all(), ind_id
        else:
            most = cov.most_errors(ind_id)
            mine = most[most[cov.kel_word].isin(hidden_names)]
            assert mine["Persentase"].isin(HIDDEN).all(), ind_id
    assert checked  # the filter leaves hidden figures to check


def test_the_agency_ranking_and_the_priority_table_hide_what_the_map_hides(pages):
    c, sc = pages
    opd = opd_view.opd_view(sc, c.names, hide=True)
    agency = "Perkim/PUPR"
    rank = opd.agency_ranking(agency)
    names = dict(zip(opd.matrix.index, opd.kel_names))
    for ind_id in opd_view.planning.AGENCIES[agency]:  # counts: hidden where the map's are
        secret = map_count_hidden(c, ind_id)
        hidden_names = {names[k] for k in secret.index[secret]}
        mine = rank[rank[opd.kel_word].isin(hidden_names)]
        assert mine[indicators.get(ind_id).label].isin((*HIDDEN, indicators.NO_DATA)).all()
    values, tip = opd.agency_map(agency)  # the map beside the matrix hides what it hides
    matrix = opd.count_texts[agency]
    assert tip[f"Perlu {agency}"].equals(matrix) and (matrix == "–").any()
    assert values[matrix.isin(HIDDEN)].isna().all()
    weights = {"miskin_ekstrem": 1.0, "rtlh": 1.0, "sanitasi_tidak_layak": 1.0}
    prio = priority_view.priority_view(sc, weights, "kelurahan", c.kecamatan, c.names,
                                       hide=True)
    shown, export = prio.ranking_table(hide=True), prio.export(hide=True)
    hidden_any = 0
    for ind_id in weights:
        secret = map_hidden(c, ind_id).reindex(shown.index)
        hidden_any += int(secret.sum())
        assert shown.loc[secret, indicators.get(ind_id).label].isin(HIDDEN).all()
        rates = export.set_index("Kode")[[c_ for c_ in export.columns
                                          if c_.startswith(indicators.get(ind_id).label)][0]]
        assert rates.reindex(secret.index[secret]).isna().all()
    assert hidden_any
    assert np.isfinite(prio.ranked["skor"].dropna()).all()


def test_areas_with_no_count_change_no_hidden_cell():
    """Usulan's need table and the map's table of the same level may differ by areas with 0
    or no count (no households, unknown): the same non-zero counts hide the same cells."""
    codes = [f"99.71.0{k}.100{i}" for k in (1, 2) for i in range(1, 6)]
    counts = pd.Series([3, 40, 12, 60, 9, 2, 30, 8, 50, 70], index=codes, dtype=float)
    more = pd.concat([counts, pd.Series([0.0, np.nan], index=["99.71.01.1009",
                                                              "99.71.02.1009"])])
    assert forum.column_texts(more.iloc[::-1]).reindex(codes).equals(forum.column_texts(counts))
    texts = forum.column_texts(counts)
    assert list(texts) == ["< 5", "40", "12", "60", "–", "< 5", "30", "–", "50", "70"]


def held(p: indicators.Prepared) -> list[indicators.Indicator]:
    """The indicators the register decides."""
    return [ind for ind in indicators.INDICATORS if p.available(ind.id)]


def test_an_area_filter_shows_no_count_the_whole_map_hides():
    """A forum may choose a kecamatan or a kelurahan in the sidebar. Filtered to an area whose
    count the whole map hides ("< 5", or "–" beside one), the totals beside the map (its count,
    people and rate) and the area's tooltip are hidden too: were they shown, the city's total
    minus the other areas' would give the small count back."""
    c = city()
    p = prepared(c)
    checked = 0
    for ind in held(p):
        for level, by in (("kelurahan", "kelurahan"), ("kecamatan", "kecamatan")):
            whole = mv.map_view(p, Filters(), ind.id, level, "persen", c.areas(level),
                                c.name_of, SETTINGS, kelurahan=c.kelurahan, hide=True)
            tip = whole.tooltip["Rumah tangga terhitung"]
            for code in tip.index[tip.isin(HIDDEN)]:
                chosen = Filters(**{by: (code,)})  # a kecamatan: its kelurahan are shown
                one = mv.map_view(p, chosen, ind.id, level, "persen",
                                  c.areas(mv.shown_level(chosen, level)), c.name_of, SETTINGS,
                                  kelurahan=c.kelurahan, hide=True)
                metrics = dict(one.metrics())
                assert metrics["Rumah tangga terhitung"] in HIDDEN, (ind.id, code)
                assert metrics["Jiwa dalam rumah tangga itu"] in HIDDEN, (ind.id, code)
                assert metrics["Persentase"] in HIDDEN, (ind.id, code)
                if level == "kelurahan":
                    assert one.tooltip.loc[code, "Rumah tangga terhitung"] == tip[code]
                checked += 1
    assert checked >= 10  # the fixture city has hidden counts at both levels


def test_cakupan_and_lintas_opd_filtered_to_an_area_show_no_count_the_whole_hides():
    """The Cakupan metrics and table, and the Lintas OPD matrix and totals, of one chosen
    kelurahan take its cells from the suppression over every kelurahan, and hide a total
    that is a hidden cell."""
    c = city()
    whole_cov = coverage_view.coverage_view(scope(c), c.names, hide=True)
    whole_opd = opd_view.opd_view(scope(c), c.names, hide=True)
    checked = 0
    for ind_id in coverage_view.IDS:
        if ind_id not in whole_cov.available:
            continue
        column = columns(ind_id).count
        texts = whole_cov.cells(ind_id)[column]
        for code in texts.index[texts.isin(HIDDEN)][:3]:
            one = coverage_view.coverage_view(scope(c, Filters(kelurahan=(code,))), c.names,
                                              hide=True)
            assert one.cells(ind_id)[column].tolist() == [texts[code]], (ind_id, code)
            shown = one.totals(ind_id)
            assert shown.count(column) in HIDDEN and shown.rate() in HIDDEN, (ind_id, code)
            checked += 1
    for agency in opd_view.AGENCIES:
        texts = whole_opd.count_texts[agency]
        for code in texts.index[texts.isin(HIDDEN)][:3]:
            one = opd_view.opd_view(scope(c, Filters(kelurahan=(code,))), c.names, hide=True)
            assert one.count_texts[agency].tolist() == [texts[code]], (agency, code)
            total = one.agency_total(agency)
            assert total.startswith(f"Total {texts[code]} rumah tangga"), (agency, total)
            assert one.pairs_table() is None
            checked += 1
    assert checked >= 10


def test_prioritas_filtered_to_some_kelurahan_hides_what_the_whole_ranking_hides():
    """Two kelurahan chosen, one of which the whole ranking hides a rate of: the same cells
    are hidden (a pair of kelurahan suppressed alone would show the "–" one)."""
    c = city()
    weights = {"miskin_ekstrem": 1.0, "rtlh": 1.0, "sanitasi_tidak_layak": 1.0}
    whole = priority_view.priority_view(scope(c), weights, "kelurahan", c.kecamatan, c.names,
                                        hide=True)
    table = whole.ranking_table(hide=True)
    codes = list(table.index)
    checked = 0
    for column in ("Rumah tangga", *(indicators.get(i).label for i in weights)):
        for code in table.index[table[column] == "–"]:
            pair = (code, next(k for k in codes if k != code and table.loc[k, column] not in
                               HIDDEN))
            part = priority_view.priority_view(scope(c, Filters(kelurahan=pair)), weights,
                                               "kelurahan", c.kecamatan, c.names, hide=True)
            shown = part.ranking_table(hide=True)
            assert shown.loc[code, column] == "–", (code, column)
            checked += 1
    assert checked


def test_an_account_of_one_kecamatan_reads_no_total_the_city_map_hides():
    """Ringkasan of an account limited to a kecamatan: its headline numbers are that
    kecamatan's counts, so where the city's kecamatan map hides one, so does the headline."""
    from geo.views import overview_view as ovv

    c = city(300)  # small enough for a kecamatan's count to be hidden
    p = prepared(c)
    snapshot = {"period": "2026-09", "imported_at": "2026-10-01 08:00", "accepted": 1_000,
                "unlinked": 0}
    checked = 0
    for ind_id in ovv.HEADLINE_IDS:
        if not p.available(ind_id):
            continue
        kec = mv.map_view(p, Filters(), ind_id, "kecamatan", "persen", c.areas("kecamatan"),
                          c.name_of, SETTINGS, kelurahan=c.kelurahan, hide=True).tooltip
        for code in kec.index[kec["Rumah tangga terhitung"] == "–"]:
            sc = scope(c, Filters(kecamatan=(code,)))
            ov = ovv.overview(ovv.scope_row(sc), None, None, snapshot, sc, c.names, "wilayah")
            head = {h.key: h for h in ov.headline}[ind_id]
            assert head.value in HIDDEN and (head.detail or "–").split()[0] in (
                *HIDDEN, "tidak"), (ind_id, code, head)
            checked += 1
    assert checked


def test_the_map_export_hides_the_share_known_with_its_denominator():
    """The share known is the denominator over the population: beside a shown population it
    would give a hidden denominator back (desil 1–2: a planner presenting with small counts
    hidden; a forum's own filters are areas only)."""
    c = city()
    p = prepared(c)
    checked = 0
    for ind in held(p):
        page = mv.map_view(p, NARROW, ind.id, "kelurahan", "persen", c.areas("kelurahan"),
                           c.name_of, SETTINGS, kelurahan=c.kelurahan, hide=True)
        col = columns(ind.id)
        export = page.export.set_index("kode")
        secret = export[col.denominator].isin(HIDDEN) | export[col.population].isin(HIDDEN)
        assert export.loc[secret, col.known].isna().all(), ind.id
        checked += int(secret.sum())
    assert checked


def test_an_opd_percentage_is_hidden_where_its_denominator_is(pages):
    """Households needing an agency ÷ its percentage = the households whose need for it is
    known (all households for ≥ 2 OPD): where the page hides that denominator, it hides the
    percentage too, in the matrix, its export and the overlap table."""
    c, sc = pages
    page = opd_view.opd_view(sc, c.names, as_pct=True, hide=True)
    display, _ = page.matrix_table()
    export, _ = page.matrix_export()
    export = export.set_index("kode")
    checked = 0
    for col in opd_view.COLUMNS:
        denominator = (page.count_texts[opd_view.HOUSEHOLDS] if col == opd_view.MULTI
                       else page.known_texts(col))
        secret = denominator.index[denominator.isin(HIDDEN)]
        assert display.loc[secret, opd_view.LABELS[col]].isin(HIDDEN).all(), col
        assert export.loc[secret, f"{opd_view.agency_id(col)}_persen"].isna().all(), col
        checked += len(secret)
    assert checked


def test_a_total_of_chosen_areas_is_hidden_as_a_table_of_their_level_hides_it():
    """Per kecamatan the households sum to 3, 40 and 50: a kecamatan table shows "< 5", "–"
    (the smallest other, beside the small one) and 50. A page filtered to the second kecamatan
    hides its total as that table does, though each of its kelurahan is shown."""
    counts = pd.Series([1, 2, 20, 20, 25, 25],
                       index=["99.71.01.1001", "99.71.01.1002", "99.71.02.1001",
                              "99.71.02.1002", "99.71.03.1001", "99.71.03.1002"])
    assert forum.selection_hidden(counts, Filters(kecamatan=("99.71.02",)))
    assert not forum.selection_hidden(counts, Filters(kecamatan=("99.71.03",)))
    assert forum.selection_hidden(counts, Filters(kelurahan=("99.71.01.1002",)))
    assert not forum.selection_hidden(counts, Filters())
