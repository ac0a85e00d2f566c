"""Evidence per proposal from the register of a period, and the evidence score.

The numbers are those of ``python -m geo indicators`` (:func:`geo.indicator_table.
indicator_table`, per kelurahan): for the indicator(s) the proposal's kamus activity answers,
the kelurahan's rate (``nilai_indikator``, %), its rank in its kabupaten/kota, households in
need and the share known. Where the activity answers several indicators, the one on which the
kelurahan ranks worst (strongest evidence) is shown; ties go to kamus order.

* **Rank in the kabupaten/kota** (a Musrenbang is one kabupaten/kota's): by rate, highest
  need = 1, same rate = same rank; only kelurahan whose value is known (enough known
  households, ``Settings.min_known_share``) are ranked. A forum's ranks (``*_forum``, swapped
  in by :func:`score` with ``hide``) are counted over the rates its map shows only: a rank
  counted over a hidden rate would place it between two shown ones.
* **Reach** (``jangkauan_rumah_tangga``) = volume × households per unit (kamus).
* **Cost per household in need** = estimated cost / min(reach, households in need); empty
  where that minimum is 0.
* Unknown is never zero: a kelurahan whose value is not known is "tidak ada data" and gets no
  score; an activity with no indicator is "tanpa bukti register" and gets no score either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from geo import indicators
from geo.codes import parent_codes
from geo.forum import denominator_hidden, known_share_hidden, need_hidden
from geo.indicator_table import indicator_table
from geo.proposals import kamus
from geo.proposals.importer import load_proposals
from geo.suppression import is_small

EVIDENCE, NO_DATA, NO_INDICATOR = "ada", indicators.NO_DATA, "tanpa bukti register"
DEFAULT_TOP = 10
FORUM_RANKS = {"peringkat_kelurahan": "peringkat_kelurahan_forum",  # what score(hide) swaps in
               "kelurahan_diperingkat": "kelurahan_diperingkat_forum", "top_n": "top_n_forum"}


def has_need(ind_id: str, need: float) -> bool:
    """A need indicator at 0 (no household in need) is no need, however its 0% ranks (it ties
    into a top N where few kelurahan have any); a coverage indicator is one wherever it
    ranks."""
    return bool(need > 0) or not indicators.get(ind_id).higher_is_worse


def _int_or_none(value: object) -> int | None:
    return None if pd.isna(value) else int(value)


@dataclass(frozen=True)
class Weights:
    """How much each part of the evidence score counts (0 leaves a part out)."""

    kebutuhan: float = 1.0  # households in need, relative to the largest among the proposals
    jangkauan: float = 1.0  # share of the kelurahan's need the volume reaches
    biaya: float = 1.0  # cheapest cost per household among the proposals / this one's
    peringkat: float = 1.0  # the kelurahan's rank in its kabupaten/kota (rank 1 = 1)

    def parts(self) -> dict[str, float]:
        return {"kebutuhan": self.kebutuhan, "jangkauan": self.jangkauan,
                "biaya": self.biaya, "peringkat": self.peringkat}

    def describe(self) -> list[str]:
        return [f"{PART_LABELS[k]}: bobot {v:g}".replace(".", ",") for k, v in
                self.parts().items()]


DEFAULT_WEIGHTS = Weights()

PART_LABELS = {
    "kebutuhan": "Kebutuhan (rumah tangga perlu, dibanding usulan dengan kebutuhan terbesar)",
    "jangkauan": "Jangkauan (bagian kebutuhan kelurahan yang dijangkau volume usulan)",
    "biaya": "Biaya (biaya per rumah tangga termurah di antara usulan ÷ biaya usulan ini)",
    "peringkat": "Peringkat (kelurahan di kabupaten/kotanya untuk indikator itu; "
                 "peringkat 1 = 1)",
}
SCORE_METHOD = ("Skor 0–100 = 100 × jumlah(bobot × bagian) ÷ jumlah bobot; tiap bagian 0–1. "
                f"Usulan “{NO_DATA}” (nilai indikator kelurahannya tidak diketahui) dan "
                f"“{NO_INDICATOR}” (kegiatan tanpa indikator register) tidak diberi skor, "
                "bukan skor 0.")


def city_ranks(table: pd.DataFrame, ind_id: str, secret: pd.Series | None = None
               ) -> pd.Series:
    """Rank of each kelurahan's rate in its kabupaten/kota (1 = highest need; same rate, same
    rank): a Musrenbang is one kabupaten/kota's, so in a province a desa is not ranked against
    the others'. NA where the value is not known, or ``secret`` (per kode: a forum's map
    hides the rate, :func:`forum_secret`)."""
    known = table[ind_id].notna() & table[f"{ind_id}_persen"].notna()
    if secret is not None:
        known &= ~secret.reindex(table["kode"]).fillna(False).to_numpy(dtype=bool)
    rate = table[f"{ind_id}_persen"].where(known)
    ascending = not indicators.get(ind_id).higher_is_worse
    kota = np.asarray(parent_codes(table["kode"], "kota"))
    return rate.groupby(kota).rank(method="min", ascending=ascending).astype("Int64")


def forum_secret(table: pd.DataFrame, ind_id: str) -> pd.Series:
    """Per kode: the forum's map hides the indicator's rate (its count or its denominator is
    hidden: :func:`geo.forum.need_hidden`, :func:`geo.forum.denominator_hidden`; a table
    without one of the columns hides nothing by it, as :func:`hidden_of`)."""
    out = pd.Series(False, index=pd.Index(table["kode"], dtype=object))
    for hidden in (need_hidden, denominator_hidden):
        try:
            out |= hidden(table, ind_id)
        except KeyError:
            continue
    return out


def kelurahan_evidence(table: pd.DataFrame, ids: tuple[str, ...]) -> pd.DataFrame:
    """Long table kode × indicator: nilai (rate %), peringkat, n_diperingkat, perlu (households),
    diketahui (share known); peringkat_forum, n_diperingkat_forum: the ranks among the rates
    a forum sees."""
    frames = []
    kota = np.asarray(parent_codes(table["kode"], "kota"))
    for ind_id in ids:
        ranks = city_ranks(table, ind_id)
        forum = city_ranks(table, ind_id, forum_secret(table, ind_id))
        frames.append(pd.DataFrame({
            "kode": table["kode"], "indikator": ind_id,
            "nilai": table[f"{ind_id}_persen"].where(table[ind_id].notna()),
            "peringkat": ranks,  # and how many are ranked in the kelurahan's kabupaten/kota
            "n_diperingkat": ranks.notna().groupby(kota).transform("sum"),
            "peringkat_forum": forum,
            "n_diperingkat_forum": forum.notna().groupby(kota).transform("sum"),
            "perlu": table[ind_id], "diketahui": table[f"{ind_id}_diketahui"]}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["kode", "indikator", "nilai", "peringkat", "n_diperingkat",
                 "peringkat_forum", "n_diperingkat_forum", "perlu", "diketahui"])


def evidence(engine: Engine, period: str | None = None, top: int = DEFAULT_TOP,
             settings: indicators.Settings = indicators.DEFAULT_SETTINGS,
             proposals: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per proposal with its evidence, the indicator table used)."""
    table, _ = indicator_table(engine, period, "kelurahan", settings, forum=True)
    props = load_proposals(engine) if proposals is None else proposals
    return evidence_from(table, kamus.load(engine), props, top), table


def evidence_from(table: pd.DataFrame, kamus_entries: list[kamus.Entry],
                  props: pd.DataFrame, top: int = DEFAULT_TOP) -> pd.DataFrame:
    """One row per proposal with its evidence from an indicator table (see module note)."""
    entries = {e.kegiatan: e for e in kamus_entries}
    ids = tuple(dict.fromkeys(i for e in entries.values() for i in e.indikator))
    long = kelurahan_evidence(table, ids).set_index(["kode", "indikator"])
    names = table.set_index("kode")["nama"]
    rows = []
    for p in props.to_dict(orient="records"):
        entry = entries.get(p["kegiatan"])
        ind_ids = entry.indikator if entry else ()
        reach = float(p["volume"]) * (entry.rt_per_satuan if entry else 0.0)
        best = None
        for ind_id in ind_ids:
            key = (p["region_code"], ind_id)
            if key not in long.index or pd.isna(long.loc[key, "peringkat"]):
                continue
            if best is None or long.loc[key, "peringkat"] < best[1]["peringkat"]:
                best = (ind_id, long.loc[key])
        row = {"id": p["id_usulan"], "kode": p["region_code"],
               "kelurahan": names.get(p["region_code"], p["region_code"]),
               "opd": p["opd"], "kegiatan": p["kegiatan"], "sumber": p["sumber"],
               "status": p["status"], "alasan": p["alasan"], "volume": p["volume"],
               "satuan": p["satuan"], "anggaran": p["anggaran"],
               "jangkauan_rumah_tangga": reach, "indikator": None, "nilai_indikator": None,
               "peringkat_kelurahan": None, "kelurahan_diperingkat": None,
               "rumah_tangga_perlu": None, "diketahui": None, "biaya_per_rumah_tangga": None,
               "top_n": None, **dict.fromkeys(FORUM_RANKS.values()),
               "bukti": NO_INDICATOR if not ind_ids else NO_DATA}
        if ind_ids and best is None:  # say which indicator is unknown, and how much is known
            first = ind_ids[0]
            row["indikator"] = first
            if (p["region_code"], first) in long.index:
                row["diketahui"] = long.loc[(p["region_code"], first), "diketahui"]
        if best is not None:
            ind_id, ev = best
            need = int(ev["perlu"])
            answered = min(reach, need)
            row.update(indikator=ind_id, nilai_indikator=float(ev["nilai"]),
                       peringkat_kelurahan=int(ev["peringkat"]),
                       kelurahan_diperingkat=int(ev["n_diperingkat"]),
                       rumah_tangga_perlu=need, diketahui=float(ev["diketahui"]),
                       biaya_per_rumah_tangga=(float(p["anggaran"]) / answered
                                               if answered > 0 else None),
                       top_n=bool(ev["peringkat"] <= top) and has_need(ind_id, need),
                       bukti=EVIDENCE,
                       peringkat_kelurahan_forum=_int_or_none(ev["peringkat_forum"]),
                       kelurahan_diperingkat_forum=int(ev["n_diperingkat_forum"]),
                       top_n_forum=(bool(ev["peringkat_forum"] <= top) and has_need(ind_id, need)
                                    if pd.notna(ev["peringkat_forum"]) else None))
        rows.append(row)
    columns = ["id", "kode", "kelurahan", "opd", "kegiatan", "sumber", "status", "alasan",
               "volume", "satuan", "anggaran", "jangkauan_rumah_tangga", "indikator",
               "nilai_indikator", "peringkat_kelurahan", "kelurahan_diperingkat",
               "rumah_tangga_perlu", "diketahui", "biaya_per_rumah_tangga", "top_n", "bukti",
               *FORUM_RANKS.values()]
    out = pd.DataFrame(rows, columns=columns)
    out["perlu_tersembunyi"], out["nilai_tersembunyi"] = hidden_of(table, out)
    # the share known (denominator ÷ population) would give a hidden one back
    out["diketahui_tersembunyi"] = _per_row(table, out, known_share_hidden)
    for column in ("peringkat_kelurahan", "kelurahan_diperingkat", "rumah_tangga_perlu",
                   "peringkat_kelurahan_forum", "kelurahan_diperingkat_forum"):
        out[column] = pd.to_numeric(out[column]).astype("Int64")
    for column in ("nilai_indikator", "diketahui", "biaya_per_rumah_tangga"):
        out[column] = pd.to_numeric(out[column]).astype(float)
    out["top_n"] = out["top_n"].astype("boolean")
    out["top_n_forum"] = out["top_n_forum"].astype("boolean")
    return out


def hidden_of(table: pd.DataFrame, rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per row (``kode``, ``indikator``), as the forum's map hides them: (the kelurahan's
    count of that indicator, :func:`geo.forum.need_hidden`: a small one, or one hidden so
    that a total cannot give a small one back; its rate: the count or the denominator hidden,
    :func:`geo.forum.denominator_hidden`). A forum sees nothing worked out from either."""
    need = _per_row(table, rows, need_hidden)
    return need, need | _per_row(table, rows, denominator_hidden)


def rate_hidden_of(table: pd.DataFrame, rows: pd.DataFrame) -> np.ndarray:
    """Per row: the forum's map hides that kelurahan's rate (:func:`hidden_of`)."""
    return hidden_of(table, rows)[1]


def _per_row(table: pd.DataFrame, rows: pd.DataFrame,
             hidden_of: Callable[[pd.DataFrame, str], pd.Series]) -> np.ndarray:
    out = np.zeros(len(rows), dtype=bool)
    for ind_id in rows["indikator"].dropna().unique():
        try:
            hidden = hidden_of(table, ind_id)
        except KeyError:  # a table without the column (an indicator it does not hold)
            continue
        mine = (rows["indikator"] == ind_id).to_numpy()
        out[mine] = hidden.reindex(rows.loc[mine, "kode"]).fillna(False).to_numpy(dtype=bool)
    return out


def score(ev: pd.DataFrame, weights: Weights = DEFAULT_WEIGHTS, hide: bool = False
          ) -> pd.DataFrame:
    """``ev`` with the score's parts (``bagian_<part>``, 0–1), ``skor`` (0–100) and
    ``peringkat_opd`` (rank within the OPD, same score = same rank), sorted by OPD then score;
    proposals without evidence keep empty parts and score and come last in their OPD.

    ``hide`` (a forum): the largest need and the cheapest cost that the parts divide by are
    taken over the proposals whose need is shown, so that no shown part or score carries a
    hidden small need (the cost part of every proposal is the cheapest cost ÷ its own, and a
    cost per household is the budget ÷ the need)."""
    out = ev.copy()
    if hide:  # the ranks among the rates a forum sees (see module note)
        for column, forum in FORUM_RANKS.items():
            if forum in out.columns:
                out[column] = out[forum]
    out = out.drop(columns=[c for c in FORUM_RANKS.values() if c in out.columns])
    scored = out["bukti"] == EVIDENCE
    need = pd.to_numeric(out["rumah_tangga_perlu"], errors="coerce").astype(float)
    reach = pd.to_numeric(out["jangkauan_rumah_tangga"], errors="coerce").astype(float)
    cost = pd.to_numeric(out["biaya_per_rumah_tangga"], errors="coerce").astype(float)
    rank = pd.to_numeric(out["peringkat_kelurahan"], errors="coerce").astype(float)
    ranked = pd.to_numeric(out["kelurahan_diperingkat"], errors="coerce").astype(float)
    hidden_need = is_small(need.to_numpy()) | ev.get(
        "perlu_tersembunyi", pd.Series(False, index=ev.index)).to_numpy(dtype=bool)
    base = scored & ~hidden_need if hide else scored
    most = need[base].max() if base.any() else np.nan
    cheapest = cost[base].min() if base.any() else np.nan
    with np.errstate(invalid="ignore", divide="ignore"):
        parts = {
            "kebutuhan": np.where(most > 0, need / most, 0.0),
            "jangkauan": np.where(need > 0, np.minimum(reach, need) / need, 0.0),
            "biaya": np.where(cost > 0, cheapest / cost, 0.0),
            "peringkat": np.where(ranked > 0, (ranked - rank + 1) / ranked, 0.0),
        }
    total = sum(weights.parts().values())
    skor = np.zeros(len(out))
    for name, w in weights.parts().items():
        part = np.where(scored, np.nan_to_num(parts[name]), np.nan)
        out[f"bagian_{name}"] = part
        skor = skor + w * np.nan_to_num(part)
    out["skor"] = np.where(scored, 100 * skor / total if total > 0 else np.nan, np.nan)
    out["skor"] = out["skor"].round(1)
    out["peringkat_opd"] = out.groupby("opd")["skor"].rank(method="min", ascending=False
                                                          ).astype("Int64")
    order = out.assign(_none=out["skor"].isna()).sort_values(
        ["opd", "_none", "skor", "id"], ascending=[True, True, False, True], kind="stable")
    return order.drop(columns="_none").reset_index(drop=True)


RANK_COLUMNS = ["id", "kelurahan", "opd", "kegiatan", "indikator", "nilai_indikator",
                "peringkat_kelurahan", "rumah_tangga_perlu", "biaya_per_rumah_tangga", "skor"]


def ranking(engine: Engine, period: str | None = None, opd: str | None = None,
            weights: Weights = DEFAULT_WEIGHTS, top: int = DEFAULT_TOP) -> pd.DataFrame:
    """The ranked proposals with evidence and score parts (optionally of one OPD)."""
    ev, _ = evidence(engine, period, top)
    ranked = score(ev, weights)
    if opd:
        ranked = ranked[ranked["opd"].map(kamus.key) == kamus.key(opd)].reset_index(drop=True)
    return ranked
