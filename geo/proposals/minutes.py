"""The forum's tables in Indonesian and the berita acara (minutes) as Excel.

One table serves the page, the Excel and the PDF (:mod:`geo.proposals.minutes_pdf`): the ranked
proposals with their evidence, score parts and decisions; the unanswered need; the notes
(period, weights, method). With ``hide`` small household counts are "< 5" and what would
reveal them (the rate, the cost per household, the ranks, the score and its parts) is "–",
the proposal unranked at the end of its OPD (:mod:`geo.suppression`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo import exports, indicators
from geo.fmt import fmt_date, fmt_int, fmt_num, fmt_period
from geo.proposals.evidence import (
    DEFAULT_WEIGHTS,
    EVIDENCE,
    PART_LABELS,
    SCORE_METHOD,
    Weights,
)
from geo.proposals.values import SOURCES, STATUSES
from geo.suppression import count_text, hidden_too, is_small, small_count_note

RANK_SHEET, GAP_SHEET, DECISION_SHEET = "Peringkat usulan", "Kebutuhan tanpa usulan", "Keputusan"


def indicator_label(ind_id: object) -> str:
    return indicators.get(ind_id).label if isinstance(ind_id, str) and ind_id in \
        indicators.BY_ID else "–"


def _rupiah(value: object) -> str:
    return "–" if value is None or pd.isna(value) else f"Rp {fmt_int(float(value))}"


def when(value: object) -> str:
    """``5 Des 2026 14:03 UTC``."""
    t = pd.Timestamp(value)
    return f"{fmt_date(t)} {t:%H:%M} UTC"


def _secret(ranked: pd.DataFrame, hide: bool) -> np.ndarray:
    """Proposals whose kelurahan's rate the forum's map hides: its need is hidden (a small
    count, or one hidden so that a total cannot give a small one back:
    ``perlu_tersembunyi``) or its denominator is (``nilai_tersembunyi``). Nothing worked out
    from the rate is shown for them."""
    return hide & (ranked["bukti"] == EVIDENCE).to_numpy() & (
        _need_secret(ranked) | _flag(ranked, "nilai_tersembunyi"))


def _need_secret(rows: pd.DataFrame) -> np.ndarray:
    """The need itself is hidden (the map shows it "< 5" or "–")."""
    need = pd.to_numeric(rows["rumah_tangga_perlu"], errors="coerce").to_numpy(dtype=float)
    return is_small(need) | _flag(rows, "perlu_tersembunyi")


def _flag(rows: pd.DataFrame, column: str) -> np.ndarray:
    return rows.get(column, pd.Series(False, index=rows.index)).fillna(
        False).to_numpy(dtype=bool)


def _need_text(need: object, secret: bool, hide: bool) -> str:
    """The need as a forum reads it: "< 5", "–" when hidden to protect another, or the
    count."""
    return hidden_too([count_text(need, hide)], [secret])[0]


def ranking_table(ranked: pd.DataFrame, decisions: pd.DataFrame | None = None,
                  hide: bool = True) -> pd.DataFrame:
    """The ranked proposals as the forum reads them (text cells, Indonesian style). With
    ``hide``, a proposal whose need is a small count shows none of what is worked out from it
    (rate, ranks, cost, score and its parts: each would give the count back) and comes last in
    its OPD, unranked (:func:`geo.suppression.hidden_last`'s rule)."""
    decisions = decisions if decisions is not None else pd.DataFrame(
        columns=["oleh", "pada"])
    secrets = _secret(ranked, hide)
    order = np.lexsort((np.arange(len(ranked)), secrets,
                        pd.factorize(ranked["opd"], sort=False)[0])) if hide else \
        np.arange(len(ranked))
    rows = []
    need_secrets = hide & _need_secret(ranked)
    # a forum's OPD rank counts the shown scores only: a hidden one ranked among them would
    # leave a gap in the ranks that tells where it lies
    opd_rank = ranked["skor"].where(~secrets).groupby(ranked["opd"]).rank(
        method="min", ascending=False).astype("Int64") if hide else ranked["peringkat_opd"]
    for r, secret, need_secret, rank in zip(ranked.iloc[order].to_dict(orient="records"),
                                            secrets[order], need_secrets[order],
                                            opd_rank.to_numpy()[order]):
        has = r["bukti"] == EVIDENCE
        need = r["rumah_tangga_perlu"]
        shown = has and not secret
        dec = decisions.loc[r["id"]] if r["id"] in decisions.index else None
        row = {
            "Peringkat OPD": fmt_int(rank) if pd.notna(rank) and not secret else "–",
            "ID": r["id"], "OPD": r["opd"], "Kelurahan": r["kelurahan"],
            "Kegiatan": r["kegiatan"], "Sumber": SOURCES.get(r["sumber"], r["sumber"] or "–"),
            "Volume": f"{fmt_num(r['volume'], 0)} {r['satuan'] or ''}".strip(),
            "Anggaran": _rupiah(r["anggaran"]),
            "Indikator": indicator_label(r["indikator"]),
            "Bukti": r["bukti"],
            "Nilai indikator": ("–" if secret else f"{fmt_num(r['nilai_indikator'], 1)}%")
            if has else indicators.NO_DATA if r["indikator"] else "–",
            "Peringkat kelurahan": (f"{fmt_int(r['peringkat_kelurahan'])} dari "
                                    f"{fmt_int(r['kelurahan_diperingkat'])}") if shown else "–",
            "Rumah tangga perlu": _need_text(need, secret and need_secret, hide) if has else (
                indicators.NO_DATA if r["indikator"] else "–"),
            "Jangkauan (rumah tangga)": fmt_num(r["jangkauan_rumah_tangga"], 0),
            "Biaya per rumah tangga perlu": "–" if secret or not has
            else _rupiah(r["biaya_per_rumah_tangga"]),
            "Top N": ("ya" if r["top_n"] else "tidak") if shown else "–",
            "Diketahui": "–" if hide and r.get("diketahui_tersembunyi") or pd.isna(
                r["diketahui"]) else f"{fmt_num(100 * r['diketahui'], 0)}%",
            **{f"Bagian {p}": fmt_num(r[f"bagian_{p}"], 2) if shown else "–"
               for p in Weights().parts()},
            "Skor": "–" if secret else fmt_num(r["skor"], 1) if pd.notna(r["skor"])
            else "tanpa skor",
            "Status": STATUSES.get(r["status"], r["status"]),
            "Alasan": r["alasan"] if isinstance(r["alasan"], str) else "",
            "Diputuskan oleh": dec["oleh"] if dec is not None else "",
            "Diputuskan pada": when(dec["pada"]) if dec is not None else "",
        }
        rows.append(row)
    return pd.DataFrame(rows, columns=RANKING_COLUMNS)


# the forum reads the score and the evidence first, the file's details after
RANKING_COLUMNS = [
    "Peringkat OPD", "ID", "OPD", "Kelurahan", "Kegiatan", "Skor", "Bukti", "Indikator",
    "Nilai indikator", "Peringkat kelurahan", "Rumah tangga perlu", "Jangkauan (rumah tangga)",
    "Biaya per rumah tangga perlu", "Top N", "Anggaran", "Volume", "Sumber",
    *[f"Bagian {p}" for p in DEFAULT_WEIGHTS.parts()], "Diketahui", "Status", "Alasan",
    "Diputuskan oleh", "Diputuskan pada"]


def gap_table(gap: pd.DataFrame, hide: bool = True) -> pd.DataFrame:
    """The unanswered need; with ``hide`` a rate the forum's map hides (its count or its
    denominator hidden) and its rank are "–" (the rank would place the hidden rate between its
    neighbours'), and a hidden count is "< 5" or "–"."""
    need_secret = hide & _need_secret(gap)
    secret = need_secret | (hide & _flag(gap, "nilai_tersembunyi"))
    return pd.DataFrame({
        "OPD": gap["opd"], "Kelurahan": gap["kelurahan"],
        "Indikator": [indicator_label(i) for i in gap["indikator"]],
        "Nilai indikator": ["–" if x else f"{fmt_num(v, 1)}%"
                            for v, x in zip(gap["nilai_indikator"], secret)],
        "Peringkat kelurahan": ["–" if x else fmt_int(r)
                                for r, x in zip(gap["peringkat_kelurahan"], secret)],
        "Rumah tangga perlu": [_need_text(n, x, hide)
                               for n, x in zip(gap["rumah_tangga_perlu"], need_secret)],
    })


def decision_table(history: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "ID": history["id_usulan"], "Keputusan": history["status"].map(STATUSES),
        "Alasan": history["alasan"].fillna(""),
        "Periode bukti": history["periode_bukti"].map(fmt_period),
        "Oleh": history["oleh"],
        "Pada": [when(t) for t in history["pada"]],
    })


@dataclass(frozen=True)
class Minutes:
    """What the berita acara holds."""

    period: str
    weights: Weights
    top: int
    opd: str | None
    ranking: pd.DataFrame  # ranking_table
    gaps: pd.DataFrame  # gap_table
    decisions: pd.DataFrame  # decision_table
    hide: bool

    def notes(self) -> pd.DataFrame:
        lines = [
            ("Dokumen", "Berita acara Forum OPD / Musrenbang: usulan beserta bukti register"),
            ("Periode data register", fmt_period(self.period)),
            ("OPD", self.opd or "semua OPD"),
            ("Metode skor", SCORE_METHOD),
            *[(PART_LABELS[k], f"bobot {fmt_num(v, 1)}") for k, v in
              self.weights.parts().items()],
            ("Top N", f"kelurahan peringkat 1–{self.top} di kabupaten/kotanya untuk indikator "
                      "itu"),
            ("Biaya per rumah tangga perlu",
             "anggaran ÷ min(jangkauan, rumah tangga perlu); jangkauan = volume × rumah "
             "tangga per satuan (kamus usulan)"),
            ("Tidak diketahui", f"“{indicators.NO_DATA}”: nilai indikator kelurahan tidak "
                                "diketahui (bukan 0), tidak diberi skor"),
            ("Angka kecil", small_count_note() if self.hide else "Tidak disembunyikan"),
            ("Jumlah usulan", fmt_int(len(self.ranking))),
            ("Kebutuhan tanpa usulan", fmt_int(len(self.gaps))),
        ]
        return pd.DataFrame(lines, columns=["Hal", "Keterangan"])

    def excel(self) -> bytes:
        """The berita acara workbook: ranked proposals, unanswered need, decisions, notes."""
        return exports.xlsx([exports.Table(self.ranking, RANK_SHEET),
                             exports.Table(self.gaps, GAP_SHEET),
                             exports.Table(self.decisions, DECISION_SHEET)], self.notes())

    def pdf(self) -> bytes:
        from geo.proposals.minutes_pdf import minutes_pdf

        return minutes_pdf(self)


def minutes_for(engine, period: str | None = None, weights: Weights = DEFAULT_WEIGHTS,  # noqa: ANN001
                top: int = 10, opd: str | None = None, hide: bool = True,
                settings: indicators.Settings = indicators.DEFAULT_SETTINGS) -> Minutes:
    """The berita acara of the stored proposals for the period (default: the newest)."""
    from geo import store
    from geo.proposals import decisions
    from geo.proposals.evidence import evidence, score
    from geo.proposals.gaps import unanswered
    from geo.proposals.importer import load_proposals
    from geo.proposals.kamus import key, load, opd_indicators

    snapshot = store.snapshot_for(engine, period)
    if snapshot is None:
        raise LookupError("Belum ada data rumah tangga untuk periode itu.")
    ev, table = evidence(engine, snapshot["period"], top, settings)
    ranked = score(ev, weights, hide)
    gap = unanswered(table, load_proposals(engine), opd_indicators(load(engine)), top, hide)
    if opd:
        ranked = ranked[ranked["opd"].map(key) == key(opd)]
        gap = gap[gap["opd"].map(key) == key(opd)]
    return build(snapshot["period"], weights, top, opd, ranked, gap,
                 decisions.history(engine), hide)


def build(period: str, weights: Weights, top: int, opd: str | None, ranked: pd.DataFrame,
          gap: pd.DataFrame, history: pd.DataFrame, hide: bool) -> Minutes:
    """The berita acara of tables already computed (the page's)."""
    history = history[history["id_usulan"].isin(set(ranked["id"]))]
    latest = history.groupby("id_usulan").tail(1).set_index("id_usulan")
    return Minutes(period, weights, top, opd, ranking_table(ranked, latest, hide),
                   gap_table(gap, hide), decision_table(history), hide)


def read_ranking(data: bytes) -> pd.DataFrame:
    """The ranked proposals back from the berita acara workbook (for checks)."""
    import io

    return pd.read_excel(io.BytesIO(data), sheet_name=RANK_SHEET, dtype=str).replace(
        {np.nan: ""})
