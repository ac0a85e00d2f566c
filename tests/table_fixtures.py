"""Small table files for the importers' broken-input tests: for each importer a clean file
and how to read back what it stored (tests/test_table_files.py, tests/test_damaged_files.py),
and :func:`damage`, random byte damage of a file."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from geo import store
from geo.households import import_households
from geo.proposals.importer import import_proposals, load_proposals
from geo.referrals.log import import_referrals
from geo.referrals.measures import load_referrals
from geo.referrals.points import import_points, load_points
from tests import corpus, proposal_fixtures, referral_fixtures


@dataclass
class Kind:
    """One importer: its clean file (bytes, data rows, field separator), its stored rows."""

    name: str
    prepare: Callable[[Engine, Path], bytes]
    run: Callable[[Engine, Path], object]
    stored: Callable[[Engine], pd.DataFrame]
    sep: bytes = b","
    text: str = ""  # a column of free text, stored as written
    replaces: bool = True  # a file replaces all that is stored (points: the types it holds;
    # proposals: those of its own file name)


def _referrals(engine: Engine, folder: Path) -> bytes:
    truth = referral_fixtures.generated_log(engine, 20, 5)
    return referral_fixtures.write(truth.log, folder, "bersih.csv").read_bytes()


def _points(engine: Engine, folder: Path) -> bytes:
    referral_fixtures.small_city(engine)
    n = 12
    frame = pd.DataFrame({"nama": [f"Puskesmas {i}" for i in range(n)], "jenis": "puskesmas",
                          "lintang": np.linspace(-6.30, -6.25, n).round(5),
                          "bujur": np.linspace(106.70, 106.75, n).round(5)})
    frame.to_csv(folder / "bersih.csv", index=False)
    return (folder / "bersih.csv").read_bytes()


def _proposals(engine: Engine, folder: Path) -> bytes:
    kel = proposal_fixtures.proposal_city(engine)
    rows = [{"No. Usulan": f"U-{i}", "jenis_usul": "ASMAS", "kecamatan": kel["kecamatan"].iat[i],
             "desa": kel["nama"].iat[i], "kode_kelurahan": kel["kode"].iat[i],
             "giat_teks": "Bedah rumah (rehab RTLH)", "masalah": "Rumah tidak layak huni",
             "skpd": "Dinas Perkim", "vol": "2", "satuan": "unit", "pagu": "150.000.000",
             "status": "Diterima"} for i in range(10)]
    return proposal_fixtures.write_csv(folder / "bersih.csv", rows).read_bytes()


def _register(engine: Engine, folder: Path) -> bytes:
    store.replace_regions(engine, corpus.region_table())
    return corpus.write_csv(corpus.clean(), folder / "bersih.csv").read_bytes()


def _households(engine: Engine) -> pd.DataFrame:
    snapshot = store.snapshot_for(engine, PERIOD)
    return store.load_households(engine, int(snapshot["id"])).sort_values("row_number",
                                                                          ignore_index=True)


PERIOD = "2026-09"
REGISTER = Kind("register", _register, lambda e, p: import_households(e, p, PERIOD),
                _households, text="NAMA_KRT")
KINDS = [
    Kind("rujukan", _referrals, lambda e, p: import_referrals(e, p), load_referrals,
         text="DIRUJUK_KE"),
    Kind("titik", _points, lambda e, p: import_points(e, p), lambda e: load_points(e),
         text="nama", replaces=False),
    Kind("usulan", _proposals, lambda e, p: import_proposals(e, p), load_proposals, b";",
         text="masalah", replaces=False),
]


# what damage writes: the bytes CSV parsers and decoders trip on
TOKENS = (b'"', b",", b";", b"\n", b"\r", b"\r\n", b"\x00", b"\xff", b"\xc3", b"\x9d", b"=",
          b"-", b"1e5", b"\t", b"  ", b"NaN", b"\xef\xbb\xbf", b"'", b"#",
          b"99999999999999999999", b"-1", b"1,5")


def damage(rng: random.Random, data: bytes) -> bytes:
    """``data`` with 1–6 random edits: a byte deleted, replaced or a token inserted, the file
    cut short, a line repeated, a field replaced by a token."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        op, at = rng.random(), rng.randrange(len(out)) if out else 0
        if op < 0.3:
            out[at:at + 1] = b""
        elif op < 0.6:
            out[at:at] = rng.choice(TOKENS)
        elif op < 0.7:
            out = out[:at]
        elif op < 0.9:
            out[at:at + 1] = bytes([rng.randrange(256)])
        else:
            lines = bytes(out).split(b"\n")
            j = rng.randrange(len(lines))
            if op < 0.95:
                lines.insert(j, lines[rng.randrange(len(lines))])
            else:
                fields = lines[j].split(b",")
                fields[rng.randrange(len(fields))] = rng.choice(TOKENS)
                lines[j] = b",".join(fields)
            out = bytearray(b"\n".join(lines))
    return bytes(out)
