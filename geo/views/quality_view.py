"""The data-quality page (Kualitas data): how households were linked, what was quarantined and
how much of each indicator the register holds, per kelurahan (:mod:`geo.data_quality`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from geo import data_quality, indicators
from geo.codes import level_word
from geo.fmt import fmt_int, fmt_pct
from geo.indicators import NO_DATA


@dataclass(frozen=True)
class QualityView:
    table: pd.DataFrame  # data_quality table, kelurahan and the unlinked row
    first: pd.DataFrame  # kelurahan to verify first

    @property
    def kelurahan(self) -> pd.DataFrame:
        return self.table[self.table["kode"] != data_quality.UNLINKED_CODE]

    @cached_property  # read by several tables of one rerun
    def kel_word(self) -> str:
        """"Kelurahan", "Desa" or "Kelurahan/Desa" (:func:`geo.codes.level_word`)."""
        return level_word("kelurahan", self.kelurahan["kode"])

    @property
    def stray(self) -> pd.DataFrame:
        return self.table[self.table["kode"] == data_quality.UNLINKED_CODE]

    def metrics(self) -> list[tuple[str, str]]:
        t = self.table
        households = int(t["rumah_tangga"].sum())
        return [("Rumah tangga tersimpan", fmt_int(households)),
                ("Tertaut lewat kode", fmt_pct(100 * self.kelurahan["tertaut_kode"].sum()
                                               / households if households else None)),
                ("Konflik kode–titik", fmt_int(t["konflik"].sum())),
                ("Baris dikarantina", fmt_int(int(t["dikarantina"].sum())))]

    def stray_note(self) -> str | None:
        """Households and quarantined rows no kelurahan holds (the table's last row)."""
        stray = self.stray
        if not len(stray) or not (stray["rumah_tangga"].iat[0] or stray["dikarantina"].iat[0]):
            return None
        return (f"{fmt_int(stray['rumah_tangga'].iat[0])} rumah tangga belum tertaut dan "
                f"{fmt_int(stray['dikarantina'].iat[0])} baris karantina tanpa kode "
                f"{self.kel_word.lower()} yang dikenal: tidak ada di peta, tercatat di baris "
                "terakhir tabel.")

    def missing_note(self) -> str | None:
        """The indicators no household of the register decides."""
        missing = [i for i in indicators.BY_ID if i not in self.table.attrs.get("available", [])]
        if not missing:
            return None
        return ("Tidak tersedia di register ini (tidak ada rumah tangga yang nilainya "
                "diketahui): " + ", ".join(indicators.get(i).label for i in missing) + ".")

    def map_values(self, measure: str) -> tuple[pd.Series, pd.DataFrame]:
        """(the measure in percent per kelurahan, tooltip rows)."""
        kel = self.kelurahan
        label = data_quality.MEASURES[measure][0]
        values = (100 * kel.set_index("kode")[measure]).astype(float)
        tooltip = pd.DataFrame({
            self.kel_word: kel["nama"].to_numpy(),
            label: [fmt_pct(v) if v == v else NO_DATA for v in values],
            "Rumah tangga": [fmt_int(v) for v in kel["rumah_tangga"]],
            "Dikarantina": [fmt_int(v) for v in kel["dikarantina"]],
        }, index=kel["kode"].to_numpy())
        return values, tooltip

    def first_table(self) -> pd.DataFrame:
        first = self.first
        return pd.DataFrame({
            self.kel_word: first["nama"],
            "Rumah tangga": [fmt_int(v) for v in first["rumah_tangga"]],
            "Alasan": first["alasan"]})


def quality_view(table: pd.DataFrame, first: pd.DataFrame) -> QualityView:
    """``table``, ``first``: :func:`geo.data_quality.load`'s result."""
    return QualityView(table, first)
