"""Household rows as Arrow tables typed as the households table (one definition, shared by
the SQLite writer and the Parquet dataset)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from geo import store
from geo.schema import HOUSEHOLD_COLUMNS, LINK_COLUMNS

ARROW_KIND = {"text": "string", "code": "string", "date": "string", "int": "int64",
              "flag": "int64", "float": "float64"}
COLUMN_KINDS = {"row_number": "int", **HOUSEHOLD_COLUMNS, **LINK_COLUMNS}


def arrow_households(part: pd.DataFrame, snapshot_id: int) -> pa.Table:
    """The rows as an Arrow table of the households table's columns and SQL types."""
    names, arrays = ["snapshot_id"], [pa.array(np.full(len(part), snapshot_id, np.int64))]
    for name in store.HOUSEHOLD_TABLE_COLUMNS:
        if name not in part:
            continue
        array = pa.array(part[name], from_pandas=True)
        if pa.types.is_dictionary(array.type):
            array = array.dictionary_decode()
        names.append(name)
        arrays.append(array.cast(ARROW_KIND[COLUMN_KINDS[name]]))
    return pa.Table.from_arrays(arrays, names=names)
