"""Linking by name: geo.link's rapidfuzz scoring against difflib's (the former implementation).

    python bench/bench_names.py --rows 200000 --areas 1550 --kecamatan 155
    python bench/bench_names.py --rows 50000 --areas 56

Rows carry only a kelurahan and a kecamatan name (no code, no point), spelled as registers do
(case, "Kel." prefixes, abbreviations, doubled spaces: geo.demo.spelling_variant) and most
with one or two typing errors, so every distinct spelling goes through fuzzy matching. Both
run ``geo.link.link_frame`` on the same rows in the same process, the baseline with the name
scorer swapped for ``difflib`` (``get_close_matches`` for the kecamatan and
``SequenceMatcher.ratio`` for the kelurahan, as geo/link.py did); the script prints both times,
the ratio, and how many rows the two link differently.
"""

from __future__ import annotations

import argparse
import difflib
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo import link  # noqa: E402
from geo.demo import build_city, spelling_variant  # noqa: E402


def difflib_similarity(name: str, choices: Sequence[str]) -> np.ndarray:
    """The former scorer: difflib's ratio (``get_close_matches`` uses the same ratio)."""
    return np.array([difflib.SequenceMatcher(None, name, c).ratio() for c in choices],
                    dtype=float)


class DifflibMatcher(link._NameMatcher):
    """geo.link's name matcher with difflib's scoring: the baseline."""

    similarity = staticmethod(difflib_similarity)


def typo(name: str, rng: np.random.Generator) -> str:
    """One typing error: a letter dropped, doubled, swapped with the next or replaced."""
    if len(name) < 4:
        return name
    i = int(rng.integers(1, len(name) - 1))
    kind = rng.integers(4)
    if kind == 0:
        return name[:i] + name[i + 1:]
    if kind == 1:
        return name[:i] + name[i] + name[i:]
    if kind == 2:
        return name[:i - 1] + name[i] + name[i - 1] + name[i + 1:]
    return name[:i] + "aeiou"[int(rng.integers(5))] + name[i + 1:]


def register_rows(kel: pd.DataFrame, rows: int, seed: int, typos: float) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    pick = rng.integers(len(kel), size=rows)
    names, kecs = [], []
    for i in pick:
        name = spelling_variant(str(kel["nama_kel"].iat[i]), rng)
        for _ in range(int(rng.random() < typos) + int(rng.random() < typos / 4)):
            name = typo(name, rng)
        kec = str(kel["nama_kec"].iat[i])
        names.append(name)
        kecs.append(typo(kec, rng) if rng.random() < typos / 4 else kec)
    frame = pd.DataFrame({"kode_kelurahan": None, "nama_kelurahan": names,
                          "nama_kecamatan": kecs, "lintang": np.nan, "bujur": np.nan})
    frame.attrs["truth"] = kel["kode_kel"].astype(str).to_numpy()[pick]
    return frame


def timed(frame: pd.DataFrame, regions: link.RegionIndex, matcher: type,
          rounds: int) -> tuple[float, pd.DataFrame]:
    saved = link._NameMatcher
    link._NameMatcher = matcher
    try:
        best, out = float("inf"), None
        for _ in range(rounds):
            t = time.perf_counter()
            out = link.link_frame(frame, regions)
            best = min(best, time.perf_counter() - t)
    finally:
        link._NameMatcher = saved
    return best, out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--rows", type=int, default=200_000)
    p.add_argument("--areas", type=int, default=1550, help="kelurahan/desa")
    p.add_argument("--kecamatan", type=int, default=None)
    p.add_argument("--typos", type=float, default=0.8, help="share of names with a typo")
    p.add_argument("--rounds", type=int, default=3, help="best of this many runs each")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)
    kec_n = args.kecamatan or max(1, args.areas // 10)
    radius = 7.5 * (args.areas / 44) ** 0.5

    t = time.perf_counter()
    kel, _ = build_city(args.seed, n_kelurahan=args.areas, n_kecamatan=kec_n, radius_km=radius)
    kec = kel.drop_duplicates("kode_kec")
    regions = link.RegionIndex.from_frames(
        kel.rename(columns={"kode_kel": "kode", "nama_kel": "nama", "kode_kec": "kode_induk"}),
        pd.DataFrame({"kode": kec["kode_kec"], "nama": kec["nama_kec"]}))
    frame = register_rows(kel, args.rows, args.seed, args.typos)
    keys = frame[["nama_kelurahan", "nama_kecamatan"]].drop_duplicates()
    print(f"city: {len(kel)} kelurahan in {len(kec)} kecamatan, built in "
          f"{time.perf_counter() - t:.1f} s; {len(frame):,} rows, {len(keys):,} distinct "
          f"(kelurahan, kecamatan) spellings")

    t_base, base = timed(frame, regions, DifflibMatcher, args.rounds)
    print(f"baseline difflib (get_close_matches + SequenceMatcher.ratio): {t_base:.2f} s")
    t_ours, ours = timed(frame, regions, link._NameMatcher, args.rounds)
    print(f"ours rapidfuzz (Indel similarity, process.cdist): {t_ours:.2f} s")

    a = base["region_code"].astype(object).fillna("").to_numpy()
    b = ours["region_code"].astype(object).fillna("").to_numpy()
    differ = a != b
    print(f"linked by name: difflib {int((a != '').sum()):,}, rapidfuzz {int((b != '').sum()):,}; "
          f"rows linked differently: {int(differ.sum()):,} ({differ.mean():.4%})")
    truth = frame.attrs["truth"]
    for label, got in (("difflib", a), ("rapidfuzz", b)):
        print(f"{label}: right {(got == truth).mean():.2%}, wrong kelurahan "
              f"{((got != '') & (got != truth)).mean():.3%}, unlinked {(got == '').mean():.2%}")
    print(f"speed-up: {t_base / t_ours:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
