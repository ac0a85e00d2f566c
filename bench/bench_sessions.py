"""Load: concurrent sessions on the map page (/peta) against ONE Streamlit server, each changing
filters, at 1 million households (issue 17, item 6).

No browsers: each session is a light websocket client speaking Streamlit's own protocol (what
the web page sends and receives): it connects to ``/_stcore/stream``, asks for the ``peta`` page
(a ``rerun_script`` BackMsg with ``page_name``, ``query_string`` and ``context_info``), reads the
ForwardMsgs until the run's ``script_finished``, then makes K filter changes in the sidebar (the
desil slider ``f_desil``, the program multiselect ``f_program``), each sent as the browser sends
a widget change (a ``rerun_script`` with the page's ``page_script_hash`` and, in
``widget_states``, the value of every widget on the page, as Streamlit's frontend sends them all;
a client sending only the changed widget loses other filters) and timed from send to the final
``script_finished``.

Counted as errors: an Exception element, a compile error or an uncaught exception in the run's
page profile, an error alert, a run without the map (the ``st_folium`` component), an address
(the query string the app sets) that does not name the filters sent, a dropped connection, or a
run that does not finish in time.

The server is started by the script (``streamlit run app.py --server.headless true``) with its
own ``PETA_DB_URL`` and ``PETA_CACHE_DIR`` and ``--browser.gatherUsageStats true``: with it each
run ends with a ``page_profile`` message carrying the script's own run time on the server
(``exec_time``), which is the server's time per rerun reported here (nothing leaves the machine:
the server only adds the message to what it sends this client). Also reported: the server's CPU
seconds (``/proc/<pid>/stat``) per script run, its peak RSS per phase (``VmHWM``, reset between
phases through ``/proc/<pid>/clear_refs``), the CPU this client used, and the CPU every other
process on the machine used meanwhile (``/proc/stat``), with the load average: the machine is
shared. That setting is not the app's and costs CPU (each ``st`` call recorded; at 20 sessions
0,144 CPU-s per run against 0,102): as deployed, ``--server-option
browser.gatherUsageStats=false`` (without the script time).

Phases, in one run, on the same server: warm-up (one session, its first run fills the caches),
baseline (one session alone doing the same K changes, ``--baseline-repeat`` times in a row),
then N concurrent sessions for each N of ``--sessions``, all connecting at once with no think
time between changes (the worst case; ``--think S`` adds a pause before each change, drawn
uniformly between 0 and 2·S seconds so the sessions do not fire together).

    python bench/bench_sessions.py                               # 1.000.000 households, 20 and 50
    python bench/bench_sessions.py --households 20000 --db /tmp/s20k.sqlite --sessions 5 --changes 3

The database is built once (``tests.map_fixtures.write_city``, as ``bench_map.py`` builds it) and
reused when it exists with the same number of households.

Reading the figures: the server is one Python process and runs each session's script in its own
thread under the GIL, so it uses at most about one core however many sessions wait, and the
waiting runs share that core in turns (processor sharing): N sessions acting at once each see
about N times the single-session time, and runs started together finish together. A rerun's CPU
is mostly page building in Python (the table's pandas Styler, folium/jinja rendering of the map,
st_folium's JSON), nearly the same at 20.000 and 1.000.000 households.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bench.map_session import city_arguments  # noqa: E402

MAP_COMPONENT = "streamlit_folium.st_folium"
DESIL_KEY, PROGRAM_KEY = "f_desil", "f_program"
# filter changes, in order; each session starts at its own place in the cycle so the sessions
# do not all ask for the same view at the same moment. ("desil", (lo, hi)): the desil slider;
# ("program", i): the i-th program alone (None: no program).
CHANGES: tuple[tuple[str, object], ...] = (
    ("desil", (1, 4)), ("program", 0), ("desil", (1, 1)), ("program", None),
    ("desil", (2, 5)), ("desil", (1, 10)), ("program", 1), ("desil", (3, 6)),
    ("program", None), ("desil", (1, 10)),
)
CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


# ------------------------------------------------------------------ pure helpers (unit-tested)
def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) with linear interpolation between ranks (numpy's default)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def widget_key(widget_id: str) -> str | None:
    """The user key of a keyed widget's id (``$$ID-<hash>-f_desil`` -> ``f_desil``)."""
    if not widget_id.startswith("$$ID-"):
        return None
    parts = widget_id.split("-", 2)
    return parts[2] if len(parts) == 3 else None


@dataclass
class Run:
    """What the client saw of one script run (or of a chain of runs ended by ``st.rerun``)."""

    finished: int | None = None  # the final ForwardMsg.ScriptFinishedStatus
    errors: list[str] = field(default_factory=list)
    widgets: dict[str, object] = field(default_factory=dict)  # key -> the widget's element
    drawn: list[tuple[str, object]] = field(default_factory=list)  # (type, element) with an id
    page_hash: str = ""  # the page that ran (the last new_session's page_script_hash)
    query_string: str | None = None  # the address the app set (page_info_changed)
    maps: int = 0  # st_folium components drawn
    server_s: float = 0.0  # the script's run time on the server (page_profile), summed
    profiles: int = 0
    bytes: int = 0
    messages: int = 0


def read_forward(data: bytes, run: Run) -> bool:
    """Add one ForwardMsg to ``run``; True once the run (chain) has finished."""
    from streamlit.proto.Alert_pb2 import Alert
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    msg.ParseFromString(data)
    run.bytes += len(data)
    run.messages += 1
    kind = msg.WhichOneof("type")
    if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
        element = msg.delta.new_element
        which = element.WhichOneof("type")
        if which == "exception":
            run.errors.append(f"exception: {element.exception.type}: {element.exception.message}")
        elif which == "alert" and element.alert.format == Alert.ERROR:
            run.errors.append(f"pesan galat: {element.alert.body[:200]}")
        elif which == "component_instance" and element.component_instance.component_name \
                == MAP_COMPONENT:
            run.maps += 1
        elif which:
            widget = getattr(element, which)
            widget_id = getattr(widget, "id", "") or ""
            if widget_id:
                run.drawn.append((which, widget))
            key = widget_key(widget_id)
            if key:
                run.widgets[key] = widget
    elif kind == "new_session":
        run.page_hash = msg.new_session.page_script_hash
    elif kind == "page_info_changed":
        run.query_string = msg.page_info_changed.query_string
    elif kind == "page_profile":
        run.server_s += msg.page_profile.exec_time / 1e6
        run.profiles += 1
        if msg.page_profile.uncaught_exception:
            run.errors.append(f"uncaught: {msg.page_profile.uncaught_exception}")
    elif kind == "session_event" and msg.session_event.HasField(
            "script_compilation_exception"):
        run.errors.append(f"compile: {msg.session_event.script_compilation_exception.message}")
    elif kind == "script_finished":
        if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            return False  # st.rerun(): the chain goes on
        run.finished = msg.script_finished
        if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
            run.errors.append("script_finished: compile error")
        return msg.script_finished != ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
    return False


def browser_state(which: str, element: object, previous: object = None) -> object:
    """The WidgetState the web page holds for a widget just drawn, as Streamlit's frontend keeps
    it: every widget on the page stores its value when drawn and the page sends all of them with
    each rerun. A value the server set (``set_value``) replaces it; otherwise the widget keeps
    the value it has (``previous``, the user's), or starts from its default. None: a widget
    without a lasting value (buttons, downloads, components)."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    if which not in ("slider", "multiselect", "selectbox", "radio", "checkbox"):
        return None
    if previous is not None and not element.set_value:
        return previous
    state = WidgetState(id=element.id)
    if which == "checkbox":
        state.bool_value = element.value if element.set_value else element.default
    elif which == "slider" and not element.options:
        state.double_array_value.data.extend(element.value if element.set_value
                                             else element.default)
    elif which == "slider":  # a select_slider: the options' labels
        state.string_array_value.data.extend(
            element.raw_value if element.set_value
            else [element.options[int(i)] for i in element.default])
    elif which == "multiselect":
        state.string_array_value.data.extend(
            element.raw_values if element.set_value
            else [element.options[i] for i in element.default])
    elif element.set_value:  # selectbox, radio: the chosen option's label
        if not element.HasField("raw_value"):
            return None
        state.string_value = element.raw_value
    elif 0 <= element.default < len(element.options):
        state.string_value = element.options[element.default]
    else:
        return None
    return state


def change_state(change: tuple[str, object], widgets: dict[str, object]) -> object:
    """The WidgetState a browser sends for one filter change. ``widgets``: key -> element, from
    the runs so far (a multiselect sends its options' labels)."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    what, value = change
    state = WidgetState()
    if what == "desil":
        state.id = widgets[DESIL_KEY].id
        state.double_array_value.data.extend(float(v) for v in value)
        return state
    element = widgets[PROGRAM_KEY]
    state.id = element.id
    if value is not None:
        state.string_array_value.data.append(list(element.options)[value])
    else:
        state.string_array_value.SetInParent()
    return state


def expected_query(changes: Sequence[tuple[str, object]]) -> dict[str, str]:
    """The filters' part of the address the app should show after ``changes`` (from no filter):
    the app writes its filters into the URL (geo.filters.Filters.to_query)."""
    from geo.filters import Filters
    from geo.schema import PROGRAMS

    desil, programs = (1, 10), ()
    for what, value in changes:
        if what == "desil":
            desil = tuple(value)
        else:
            programs = () if value is None else (list(PROGRAMS)[value],)
    return Filters(desil_min=desil[0], desil_max=desil[1], programs=programs).to_query()


def shown_query(query_string: str) -> dict[str, str]:
    """The desil and program parameters of an address's query string."""
    from urllib.parse import parse_qs

    parsed = parse_qs(query_string)
    return {key: parsed[key][-1] for key in ("desil", "program") if key in parsed}


def check_run(run: Run, query_string: str | None = None,
              expected: dict[str, str] | None = None) -> list[str]:
    """The run's errors, with the page-level checks: the run finished, the map was drawn, and
    the address the app shows names the filters sent (``expected``)."""
    errors = list(run.errors)
    if run.finished is None:
        errors.append("run did not finish")
    if not run.maps:
        errors.append("no map in the run")
    if expected is not None and shown_query(query_string or "") != expected:
        errors.append(f"the app shows {shown_query(query_string or '')}, sent {expected}")
    return errors


# ------------------------------------------------------------------ the light client
@dataclass
class SessionResult:
    open_s: float | None = None
    open_server_s: float | None = None
    changes: list[float] = field(default_factory=list)  # client: send -> script_finished
    server: list[float] = field(default_factory=list)  # server: page_profile exec_time
    errors: list[str] = field(default_factory=list)
    bytes: int = 0


async def run_session(port: int, changes: Sequence[tuple[str, object]], timeout_s: float,
                      think_s: float = 0.0) -> SessionResult:
    """One session: open /peta, then make each change; never raises (errors are counted)."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg

    result = SessionResult()
    url = f"http://127.0.0.1:{port}/peta"
    query, page_hash, states = "", "", {}  # states: widget id -> WidgetState the page holds

    def hold(run: Run) -> None:  # the page's widget values after a run (all widgets drawn)
        nonlocal states
        held = {}
        for which, element in run.drawn:
            state = browser_state(which, element, states.get(element.id))
            if state is not None:
                held[element.id] = state
        states = held

    def back(first: bool) -> bytes:
        msg = BackMsg()
        client = msg.rerun_script
        client.query_string = query
        if first:
            client.page_name = "peta"  # the browser sends the address's page name
        else:
            client.page_script_hash = page_hash
        client.context_info.url = url + (f"?{query}" if query else "")
        client.context_info.timezone = "Asia/Jakarta"
        client.context_info.timezone_offset = -420
        client.context_info.locale = "id-ID"
        client.widget_states.widgets.extend(states.values())
        return msg.SerializeToString()

    async def one_run(payload: bytes, ws: object) -> tuple[Run, float]:
        run = Run()
        t = time.perf_counter()
        await ws.send(payload)
        while True:
            data = await asyncio.wait_for(ws.recv(), timeout_s)
            if isinstance(data, bytes) and read_forward(data, run):
                return run, time.perf_counter() - t

    t0 = time.perf_counter()
    try:
        async with websockets.connect(
                f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"],
                max_size=None, ping_interval=None, open_timeout=timeout_s,
                user_agent_header="Mozilla/5.0 (X11; Linux x86_64) bench_sessions") as ws:
            run, _ = await one_run(back(True), ws)
            result.open_s = time.perf_counter() - t0
            result.open_server_s = run.server_s if run.profiles else None
            result.bytes += run.bytes
            result.errors += check_run(run)
            page_hash, widgets = run.page_hash, run.widgets
            hold(run)
            query = run.query_string if run.query_string is not None else query
            for done, change in enumerate(changes, 1):
                if think_s:  # a planner reading the map; random so sessions drift apart
                    await asyncio.sleep(random.uniform(0, 2 * think_s))
                state = change_state(change, widgets)
                states[state.id] = state  # the page sends this value with all the others
                run, elapsed = await one_run(back(False), ws)
                result.changes.append(elapsed)
                if run.profiles:
                    result.server.append(run.server_s)
                result.bytes += run.bytes
                widgets = {**widgets, **run.widgets}
                hold(run)
                query = run.query_string if run.query_string is not None else query
                result.errors += check_run(run, query, expected_query(changes[:done]))
    except TimeoutError:
        result.errors.append(f"no script_finished within {timeout_s:g} s")
    except Exception as err:  # noqa: BLE001  (a dropped connection is an error counted)
        result.errors.append(f"{type(err).__name__}: {err}")
    return result


# ------------------------------------------------------------------ the server and /proc
def free_port() -> int:
    """A free port in 8600–8699, tried in random order (the project's rule for servers)."""
    ports = list(range(8600, 8700))
    random.shuffle(ports)
    for port in ports:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("no free port in 8600–8699")


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def machine_busy_seconds() -> float:
    """CPU seconds all processes used on the machine (/proc/stat: everything but idle, iowait)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values[:8]) - values[3] - values[4]) / CLK_TCK


def status_kb(pid: int, name: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    return 0


def reset_peak(pid: int) -> bool:
    """Reset VmHWM to the current RSS (Linux: write 5 to clear_refs)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def server_option(text: str) -> tuple[str, str]:
    """``--server-option section.name=value``: a Streamlit setting for the server."""
    key, _, value = text.partition("=")
    if key.count(".") != 1 or not all(key.split(".")) or not value:
        raise argparse.ArgumentTypeError(f"{text!r}: expected section.name=value")
    return key, value


def start_server(port: int, db: Path, cache: Path, log: object,
                 options: Sequence[tuple[str, str]] = ()) -> subprocess.Popen:
    """``options``: Streamlit settings over the project's .streamlit/config.toml."""
    env = {**os.environ, "PETA_DB_URL": f"sqlite:///{db}", "PETA_CACHE_DIR": str(cache)}
    extra = [part for key, value in options for part in (f"--{key}", value)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "true", *extra],
        cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited (code {proc.returncode}); see {log.name}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit(f"the server did not answer on port {port} within 120 s")


# ------------------------------------------------------------------ phases
@dataclass
class Phase:
    name: str
    sessions: list[SessionResult]
    wall_s: float
    server_cpu_s: float
    client_cpu_s: float
    others_cpu_s: float
    peak_rss_mb: float
    load: tuple[str, str]

    @property
    def changes(self) -> list[float]:
        return [t for s in self.sessions for t in s.changes]

    @property
    def server(self) -> list[float]:
        return [t for s in self.sessions for t in s.server]

    @property
    def opens(self) -> list[float]:
        return [s.open_s for s in self.sessions if s.open_s is not None]

    @property
    def open_server(self) -> list[float]:
        return [s.open_server_s for s in self.sessions if s.open_server_s is not None]

    @property
    def errors(self) -> list[str]:
        return [e for s in self.sessions for e in s.errors]

    @property
    def runs(self) -> int:
        return len(self.opens) + len(self.changes)


def changes_for(i: int, k: int) -> list[tuple[str, object]]:
    """Session i's k changes: the cycle from its own place; never the same value twice in a
    row for one widget (a change the browser would not send)."""
    return [CHANGES[(i + j) % len(CHANGES)] for j in range(k)]


async def phase(name: str, pid: int, port: int, n: int, k: int, timeout_s: float,
                think_s: float, offset: int = 0) -> Phase:
    """n sessions at once, each opening the map and making k changes; the server's CPU and
    peak memory meanwhile."""
    reset_peak(pid)
    load_before = load_average()
    cpu0, busy0, own0 = cpu_seconds(pid), machine_busy_seconds(), time.process_time()
    peak = status_kb(pid, "VmRSS")
    t = time.perf_counter()
    tasks = [asyncio.create_task(run_session(port, changes_for(offset + i, k),
                                             timeout_s, think_s)) for i in range(n)]
    while not all(task.done() for task in tasks):  # sample RSS too, in case clear_refs fails
        peak = max(peak, status_kb(pid, "VmRSS"))
        await asyncio.wait(tasks, timeout=0.5)
    wall = time.perf_counter() - t
    server = cpu_seconds(pid) - cpu0
    client = time.process_time() - own0
    busy = machine_busy_seconds() - busy0
    peak = max(peak, status_kb(pid, "VmHWM"))
    return Phase(name, [task.result() for task in tasks], wall, server, client,
                 max(busy - server - client, 0.0), peak / 1024, (load_before, load_average()))


def fmt_s(values: Sequence[float]) -> str:
    if not values:
        return "—"
    return (f"p50 {percentile(values, 50):6.3f} s  p95 {percentile(values, 95):6.3f} s  "
            f"maks {max(values):6.3f} s")


def report(p: Phase, baseline: Phase | None) -> None:
    n = len(p.sessions)
    print(f"\n== {p.name}: {n} sesi, {len(p.changes)} ubah filter + {len(p.opens)} buka, "
          f"{len(p.errors)} galat, {p.wall_s:.1f} s")
    print(f"  buka sesi (sambung → peta pertama, klien): {fmt_s(p.opens)}")
    print(f"  buka sesi, waktu skrip di server:          {fmt_s(p.open_server)}")
    print(f"  ubah filter → script_finished (klien):     {fmt_s(p.changes)}")
    print(f"  waktu skrip per rerun di server (page_profile): {fmt_s(p.server)}")
    print(f"  CPU server: {p.server_cpu_s:.1f} s = {p.server_cpu_s / max(p.runs, 1):.3f} s per "
          f"run ({p.runs} run, buka + ubah); {p.server_cpu_s / p.wall_s:.2f} inti rata-rata; "
          f"puncak RSS server {p.peak_rss_mb:.0f} MB")
    print(f"  CPU klien ini {p.client_cpu_s:.1f} s; CPU proses lain di mesin "
          f"{p.others_cpu_s:.1f} s; beban rata-rata {p.load[0]} → {p.load[1]}")
    cores = os.cpu_count() or 1
    used = (p.server_cpu_s + p.client_cpu_s + p.others_cpu_s) / (p.wall_s * cores)
    print(f"  throughput {p.runs / p.wall_s:.2f} run/s; mesin {cores} inti terpakai {used:.0%} "
          f"(server {p.server_cpu_s / p.wall_s:.2f} inti, klien "
          f"{p.client_cpu_s / p.wall_s:.2f}, proses lain {p.others_cpu_s / p.wall_s:.2f})")
    if baseline is not None and baseline.changes and p.changes:
        ratio = percentile(p.changes, 50) / percentile(baseline.changes, 50)
        line = f"  rasio p50 ubah filter (klien) {n} sesi / 1 sesi: {ratio:.1f}×"
        if p.server and baseline.server:
            line += (f"; waktu skrip di server: "
                     f"{percentile(p.server, 50) / percentile(baseline.server, 50):.1f}×")
        print(line)
    for err in sorted(set(p.errors))[:10]:
        print(f"  galat: {err} (×{p.errors.count(err)})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    city_arguments(parser)
    parser.add_argument("--cache", type=Path, default=None,
                        help="PETA_CACHE_DIR of the server (default: a folder beside --db)")
    parser.add_argument("--sessions", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--changes", type=int, default=5, help="filter changes per session")
    parser.add_argument("--baseline-repeat", type=int, default=3,
                        help="single sessions run one after another for the baseline")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean seconds before each change (uniform 0–2×; default 0: none)")
    parser.add_argument("--timeout", type=float, default=600, help="per run, seconds")
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--server-option", action="append", default=[], metavar="KEY=VALUE",
                        type=server_option, help="a Streamlit setting over the project's "
                        "config, e.g. runner.postScriptGC=true (repeatable)")
    args = parser.parse_args()

    from bench.bench_map import build

    build(args.db, args.households, args.areas, args.kecamatan)
    cache = args.cache or args.db.with_name(args.db.stem + "-cache")
    port = args.port or free_port()
    log = tempfile.NamedTemporaryFile(prefix="bench_sessions-", suffix=".log", delete=False)
    print(f"server: streamlit run app.py, port {port}, PETA_DB_URL=sqlite:///{args.db}, "
          f"PETA_CACHE_DIR={cache}, log {log.name}; {os.cpu_count()} CPU, "
          f"beban rata-rata {load_average()}; opsi "
          f"{' '.join(f'{k}={v}' for k, v in args.server_option) or '-'}",
          flush=True)
    proc = start_server(port, args.db, cache, log, args.server_option)
    try:
        return asyncio.run(_phases(proc.pid, port, args))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def _phases(pid: int, port: int, args: argparse.Namespace) -> int:
    k = args.changes
    warm = await phase("pemanasan (sesi pertama, cache dingin)", pid, port, 1, 0, args.timeout, 0)
    print(f"pemanasan: buka sesi pertama {warm.opens[0] if warm.opens else float('nan'):.1f} s, "
          f"RSS server {status_kb(pid, 'VmRSS') / 1024:.0f} MB, galat {len(warm.errors)}",
          flush=True)
    for err in warm.errors[:5]:
        print(f"  galat: {err}")
    singles = [await phase("dasar", pid, port, 1, k, args.timeout, args.think, offset=r)
               for r in range(args.baseline_repeat)]
    baseline = Phase(f"dasar: 1 sesi sendirian, {args.baseline_repeat}× berurutan",
                     [s for p in singles for s in p.sessions], sum(p.wall_s for p in singles),
                     sum(p.server_cpu_s for p in singles), sum(p.client_cpu_s for p in singles),
                     sum(p.others_cpu_s for p in singles), max(p.peak_rss_mb for p in singles),
                     (singles[0].load[0], singles[-1].load[1]))
    report(baseline, None)
    phases = []
    for n in args.sessions:
        name = f"{n} sesi serentak" + (f", jeda rata-rata {args.think:g} s" if args.think else "")
        p = await phase(name, pid, port, n, k, args.timeout, args.think)
        report(p, baseline)
        phases.append(p)
        sys.stdout.flush()
    print(f"\nVmHWM server sejak mulai: {status_kb(pid, 'VmHWM') / 1024:.0f} MB; "
          f"statistik server dari page_profile (browser.gatherUsageStats true)")
    errors = len(warm.errors) + len(baseline.errors) + sum(len(p.errors) for p in phases)
    print("0 GALAT" if not errors else f"{errors} GALAT")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
