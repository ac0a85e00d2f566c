"""The pre-aggregated cube of a period: what the pages count, summed over households alike.

Why: a filter change counts households per kelurahan (:func:`geo.indicators.area_counts`).
At millions of households that means millions of rows per rerun, and loading them at all is
the slow first load. But the sidebar filters only ever ask about a household's kelurahan, its
desil, whether it receives each program and whether it has a member of each vulnerable group.
Households alike in all of these are a *cell*; summing every count the pages need (households,
persons, and per indicator: counted, counted persons, denominator, population) per cell loses
nothing a filter can ask. A period of 10 million households becomes about a million cells, and
a demo city of 60.000 some ten thousand.

A cube is a :class:`geo.indicators.Prepared` whose rows are cells (``weight`` = households per
cell): :func:`geo.indicators.area_counts`, the filters' mask and every view work on it
unchanged, and give the same numbers as the household rows (``tests/test_cube.py``).

Limits, by design:
- Built with the default definition settings (:data:`RULE_SETTINGS`); a page that changes a
  rule (RTLH floor, bottled water, eligible desil) counts from the households instead. The
  minimum known share only shapes the rates after counting, so any value is served.
- Needs per agency (Lintas OPD) are "any of the agency's indicators" per household: they are
  part of a second, finer cell key (:func:`need_cells_of`), with households as the only sum.
- No positions: the point clusters of one kelurahan are read from the households.

Stored in the database (table ``cubes``, one Parquet blob per period and kind) beside the
snapshot record: keyed by the snapshot's ``links_version`` and :data:`VERSION`, so a re-link
or a change of the rules in code rebuilds it instead of serving old counts.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from sqlalchemy import Engine, delete, select

from geo import indicators, planning, store
from geo.codes import area_ids
from geo.filters import Filters
from geo.indicators import DEFAULT_SETTINGS, INDICATORS, Prepared, Settings
from geo.schema import PROGRAMS, VULNERABLE

log = logging.getLogger(__name__)

BIT_COLUMNS: tuple[str, ...] = (*PROGRAMS, *VULNERABLE)
"""Filter columns a filter reads as yes/no (receives the program; has such a member)."""
KEY_COLUMNS: tuple[str, ...] = ("region_code", "desil", *BIT_COLUMNS)
RULE_SETTINGS = DEFAULT_SETTINGS
"""The definition settings a cube is built with (see :func:`serves`)."""

_FORMAT = 1  # bump when the stored layout changes


def _registry_fingerprint() -> str:
    """Changes whenever an indicator, its inputs, the filter columns or the agencies change:
    part of :data:`VERSION`, so a stored cube never outlives the rules that made it."""
    parts = [str(_FORMAT), repr(KEY_COLUMNS), repr(sorted(planning.AGENCIES.items())),
             repr(RULE_SETTINGS)]
    parts += [f"{ind.id}:{ind.inputs}:{ind.definition}" for ind in INDICATORS]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]


VERSION = _registry_fingerprint()


def serves(settings: Settings) -> bool:
    """Whether a cube answers for these settings (only the rate threshold may differ)."""
    return replace(settings, min_known_share=RULE_SETTINGS.min_known_share) == RULE_SETTINGS


# ------------------------------------------------------------------ building

def measure_columns() -> list[str]:
    """The summed columns of a counts cube, in order."""
    out = ["rumah_tangga", "jiwa"]
    for ind in INDICATORS:
        c = indicators.columns(ind.id)
        out += [c.count, c.persons, c.denominator, c.population]
    return out


def _cell_ids(prepared: Prepared, extra: np.ndarray | None = None) -> tuple[np.ndarray, int]:
    """A cell number per row (rows alike in area, desil, every bit and ``extra``), cells
    ordered by area first; and the number of cells."""
    attrs = prepared.attrs
    desil = (attrs["desil"].to_numpy(dtype=np.float64) if "desil" in attrs
             else np.full(len(attrs), np.nan))
    desil_code, _ = pd.factorize(desil, use_na_sentinel=False)  # NaN is a value of its own
    key = prepared.area.astype(np.int64) * (int(desil_code.max(initial=0)) + 1) + desil_code
    for column in BIT_COLUMNS:
        bit = (attrs[column].to_numpy() > 0) if column in attrs else np.zeros(len(attrs), bool)
        key = key * 2 + bit
    if extra is not None:
        key = key * (int(extra.max(initial=0)) + 1) + extra
    cells, cell_of_row = np.unique(key, return_inverse=True)
    return cell_of_row.ravel(), len(cells)


def _firsts(cell_of_row: np.ndarray, n_cells: int) -> np.ndarray:
    """The first row of each cell (any row of a cell carries its key values)."""
    first = np.full(n_cells, len(cell_of_row), dtype=np.int64)
    np.minimum.at(first, cell_of_row, np.arange(len(cell_of_row)))
    return first


def _key_frame(prepared: Prepared, rows: np.ndarray) -> pd.DataFrame:
    """The filter columns of ``rows`` as a cell key (region code as text, bits 0/1)."""
    attrs = prepared.attrs
    codes = np.append(prepared.codes, None).astype(object)
    out = {"region_code": codes[prepared.area[rows]]}
    out["desil"] = (attrs["desil"].to_numpy(dtype=np.float32)[rows] if "desil" in attrs
                    else np.full(len(rows), np.nan, dtype=np.float32))
    for column in BIT_COLUMNS:
        out[column] = ((attrs[column].to_numpy()[rows] > 0).astype(np.int8) if column in attrs
                       else np.zeros(len(rows), dtype=np.int8))
    return pd.DataFrame(out)


def cells_of(prepared: Prepared) -> pd.DataFrame:
    """The counts cube of a household-level :class:`Prepared`: one row per cell, the key
    columns (:data:`KEY_COLUMNS`) then :func:`measure_columns`."""
    if prepared.weight is not None:
        raise ValueError("already a cube")
    cell, n = _cell_ids(prepared)
    out = _key_frame(prepared, _firsts(cell, n))

    def total(values: np.ndarray | None) -> np.ndarray:
        return np.bincount(cell, weights=values, minlength=n)

    out["rumah_tangga"] = total(None).round().astype(np.int64)
    out["jiwa"] = total(prepared.members)
    for ind in INDICATORS:
        c = indicators.columns(ind.id)
        hit = prepared.hits[ind.id]
        out[c.count] = total(hit).round().astype(np.int64)
        out[c.persons] = total(np.where(hit, prepared.members, 0.0))
        out[c.denominator] = total(prepared.dens[ind.id]).round().astype(np.int64)
        out[c.population] = total(prepared.bases[ind.id]).round().astype(np.int64)
    return out


def need_cells_of(prepared: Prepared, available: Iterable[str] | None = None) -> pd.DataFrame:
    """The needs cube: one row per cell of households alike in the filter columns *and* in
    which agencies they need and whose need is known (:func:`geo.planning.agency_needs`,
    :func:`geo.planning.agency_known`); ``rumah_tangga`` per cell and one 0/1 column per
    agency need (``<agency>``) and known need (``<agency>_diketahui``). ``available``: the
    indicators the whole period decides (default: those ``prepared`` decides)."""
    available = (list(available) if available is not None
                 else [ind.id for ind in INDICATORS if prepared.available(ind.id)])
    needs = planning.agency_needs(prepared.hits, available)
    known = planning.agency_known(prepared.hits, prepared.dens, prepared.bases, available)
    bits = np.zeros(len(prepared), dtype=np.int64)
    for i, agency in enumerate(planning.AGENCIES):
        bits |= needs[agency].to_numpy().astype(np.int64) << (2 * i)
        bits |= known[agency].to_numpy().astype(np.int64) << (2 * i + 1)
    cell, n = _cell_ids(prepared, bits)
    rows = _firsts(cell, n)
    out = _key_frame(prepared, rows)
    out["rumah_tangga"] = np.bincount(cell, minlength=n).astype(np.int64)
    for agency in planning.AGENCIES:
        out[agency] = needs[agency].to_numpy()[rows].astype(np.int8)
        out[planning.known_column(agency)] = known[agency].to_numpy()[rows].astype(np.int8)
    return out


def combine(parts: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Cells of several parts of one period (files, partitions) summed into one cube: cells
    are additive, so a cube can be built partition by partition on many workers."""
    frames = [p for p in parts if len(p)]
    if not frames:
        return pd.DataFrame()
    whole = pd.concat(frames, ignore_index=True)
    key = [c for c in whole.columns if c in KEY_COLUMNS or c in planning.AGENCIES
           or c.removesuffix("_diketahui") in planning.AGENCIES]
    if len(frames) == 1:
        return whole
    summed = whole.groupby(key, dropna=False, sort=False).sum().reset_index()
    return summed[whole.columns]


# ------------------------------------------------------------------ reading as Prepared

def _attrs(cells: pd.DataFrame, cat: pd.Categorical) -> pd.DataFrame:
    attrs = pd.DataFrame({"region_code": cat}, index=range(len(cells)))
    attrs["desil"] = cells["desil"].to_numpy(dtype=np.float32)
    for column in BIT_COLUMNS:
        attrs[column] = cells[column].to_numpy(dtype=np.int8)
    return attrs


def prepared_from(cells: pd.DataFrame, known_columns: Iterable[str],
                  settings: Settings = RULE_SETTINGS, codes: np.ndarray | None = None
                  ) -> Prepared:
    """A counts cube (:func:`cells_of`) as a weighted :class:`Prepared`; ``codes``: the
    kelurahan it counts (default: those in ``cells``)."""
    if not serves(settings):
        raise ValueError("a cube only serves the default rules")
    codes, area, cat = area_ids(cells["region_code"], codes)
    hits, dens, bases, persons = {}, {}, {}, {}
    for ind in INDICATORS:
        c = indicators.columns(ind.id)
        hits[ind.id] = _cell_counts(cells[c.count])
        persons[ind.id] = _cell_counts(cells[c.persons])
        dens[ind.id] = _cell_counts(cells[c.denominator])
        base = _cell_counts(cells[c.population])
        bases[ind.id] = dens[ind.id] if np.array_equal(base, dens[ind.id]) else base
    return Prepared(codes, area, _cell_counts(cells["jiwa"]), hits, dens, bases,
                    _attrs(cells, cat), settings, frozenset(known_columns),
                    weight=cells["rumah_tangga"].to_numpy(dtype=np.float64),
                    hit_members=persons)


EXACT_FLOAT32 = 2**24
"""Whole numbers below this are exact in float32."""


def _cell_counts(column: pd.Series) -> np.ndarray:
    """A cell's counts as float32 when every value is exact in it (a cell is a kelurahan's
    households alike, far below 16,7 million), else float64: half the memory, and half the
    bytes a filter change copies. Only ever summed by ``np.bincount``, which adds in float64;
    ``weight`` (summed directly for the period's total) stays float64."""
    values = column.to_numpy(dtype=np.float64)
    if len(values) and np.abs(values).max() >= EXACT_FLOAT32:
        return values
    return values.astype(np.float32)


def need_cells_from(cells: pd.DataFrame) -> planning.NeedCells:
    """A needs cube (:func:`need_cells_of`) ready for the planning views."""
    codes, area, cat = area_ids(cells["region_code"])
    agencies = list(planning.AGENCIES)
    needs = pd.DataFrame({a: cells[a].to_numpy() > 0 for a in agencies})
    known = pd.DataFrame({a: cells[planning.known_column(a)].to_numpy() > 0 for a in agencies})
    return planning.NeedCells(codes, area, _attrs(cells, cat), needs, known,
                     cells["rumah_tangga"].to_numpy(dtype=np.float64))


def _rolled(cells: pd.DataFrame, column: str | None) -> pd.DataFrame:
    """The cells summed over the yes/no columns (``column`` None), or those with ``column``
    summed over the others: one row per kelurahan and desil."""
    part = cells if column is None else cells[cells[column] > 0]
    measures = [c for c in cells.columns if c not in KEY_COLUMNS]
    out = part.groupby(["region_code", "desil"], dropna=False, sort=False)[measures].sum()
    out = out.reset_index()
    for bit in BIT_COLUMNS:
        out[bit] = np.int8(1 if bit == column else 0)
    return out


@dataclass(frozen=True, eq=False)
class Cube:
    """A counts cube ready for any filter: every cell, and the cells summed over the yes/no
    columns when no program or group is chosen, or over all but the one chosen: the most
    common filter changes then count a few rows per kelurahan instead of every cell."""

    cells: Prepared
    by_desil: Prepared
    by_column: dict[str, Prepared]

    def for_filters(self, filters: Filters) -> Prepared:
        """The rows that answer ``filters`` (their mask still applies: area, desil, ...)."""
        chosen = (*filters.programs, *filters.vulnerable)
        if not chosen:
            return self.by_desil
        if len(chosen) == 1:
            return self.by_column[chosen[0]]
        return self.cells


def cube_from(cells: pd.DataFrame, known_columns: Iterable[str],
              settings: Settings = RULE_SETTINGS) -> Cube:
    """A counts cube (:func:`cells_of`) with its sums for the common filters."""
    whole, part = _parts(cells, known_columns, settings)
    return Cube(whole, part(None), {column: part(column) for column in BIT_COLUMNS})


def _parts(cells: pd.DataFrame, known_columns: Iterable[str], settings: Settings
           ) -> tuple[Prepared, Callable[[str | None], Prepared]]:
    """(every cell, evaluated; the cells summed over the yes/no columns but ``column``)."""
    known_columns = list(known_columns)
    whole = prepared_from(cells, known_columns, settings)
    decided = frozenset(ind.id for ind in INDICATORS if whole.available(ind.id))

    def part(column: str | None) -> Prepared:  # availability is the period's, not the part's
        return replace(prepared_from(_rolled(cells, column), known_columns, settings,
                                     whole.codes), decided=decided)

    return replace(whole, decided=decided), part


# ------------------------------------------------------------------ storing

KINDS = ("hitungan", "kebutuhan")  # counts cube, needs cube


@dataclass(frozen=True)
class Stored:
    cells: pd.DataFrame
    known_columns: frozenset[str]
    households: int


def save(engine: Engine, snapshot_id: int, kind: str, cells: pd.DataFrame,
         known_columns: Iterable[str], links_version: int) -> None:
    """Replace the stored cube of one kind of a snapshot."""
    buffer = io.BytesIO()
    cells.to_parquet(buffer, index=False, compression="zstd")
    table = store.cubes
    with engine.begin() as conn:
        conn.execute(delete(table).where(table.c.snapshot_id == int(snapshot_id),
                                         table.c.kind == kind))
        conn.execute(table.insert().values(
            snapshot_id=int(snapshot_id), kind=kind, version=VERSION,
            links_version=int(links_version), cells=len(cells),
            households=int(cells["rumah_tangga"].sum()) if len(cells) else 0,
            known_columns=json.dumps(sorted(known_columns)),
            built_at=datetime.now(UTC), data=buffer.getvalue()))


def load(engine: Engine, snapshot_id: int, kind: str) -> Stored | None:
    """The stored cube, or None when missing or made by other rules or links."""
    t, s = store.cubes.c, store.snapshots.c
    with engine.connect() as conn:
        row = conn.execute(
            select(t.data, t.version, t.links_version, t.known_columns, t.households,
                   s.links_version.label("current_links"))
            .join_from(store.cubes, store.snapshots, t.snapshot_id == s.id)
            .where(t.snapshot_id == int(snapshot_id), t.kind == kind)).first()
    if row is None or row.version != VERSION or row.links_version != row.current_links:
        return None
    cells = pd.read_parquet(io.BytesIO(row.data))
    return Stored(cells, frozenset(json.loads(row.known_columns)), int(row.households))


@dataclass(frozen=True)
class Part:
    """The cubes of one part of a period (a file, a partition, a block of rows)."""

    counts: pd.DataFrame
    needs: pd.DataFrame
    known_columns: frozenset[str]
    available: frozenset[str]


def part_of(households: pd.DataFrame, available: Iterable[str] | None = None) -> Part:
    """Evaluate one part's households and sum them into cells (runs where the part is: on a
    Dask worker for a partitioned period)."""
    prepared = indicators.prepare(households, RULE_SETTINGS)
    decided = frozenset(ind.id for ind in INDICATORS if prepared.available(ind.id))
    return Part(cells_of(prepared), need_cells_of(prepared, available),
                prepared.known_columns, decided)


def whole_of(parts: list[Part], redo: Callable[[int, frozenset[str]], Part]) -> Part:
    """The period's cubes from its parts' (cells add up). A part that decides fewer
    indicators than the period had its needs' "known" judged on fewer: ``redo(i, available)``
    evaluates part ``i`` again with the period's."""
    available = frozenset().union(*[p.available for p in parts]) if parts else frozenset()
    parts = [p if p.available == available else redo(i, available)
             for i, p in enumerate(parts)]
    known = frozenset().union(*[p.known_columns for p in parts]) if parts else frozenset()
    return Part(combine(p.counts for p in parts), combine(p.needs for p in parts), known,
                available)


def save_part(engine: Engine, snapshot_id: int, whole: Part,
              links: int | None = None) -> dict[str, int]:
    """Store a period's cubes, keyed by the links they were counted with (default: the
    snapshot's current links); the number of cells per kind."""
    if links is None:
        with engine.connect() as conn:
            links = conn.execute(select(store.snapshots.c.links_version)
                                 .where(store.snapshots.c.id == int(snapshot_id))).scalar_one()
    made = {"hitungan": whole.counts, "kebutuhan": whole.needs}
    for kind, cells in made.items():
        save(engine, snapshot_id, kind, cells, whole.known_columns, links)
    return {kind: len(cells) for kind, cells in made.items()}


def build(engine: Engine, snapshot_id: int,
          households: pd.DataFrame | None = None) -> dict[str, int]:
    """Build and store both cubes of a snapshot from its households (read with the Parquet
    cache when not given). Returns the number of cells per kind."""
    from geo import snapshot_cache

    if households is None:
        households = snapshot_cache.load_households_fast(
            engine, {"id": int(snapshot_id)}, list(indicators.RULE_COLUMNS))
    return save_part(engine, snapshot_id, part_of(households))


def load_meta(engine: Engine, snapshot_id: int, kind: str) -> bool:
    """Whether a current cube of ``kind`` is stored (without reading its data)."""
    t, s = store.cubes.c, store.snapshots.c
    with engine.connect() as conn:
        row = conn.execute(
            select(t.version, t.links_version, s.links_version.label("current_links"))
            .join_from(store.cubes, store.snapshots, t.snapshot_id == s.id)
            .where(t.snapshot_id == int(snapshot_id), t.kind == kind)).first()
    return row is not None and row.version == VERSION and row.links_version == row.current_links


def counts(engine: Engine, snapshot_id: int, settings: Settings = RULE_SETTINGS) -> Cube:
    """The period's counts cube (built first when missing)."""
    stored = load(engine, snapshot_id, "hitungan")
    if stored is None:
        build(engine, snapshot_id)
        stored = load(engine, snapshot_id, "hitungan")
    return cube_from(stored.cells, stored.known_columns, settings)


def totals(engine: Engine, snapshot_id: int, settings: Settings = RULE_SETTINGS) -> Prepared:
    """The period's counts with no filter: the cube's cells summed over desil, programs and
    groups, as :meth:`Cube.for_filters` gives them for no filter, without the other sums
    (built first when missing)."""
    stored = load(engine, snapshot_id, "hitungan")
    if stored is None:
        build(engine, snapshot_id)
        stored = load(engine, snapshot_id, "hitungan")
    return _parts(stored.cells, stored.known_columns, settings)[1](None)


def needs(engine: Engine, snapshot_id: int) -> planning.NeedCells:
    """The period's needs cube (built first when missing)."""
    stored = load(engine, snapshot_id, "kebutuhan")
    if stored is None:
        build(engine, snapshot_id)
        stored = load(engine, snapshot_id, "kebutuhan")
    return need_cells_from(stored.cells)


def build_after_import(engine: Engine, snapshot_ids: Iterable[int],
                       made: Mapping[int, Part] | None = None) -> None:
    """Build the cubes of snapshots just imported or re-linked. Never raises: the import is
    committed whatever happens here, and a missing cube is built on the first load.
    ``made``: parts already made by the import from the rows it stored (:func:`part_of`, with
    the import's links, version 0), stored as they are instead of reading the rows back."""
    for snapshot_id in snapshot_ids:
        try:
            part = (made or {}).get(int(snapshot_id))
            if isinstance(part, Part):
                save_part(engine, int(snapshot_id), part, links=0)
                continue
            build(engine, int(snapshot_id))
        except Exception as exc:  # noqa: BLE001 - a cube never fails an import
            log.warning("could not build the cube of snapshot %s after the import (%s: %s); "
                        "it is built on the first load", snapshot_id, type(exc).__name__, exc)
