"""The need no proposal answers: for each OPD and each indicator its kamus activities address,
the top-N kelurahan of their kabupaten/kota (rank by rate,
:func:`geo.proposals.evidence.city_ranks`; rank ≤ N, so a tie at N keeps every tied
kelurahan) that have no proposal for that OPD.

A rejected proposal does not answer a need (the need stays unanswered); any other status does.
A kelurahan with no household in need (a need indicator at 0) has no need to answer, even
where its 0 ties into the top N.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from geo import indicators
from geo.indicator_table import indicator_table
from geo.proposals import kamus
from geo.proposals.evidence import DEFAULT_TOP, city_ranks, forum_secret, has_need, hidden_of
from geo.proposals.importer import load_proposals
from geo.proposals.values import REJECTED

COLUMNS = ["opd", "kode", "kelurahan", "indikator", "nilai_indikator", "peringkat_kelurahan",
           "rumah_tangga_perlu"]


def unanswered(table: pd.DataFrame, proposals: pd.DataFrame,
               opd_ids: dict[str, tuple[str, ...]], top: int = DEFAULT_TOP,
               hide: bool = False, whole: pd.DataFrame | None = None) -> pd.DataFrame:
    """The gap rows from an indicator table (``indicator_table``), the stored proposals and
    OPD -> indicators. ``whole``: the table of every kelurahan when ``table`` holds some (an
    area's): a forum's map hides what its suppression over them all hides; with ``hide`` the
    ranks are counted among the rates a forum sees (a hidden one is neither ranked nor
    listed)."""
    whole = table if whole is None else whole
    live = proposals[proposals["status"] != REJECTED]
    answered = set(zip(live["opd"].map(kamus.key), live["region_code"]))
    rows = []
    for opd, ids in opd_ids.items():
        for ind_id in ids:
            ranks = city_ranks(table, ind_id, forum_secret(whole, ind_id) if hide else None)
            top_rows = table.assign(_rank=ranks)[ranks.notna() & (ranks <= top)]
            top_rows = top_rows.loc[np.array([has_need(ind_id, v) for v in top_rows[ind_id]],
                                             dtype=bool)]
            for rec in top_rows.sort_values(["_rank", "kode"]).to_dict(orient="records"):
                if (kamus.key(opd), rec["kode"]) in answered:
                    continue
                rows.append({"opd": opd, "kode": rec["kode"], "kelurahan": rec["nama"],
                             "indikator": ind_id,
                             "nilai_indikator": float(rec[f"{ind_id}_persen"]),
                             "peringkat_kelurahan": int(rec["_rank"]),
                             "rumah_tangga_perlu": int(rec[ind_id])})
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["perlu_tersembunyi"], out["nilai_tersembunyi"] = hidden_of(whole, out)  # as the map
    return out


def gaps(engine: Engine, period: str | None = None, top: int = DEFAULT_TOP,
         settings: indicators.Settings = indicators.DEFAULT_SETTINGS) -> pd.DataFrame:
    """The unanswered need of the period (see module note)."""
    table, _ = indicator_table(engine, period, "kelurahan", settings, forum=True)
    return unanswered(table, load_proposals(engine),
                      kamus.opd_indicators(kamus.load(engine)), top)
