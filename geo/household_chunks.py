"""One chunk of a register through the rules, and the tally of a whole import.

Both engines of ``import-households`` run the same two steps: :func:`check_chunk` on every chunk
(blank rows skipped, values mapped and validated by :func:`geo.household_checks.convert_chunk`,
rows linked by :func:`geo.link.link_frame`), on this machine (:mod:`geo.households`) or on a
Dask worker, partition by partition (:mod:`geo.household_dask`); then an :class:`ImportTally`
takes the checked chunks in file order, hands their rows to the snapshot writer, and ends with
the pass that needs the whole register (duplicate ids and NIK, :mod:`geo.household_duplicates`),
the quarantine and the counts. One set of rules, two engines.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.household_checks import Issues, convert_chunk
from geo.household_duplicates import digit_keys, mark_duplicates
from geo.household_plan import ImportPlan, blank_rows
from geo.link import RegionIndex, link_counts, link_frame
from geo.register_errors import EXAMPLE_ROWS, nothing_accepted
from geo.register_files import rows_json
from geo.schema import LINK_COLUMNS
from geo.snapshot_writer import SnapshotWriter

REPORT_VALUES = 200  # distinct values per column listed in a snapshot's report


@dataclass
class CheckedChunk:
    """What the rules made of one chunk of text rows."""

    last_row: int  # row number of the chunk's last line read (blank lines too)
    linked: pd.DataFrame | None  # typed rows with LINK_COLUMNS, rejected ones too; None: blank
    keep: np.ndarray  # rows accepted within the chunk
    reasons: dict[int, list[str]]  # position in the chunk -> reasons
    rejected: dict[int, str]  # row number -> original values (JSON) of rejected rows
    id_keys: np.ndarray | None = None
    nik_keys: np.ndarray | None = None
    kinds: Counter = field(default_factory=Counter)
    repairs: Counter = field(default_factory=Counter)
    unmapped: dict[str, Counter] = field(default_factory=dict)

    def shift(self, by: int) -> None:
        """Renumber the rows by ``by`` (the files of one register numbered as one file)."""
        self.last_row += by
        if by and self.linked is not None:
            self.linked["row_number"] += by
            self.rejected = {r + by: v for r, v in self.rejected.items()}


def check_chunk(chunk: pd.DataFrame, plan: ImportPlan, regions: RegionIndex) -> CheckedChunk:
    """A chunk of text rows (with ``_row``) checked, typed and linked under ``plan``."""
    repairs: Counter = Counter()
    unmapped: dict[str, Counter] = {}
    last_row = int(chunk["_row"].iat[-1]) if len(chunk) else 0
    blank = blank_rows(chunk, plan.format.headers)
    if blank.any():
        repairs["baris_kosong_dilewati"] += int(blank.sum())
        chunk = chunk.loc[~blank]
    if chunk.empty:
        return CheckedChunk(last_row, None, np.zeros(0, dtype=bool), {}, {}, repairs=repairs)
    chunk = chunk.reset_index(drop=True)
    issues = Issues()
    typed = convert_chunk(chunk, plan, issues, unmapped, repairs)
    positions = sorted(issues.reasons)
    rejected = dict(zip(chunk["_row"].to_numpy()[positions].tolist(),
                        rows_json(chunk, positions)))
    id_keys = digit_keys(typed["id_keluarga"])
    nik_keys = digit_keys(typed["nik_krt"])
    keep = np.ones(len(typed), dtype=bool)
    keep[positions] = False
    linked = _linked(typed, regions)  # rejected rows too: cheaper than a copy without them
    return CheckedChunk(last_row, linked, keep, issues.reasons, rejected, id_keys, nik_keys,
                        issues.kinds, repairs, unmapped)


def _linked(part: pd.DataFrame, regions: RegionIndex) -> pd.DataFrame:
    """Accepted rows with their LINK_COLUMNS; the link note follows the row's own notes."""
    links = link_frame(part, regions)
    notes = part.pop("_catatan").astype(object)
    extra = links["link_note"].astype(object)
    links["link_note"] = notes.where(extra.isna(), extra).where(
        notes.isna(), notes.where(extra.isna(), notes + "; " + extra))
    return pd.concat([part, links[list(LINK_COLUMNS)]], axis=1)  # no copy of the columns


class ImportTally:
    """The checked chunks of one import, taken in file order: their rows go to the writer as
    they come; what only the whole register shows (duplicates) is decided in :meth:`finish`."""

    def __init__(self) -> None:
        self.keys: list[pd.DataFrame] = []  # row_number, id_keluarga, nik_krt of every row
        self.id_keys: list[np.ndarray | None] = []  # their digit_keys per chunk
        self.nik_keys: list[np.ndarray | None] = []
        self.links: list[pd.DataFrame] = []  # row_number and link columns of stored rows
        self.rejected: dict[int, str] = {}  # raw values of rows rejected within their chunk
        self.reasons: dict[int, list[str]] = {}  # reasons by position among all rows read
        self.repairs: Counter = Counter()
        self.unmapped: dict[str, Counter] = {}
        self.kinds: Counter = Counter()
        self.rows_read = 0

    def add(self, part: CheckedChunk, writer: SnapshotWriter) -> None:
        self.repairs.update(part.repairs)
        for column, values in part.unmapped.items():
            self.unmapped.setdefault(column, Counter()).update(values)
        self.kinds.update(part.kinds)
        if part.linked is None:
            return
        linked = part.linked
        for i, reasons in part.reasons.items():
            self.reasons[self.rows_read + i] = reasons
        self.rejected.update(part.rejected)
        self.keys.append(linked[["row_number", "id_keluarga", "nik_krt"]])
        self.id_keys.append(part.id_keys)
        self.nik_keys.append(part.nik_keys)
        self.links.append(linked.loc[part.keep, ["row_number", "link_method",
                                                 "link_conflict"]])
        writer.add(linked, part.keep)
        self.rows_read += len(linked)

    def finish(self, writer: SnapshotWriter, plan: ImportPlan, regions_available: int,
               original: Callable[[set[int]], dict[int, str]],
               step: Callable[[float, str], None], extra: dict | None = None
               ) -> tuple[dict, dict]:
        """Duplicates across the register, the quarantine, the counts and the report, written;
        ``original``: the original values (JSON) of the given row numbers, read again;
        ``extra``: more entries of the report. Returns (counts, report)."""
        step(0.96, "Mencari id keluarga dan NIK ganda…")
        every = pd.concat(self.keys, ignore_index=True)
        self.keys = []
        reasons_all = self.reasons
        first_bad = set(reasons_all)
        mark_duplicates(every, plan, reasons_all, self.kinds, self.id_keys, self.nik_keys)
        bad = np.zeros(self.rows_read, dtype=bool)
        if reasons_all:
            bad[list(reasons_all)] = True
        row_numbers = every["row_number"].to_numpy()
        del every
        if bad.all():  # refused before anything is committed: the period in force stays
            raise nothing_accepted(plan.source, self.rows_read, [
                (int(row_numbers[i]), "; ".join(reasons_all[i]))
                for i in range(min(len(bad), EXAMPLE_ROWS))])
        stored = pd.concat(self.links, ignore_index=True)
        late = row_numbers[sorted(set(reasons_all) - first_bad)]  # stored, then found bad
        if len(late):
            writer.drop(late.tolist())  # not waited for: the writer works while we read below
            stored = stored[~stored["row_number"].isin(late)]
        # original values of rejected rows: kept from their chunk, or read again for rows
        # rejected only when the whole register was seen (duplicates)
        rejected = self.rejected
        need = set(row_numbers[bad].tolist()) - set(rejected)
        if need:
            rejected.update(original(need))
        quarantine = pd.DataFrame({
            "row_number": row_numbers[bad],
            "values_json": [rejected.get(int(r), "{}") for r in row_numbers[bad]],
            "reasons": ["; ".join(reasons_all[i]) for i in np.flatnonzero(bad)],
        })
        counts = {"rows_read": self.rows_read, "accepted": int((~bad).sum()),
                  "quarantined": int(bad.sum()), **link_counts(stored)}
        unmapped = self.unmapped
        report = {
            **plan.to_dict(),
            "unmapped_values": {c: dict(v.most_common(REPORT_VALUES)) for c, v in
                                unmapped.items() if v},
            "unmapped_value_counts": {c: int(sum(v.values())) for c, v in unmapped.items()
                                      if v},
            "repairs": {k: v for k, v in self.repairs.items() if v},
            "sheets_note": plan.format.sheets_note(),  # a register over several XLSX sheets
            "quarantine_reasons": dict(self.kinds),
            "regions_available": regions_available,
            "value_maps": {c: dict(list(m.items())[:REPORT_VALUES]) for c, m in
                           plan.value_maps.items()},
            **(extra or {}),
        }
        step(0.98, "Menyimpan karantina dan ringkasan…")
        writer.finish(quarantine, counts, report)
        return counts, report
