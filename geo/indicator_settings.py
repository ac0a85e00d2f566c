"""The choices where official definitions of the indicators differ (:class:`Settings`), with
the defaults of ``../shared/docs/household-data.md``. Every rule in :mod:`geo.indicators` reads
them; pages show them beside the numbers (:meth:`Settings.describe`)."""

from __future__ import annotations

from dataclasses import dataclass

from geo.schema import PROGRAMS


@dataclass(frozen=True)
class Settings:
    """The choices where official definitions differ (defaults from household-data.md)."""

    # RTLH floor area per person, m² (Kemensos practice 7,2; PUPR house standard 9)
    rtlh_floor_per_person: float = 7.2
    # BPS counts bottled/refill water as improved only if bathing water is improved too;
    # registers rarely carry that field, so by default they count as improved.
    bottled_water_improved: bool = True
    # An area's rate is shown (coloured, ranked) only where at least this share of the
    # households it is about is known; below it the area is "tidak ada data".
    min_known_share: float = 0.5
    # Eligible desil range per program (used by coverage and by both targeting errors)
    eligible_desil: tuple[tuple[str, int, int], ...] = (
        ("penerima_bpnt", 1, 4),
        ("penerima_pkh", 1, 4),
        ("penerima_pbi_jkn", 1, 4),
        ("penerima_kip", 1, 4),
        ("penerima_blt", 1, 4),
        ("penerima_rtlh", 1, 4),
    )

    def eligible_range(self, program: str) -> tuple[int, int]:
        for name, low, high in self.eligible_desil:
            if name == program:
                return low, high
        return 1, 4

    def describe(self) -> list[str]:
        """The settings in force, in Indonesian, for the page and the export's minutes."""
        ranges = ", ".join(f"{PROGRAMS[n]} desil {lo}–{hi}" for n, lo, hi in self.eligible_desil)
        water = ("air kemasan/isi ulang dihitung layak" if self.bottled_water_improved
                 else "air kemasan/isi ulang dihitung tidak layak")
        return [
            f"RTLH: luas lantai per orang < {self.rtlh_floor_per_person:.1f} m²".replace(".", ","),
            f"Air minum: {water}",
            "Sanitasi: di desa (kode …2xxx) lubang tanah dihitung layak; di kelurahan tidak",
            f"Kelayakan program: {ranges}",
            f"Data diketahui: persentase wilayah ditampilkan bila minimal "
            f"{self.min_known_share:.0%} rumah tangganya diketahui; di bawah itu “tidak ada "
            "data”. Nilai kosong atau tak terpetakan tidak pernah dihitung 0.",
        ]


DEFAULT_SETTINGS = Settings()
