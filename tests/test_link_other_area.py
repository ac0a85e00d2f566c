"""A register row from another area is never linked by a look-alike name.

Seen when a city imported its own boundaries over the demo: 1.453 demo rows of kecamatan
"Tanjungsari" were linked to "Pondok Jagung" because "Pondok Agung" looked alike."""

from __future__ import annotations

from geo.link import link_frame
from tests.test_link_households import frame, regions  # noqa: F401  (fixture)


def test_unknown_kecamatan_blocks_a_look_alike_name(regions):  # noqa: F811
    links = link_frame(frame(kode_kelurahan=["32.75.01.1001"],
                             nama_kelurahan=["Pondok Kacang Brat"],
                             nama_kecamatan=["Tanjungsari"]), regions)
    assert links["region_code"].isna().all()
    assert "Tanjungsari" in links["link_note"].iloc[0]


def test_without_kecamatan_only_an_exact_unique_name_links(regions):  # noqa: F811
    links = link_frame(frame(nama_kelurahan=["Kali Baru", "Kali Baruu", "Sukajaya"]), regions)
    assert links["region_code"].iloc[0] == "99.71.02.1002"
    assert links["region_code"].iloc[1:].isna().all()  # look-alike; ambiguous (two Sukajaya)


def test_known_kecamatan_still_allows_spelling_variants(regions):  # noqa: F811
    links = link_frame(frame(nama_kelurahan=["Kali Baruu"], nama_kecamatan=["Cempaka Putih"]),
                       regions)
    assert links["region_code"].iloc[0] == "99.71.02.1002"
