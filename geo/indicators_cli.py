"""``python -m geo indicators``: the table behind the map, for the whole register of a period.

Columns ``kode``, ``nama``, ``rumah_tangga``, ``jiwa`` and one household-count column per
indicator id, one row per region of the level (regions without households count 0).
Households not linked to any kelurahan are not in any row; their number goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys

import pandas as pd
from sqlalchemy import Engine

from geo import indicators, store

LEVELS = ("kelurahan", "kecamatan", "kota")


def indicator_table(engine: Engine, period: str | None = None, level: str = "kelurahan",
                    settings: indicators.Settings = indicators.DEFAULT_SETTINGS,
                    ) -> tuple[pd.DataFrame, int]:
    """(table, households not linked) for the snapshot of ``period`` (default: the newest)."""
    snapshot = store.snapshot_for(engine, period)
    if snapshot is None:
        raise LookupError(f"Tidak ada data untuk periode {period}." if period
                          else "Belum ada data rumah tangga di basis data.")
    households = store.load_households(engine, int(snapshot["id"]),
                                       list(indicators.RULE_COLUMNS))
    ids = tuple(ind.id for ind in indicators.INDICATORS)
    kel, unlinked = indicators.area_counts(indicators.prepare(households, settings), ids=ids,
                                           detail=())
    table = indicators.roll_up(kel, level)
    regions = store.load_regions(engine, level=level)
    out = pd.DataFrame({"kode": regions["kode"], "nama": regions["nama"]})
    counts = table.reindex(regions["kode"]).fillna(0).astype("int64")
    for column in ("rumah_tangga", "jiwa", *ids):
        out[column] = counts[column].to_numpy()
    # areas with households but no boundary (codes of another scheme) are kept, named by code
    extra = table.index.difference(regions["kode"])
    if len(extra):
        rows = table.loc[extra, ["rumah_tangga", "jiwa", *ids]].astype("int64")
        rows.insert(0, "nama", "")
        out = pd.concat([out, rows.reset_index()], ignore_index=True)
    return out.reset_index(drop=True), int(unlinked["rumah_tangga"])




def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--period", metavar="YYYY-MM", help="periode data (bawaan: terbaru)")
    parser.add_argument("--level", choices=LEVELS, default="kelurahan",
                        help="tingkat wilayah (bawaan: kelurahan)")
    parser.add_argument("--format", choices=("csv", "json"), default="csv",
                        help="format keluaran (bawaan: csv)")


def run(args: argparse.Namespace) -> int:
    try:
        table, unlinked = indicator_table(store.get_engine(), args.period, args.level)
    except LookupError as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.format == "json":
        json.dump(table.to_dict(orient="records"), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        table.to_csv(sys.stdout, index=False)
    if unlinked:
        print(f"{unlinked} rumah tangga belum tertaut ke kelurahan (tidak masuk tabel).",
              file=sys.stderr)
    return 0
