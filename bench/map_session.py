"""What the map benches share: timing AppTest runs of the real pages, the filter changes a
planner makes, the bytes the map sends to the browser, and the naive baseline of one filter
change. Used by bench_map.py (a city) and bench_province.py (a province)."""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def city_arguments(parser: argparse.ArgumentParser, db_name: str = "bench_map_1m.sqlite"
                   ) -> None:
    """The bench city the map benches share: ``--households``, ``--areas``, ``--kecamatan``
    and its database ``--db`` (built once by ``tests.map_fixtures.write_city``, then reused)."""
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--areas", type=int, default=56)
    parser.add_argument("--kecamatan", type=int, default=8)
    parser.add_argument("--db", type=Path, default=PROJECT / "data" / db_name)


def timed_run(at) -> float:  # noqa: ANN001
    """Seconds of one AppTest run; stops the bench if the page shows an exception."""
    t = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - t
    if at.exception:
        raise SystemExit(f"page failed: {[e.value for e in at.exception]}")
    return elapsed


def first_loads(sessions: int = 3) -> tuple[float, list[float]]:
    """(cold, warm): the first run of ``app.py`` in this process (database or Parquet read,
    every rule evaluated), then the first run of ``sessions`` new sessions, caches warm."""
    from streamlit.testing.v1 import AppTest

    cold = timed_run(AppTest.from_file(str(PROJECT / "app.py"), default_timeout=900))
    warm = [timed_run(AppTest.from_file(str(PROJECT / "app.py"), default_timeout=300))
            for _ in range(sessions)]
    return cold, warm


def filter_steps(at, kecamatan: str) -> list[tuple[str, Callable[[], object]]]:  # noqa: ANN001
    """The filter changes a planner makes, one per rerun, ending where it began."""
    return [
        ("desil 1–4", lambda: at.slider(key="f_desil").set_value((1, 4))),
        ("program PKH", lambda: at.multiselect(key="f_program").set_value(["penerima_pkh"])),
        ("lansia", lambda: at.multiselect(key="f_rentan").set_value(["jumlah_lansia"])),
        ("kecamatan", lambda: at.multiselect(key="f_kec").set_value([kecamatan])),
        ("indikator RTLH", lambda: at.selectbox(key="p_ind").set_value("rtlh")),
        ("tingkat kecamatan", lambda: at.multiselect(key="f_kec").set_value([])
         or at.radio(key="p_level").set_value("kecamatan")),
        ("tanpa filter", lambda: at.slider(key="f_desil").set_value((1, 10))
         or at.multiselect(key="f_program").set_value([])
         or at.multiselect(key="f_rentan").set_value([])
         or at.radio(key="p_level").set_value("kelurahan")
         or at.selectbox(key="p_ind").set_value("miskin")),
    ]


def map_session():  # noqa: ANN201
    """An AppTest of the map page in the app's frame (sidebar filters), run once."""
    from streamlit.testing.v1 import AppTest

    from tests.map_fixtures import sidebar_and_map_page

    at = AppTest.from_function(sidebar_and_map_page, default_timeout=300)
    timed_run(at)
    return at


def profiled_page(page: str = "peta") -> None:
    """A page in the app's frame (as :func:`tests.map_fixtures.sidebar_and_map_page`) under
    cProfile, the statistics of each run written to ``PETA_BENCH_PROFILE`` (AppTest runs the
    page in its own thread, which a profiler started by the caller does not see)."""
    import cProfile
    import os

    from ui.frame import run_frame

    profiler = cProfile.Profile()
    profiler.enable()
    try:
        run_frame(os.path.join(os.environ["PETA_PROJECT"], "pages", f"{page}.py"))
    finally:
        profiler.disable()
        profiler.dump_stats(os.environ["PETA_BENCH_PROFILE"])


def profile_rerun(change: Callable[[object], object], top: int = 15, page: str = "peta"
                  ) -> str:
    """The ``top`` calls with the most cumulative time in the rerun after ``change(at)``, in a
    new session of ``page`` (server caches warm)."""
    import io
    import os
    import pstats
    import tempfile

    from streamlit.testing.v1 import AppTest

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["PETA_BENCH_PROFILE"] = str(Path(tmp) / "rerun.prof")
        at = AppTest.from_function(profiled_page, default_timeout=300, args=(page,))
        timed_run(at)
        change(at)
        elapsed = timed_run(at)
        out = io.StringIO()
        pstats.Stats(os.environ["PETA_BENCH_PROFILE"], stream=out).sort_stats(
            "cumulative").print_stats(top)
    return f"rerun {elapsed:.3f} s\n{out.getvalue()}"


def filter_changes(at, kecamatan: str, rounds: int) -> dict[str, list[float]]:  # noqa: ANN001
    """Seconds of each filter change's rerun, ``rounds`` times over :func:`filter_steps`."""
    steps = filter_steps(at, kecamatan)
    times: dict[str, list[float]] = {name: [] for name, _ in steps}
    for _ in range(rounds):
        for name, change in steps:
            change()
            times[name].append(timed_run(at))
    return times


def sent_map_bytes(fmap) -> tuple[int, int]:  # noqa: ANN001
    """Bytes st_folium sends to the browser for ``fmap`` (its HTML, header and script, made as
    ``streamlit_folium.st_folium`` makes them): (the first time, with the published geometry
    files the script fetches; on a later rerun, the browser having those cached)."""
    import streamlit_folium as sf

    from geo import map_layer, static_files

    fmap.get_root().render()
    fmap.render()
    parts = (sf._get_html(fmap), sf._get_header(fmap), sf._get_map_string(fmap))
    rerun = sum(len(p.encode()) for p in parts)
    urls = {url for url, _ in map_layer.published_layers("\n".join(parts))}
    return rerun + sum(static_files.path_of(u).stat().st_size for u in urls), rerun


class MapBytes:
    """While active, records the bytes of every map the pages pass to ``st_folium``
    ((first time, later rerun) per map, :func:`sent_map_bytes`)."""

    def __init__(self) -> None:
        self.sizes: list[tuple[int, int]] = []

    def __enter__(self) -> MapBytes:
        import streamlit_folium

        self._original = streamlit_folium.st_folium

        def recording(fig, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            self.sizes.append(sent_map_bytes(fig))
            return self._original(fig, *args, **kwargs)

        streamlit_folium.st_folium = recording
        return self

    def __exit__(self, *exc: object) -> None:
        import streamlit_folium

        streamlit_folium.st_folium = self._original


def naive_and_fast(engine, filters) -> tuple[float, float, float]:  # noqa: ANN001
    """Median seconds of one filter change's counting: naive (mask the household frame,
    evaluate the rules on the subset, group by kelurahan with pandas), the fast path
    (``indicators.area_counts`` on the prepared flags), and the same on the period's cube
    (the rows of ``geo.cube`` that answer the filters), on the current snapshot."""
    from geo import cube, indicators, snapshot_cache, store

    households = store.load_households(engine, int(store.snapshot_for(engine)["id"]),
                                       snapshot_cache.CACHE_COLUMNS)
    naive = []
    for _ in range(3):
        t = time.perf_counter()
        sub = households[filters.mask(households)]
        indicators.aggregate(sub, indicators.evaluate(sub), "region_code")
        naive.append(time.perf_counter() - t)
    prepared = indicators.prepare(households)
    fast = []
    for _ in range(5):
        t = time.perf_counter()
        indicators.area_counts(prepared, filters.households_only.mask(prepared.attrs))
        fast.append(time.perf_counter() - t)
    part = cube.counts(engine, int(store.snapshot_for(engine)["id"])).for_filters(filters)
    on_cube = []
    for _ in range(5):
        t = time.perf_counter()
        indicators.area_counts(part, filters.households_only.mask(part.attrs))
        on_cube.append(time.perf_counter() - t)
    return statistics.median(naive), statistics.median(fast), statistics.median(on_cube)
