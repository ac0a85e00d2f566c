"""The overview printed on one A4 page (geo.sheets.overview_sheet): the page's own headline
numbers, change, lists and the need map in the screen's classes and colours."""

from __future__ import annotations

from pathlib import Path

from geo.sheets.overview_sheet import overview_pdf
from geo.views import overview_view as ovv
from tests import pdf_tools, view_fixtures

SNAPSHOT = {"period": "2026-09", "imported_at": "2026-10-01 08:00", "accepted": 1_000,
            "unlinked": 25, "is_demo": True, "source_file": "dtks.csv"}


def test_the_overview_prints_on_one_a4_page_with_the_screens_numbers(tmp_path: Path):
    c = view_fixtures.city()
    scope = view_fixtures.scope(c)
    ov = ovv.overview(ovv.scope_row(scope), None, None, SNAPSHOT, scope, c.names, "Kota Uji")
    need = ovv.need_view(scope.prepared, scope.filters, "miskin", c.kelurahan, c.name_of,
                         scope.settings, True)
    pdf = tmp_path / "ringkasan.pdf"
    pdf.write_bytes(overview_pdf(ov, *need, SNAPSHOT, "perencana1"))

    info = pdf_tools.info(pdf)
    assert info["Pages"] == "1" and "(A4)" in info["Page size"]
    assert all(embedded == "yes" for _, embedded in pdf_tools.fonts(pdf))
    text = " ".join(pdf_tools.text(pdf, layout=False).split())
    assert "Ringkasan Kota Uji" in text and "September 2026" in text
    for h in ov.headline:
        assert h.label in text and h.value in text
    first_agency, top = next(iter(ov.opd_top.items()))
    assert first_agency in text and top.rows[0][0] in text
    for label in need[1].labels():  # the legend: the screen's classes, Indonesian numbers
        assert label in text
    assert "Tidak ada data" in text and "Dicetak oleh perencana1" in text
