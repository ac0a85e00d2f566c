"""Re-linking a period stored as a Parquet dataset (``--storage dataset``) against new
boundaries, as :func:`geo.snapshot_writer.relink_all` does for the households table.

The rows are read one partition file at a time (both datasets of the partition: every column),
linked again by the same rules (:func:`geo.link.relink_rows`), and staged by their *new*
kabupaten/kota; the staged rows are then written as a new dataset beside the old one
(:func:`geo.household_dataset.write_kabupaten`, one file per kecamatan) and published under a
new name. The caller records the new location in the boundary import's transaction; the old
folder is removed only after that commit (:func:`finish`), the new one if it fails. Memory is
that of one partition file and of one kabupaten/kota's rows, as in the import.
"""

from __future__ import annotations

import posixpath
from collections import Counter

import pandas as pd
import pyarrow as pa

from geo import household_dataset, link
from geo.household_dataset import Target
from geo.link import LINK_COUNT_KEYS, LINK_INPUT, RegionIndex, Relinked
from geo.schema import LINK_COLUMNS


def relink_dataset(snapshot_id: int, period: str, location: str, regions: RegionIndex
                   ) -> tuple[Relinked, str | None]:
    """The period's rows linked again; returns what changed and the new dataset's location
    (published, not yet recorded), or None when no row's link changed (the dataset stays)."""
    out = Relinked(snapshot_id=int(snapshot_id), changes=pd.DataFrame(), counts={})
    totals: Counter = Counter()
    target = Target.new(period, posixpath.dirname(location.rstrip("/")))
    target.create()
    try:
        files = household_dataset.dataset_files(location)
        kabupaten: set[str] = set()
        changed = False
        for index, path in enumerate(files):
            table = household_dataset.read_partition(location, path)
            frame = table.select(LINK_INPUT).to_pandas()
            new, differs = link.relink_rows(frame, regions, out, totals)
            changed = changed or bool(differs.any())
            for name in LINK_COLUMNS:
                column = new[name].astype(object).where(new[name].notna(), None)
                table = table.set_column(table.schema.get_field_index(name), name,
                                         pa.array(column.tolist(), table.schema.field(name).type))
            kabupaten.update(household_dataset.stage_table(target, index, table))
        out.counts = {k: int(totals.get(k, 0)) for k in LINK_COUNT_KEYS}
        if not changed:
            household_dataset.remove(target.temp)
            return out, None
        for kab in sorted(kabupaten):
            household_dataset.write_kabupaten(target, kab, [0] * len(files), [])
        household_dataset.publish(target)
    except BaseException:
        household_dataset.remove(target.temp)
        household_dataset.remove(target.final)
        raise
    return out, target.final


def finish(replaced: list[tuple[str, str]], committed: bool) -> None:
    """After the boundary import's transaction: the old datasets go (committed), or the new
    ones (rolled back)."""
    for old, new in replaced:
        household_dataset.remove(old if committed else new)
