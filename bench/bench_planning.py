"""The planning pages' reruns (Prioritas, Lintas OPD, Cakupan, Rujukan, Usulan; and
leadership's Ringkasan) on an existing database, server side (AppTest, the app's frame with
the sidebar filters), median of ``--rounds``: a rerun that changes nothing (as
``bench_province.py`` measures it), and the changes a planner makes: a filter (a new desil
range each round, so nothing is reused; then a kecamatan, kept for the page's own choices),
and each page's own choices. The demo opens with small counts hidden, so the kecamatan
filter also times the suppression over every kelurahan that a forum's area filter needs.
Rujukan and Usulan need a referral log and proposals: the province demo (``python -m geo demo
--boundaries FILE``) imports both.

Goal (issue 17): ≤ 1 s per rerun at a province (1.552 desa, 3M households).

    python bench/bench_planning.py --db data/bench_province_3000000.sqlite
    python bench/bench_planning.py --db data/bench_province_3000000.sqlite --baseline OLD

``--baseline OLD``: an older checkout (e.g. ``git archive main | tar -x -C OLD``) measured first,
in its own process, on the same database in the same run, and the ratio of the slowest reruns.
``--project``: the checkout whose pages are timed (default: this one). The database is only
read.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
PAGES = ("prioritas", "lintas_opd", "cakupan", "rujukan", "usulan", "ringkasan")
GOAL = 1.0


def framed_page(page: str) -> None:
    """A page in the app's frame (sidebar filters), as ``tests.map_fixtures``; run with
    ``AppTest.from_function`` and ``PETA_PROJECT`` set."""
    import os

    from ui.frame import run_frame

    run_frame(os.path.join(os.environ["PETA_PROJECT"], "pages", f"{page}.py"))


def desil(at, i: int) -> None:  # noqa: ANN001
    """A desil range not used before in this run (1–2, 1–3, …; then 2–3, …)."""
    lo, hi = 1 + i // 8, 2 + i % 8 + i // 8
    at.slider(key="f_desil").set_value((lo, min(hi, 10)))


def area(kecamatan: list[str]) -> Callable:
    """A kecamatan chosen in the sidebar, another each round: with small counts hidden the
    page then also suppresses over every kelurahan (geo.forum: an area filter never shows
    what the whole map hides), the rerun this times."""
    def choose(at, i: int) -> None:  # noqa: ANN001
        at.session_state["f_kec"] = [kecamatan[(7 * i) % len(kecamatan)]]
    return choose


def kecamatan_codes(db: Path) -> list[str]:
    import sqlite3

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return [r[0] for r in conn.execute(
            "SELECT kode FROM regions WHERE level = 'kecamatan' ORDER BY kode")]


def page_changes(page: str) -> list[tuple[str, Callable]]:
    agencies = ["Dinsos", "Dinkes", "Disdik", "Disnaker", "Perkim/PUPR"]
    # three of the referral map's measures: the other two ended the page before c390eb1
    # (KeyError 'OrRd'), so a baseline older than that could not be timed on them
    measures = ["dari_luar_register", "eksklusi_tanpa_rujukan", "rujukan_per_1000"]
    from geo.views.overview_view import MAP_CHOICES
    return {
        "prioritas": [
            ("bobot", lambda at, i: at.number_input(key="prio_w_miskin").set_value(2 + i % 2)),
            ("sorot N", lambda at, i: at.slider(key="prio_top").set_value(5 + i % 2 * 5)),
        ],
        "lintas_opd": [
            ("pilih OPD", lambda at, i: at.selectbox(key="opd_agency").set_value(
                agencies[(i + 1) % len(agencies)])),
            ("jumlah/persen", lambda at, i: at.radio(key="opd_measure").set_value(
                ["Persentase rumah tangga", "Jumlah rumah tangga"][i % 2])),
        ],
        "cakupan": [],
        "rujukan": [
            ("ukuran peta", lambda at, i: at.selectbox(key="ruj_measure").set_value(
                measures[(i + 1) % len(measures)])),
            ("tampilan", lambda at, i: at.radio(key="ruj_view").set_value(
                ["Backlog per OPD", "Kesenjangan jangkauan", "Peta rujukan"][i % 3])),
        ],
        "ringkasan": [
            ("peta kebutuhan", lambda at, i: at.selectbox(key="rk_need").set_value(
                MAP_CHOICES[(i + 1) % len(MAP_CHOICES)])),
        ],
        "usulan": [
            ("bobot", lambda at, i: at.slider(key="usulan_w_kebutuhan").set_value(2 + i % 3)),
            ("top N", lambda at, i: at.number_input(key="usulan_top").set_value(5 + i % 2 * 5)),
        ],
    }[page]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="SQLite file (only read)")
    parser.add_argument("--project", type=Path, default=HERE,
                        help="checkout whose pages are timed (default: this one)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--baseline", type=Path,
                        help="older checkout measured first, in its own process")
    args = parser.parse_args()
    if args.baseline:
        return compare(args)
    project = args.project.resolve()
    sys.path.insert(0, str(project))
    os.environ["PETA_DB_URL"] = f"sqlite:///{args.db.resolve()}"
    os.environ["PETA_PROJECT"] = str(project)
    os.chdir(project)

    from streamlit.testing.v1 import AppTest

    from bench.map_session import timed_run

    timed_run(AppTest.from_file(str(project / "app.py"), default_timeout=900))  # caches warm
    worst = 0.0
    kecamatan = kecamatan_codes(args.db.resolve())
    print(f"halaman perencanaan, {project} — median {args.rounds} rerun (detik)")
    for page in PAGES:
        at = AppTest.from_function(framed_page, args=(page,), default_timeout=300)
        first = timed_run(at)
        results = {"tanpa perubahan": [timed_run(at) for _ in range(args.rounds)]}
        for name, change in [("filter desil", desil), ("filter kecamatan", area(kecamatan)),
                             *page_changes(page)]:
            results[name] = []
            for i in range(args.rounds):
                change(at, i)
                results[name].append(timed_run(at))
        medians = {name: statistics.median(ts) for name, ts in results.items()}
        worst = max(worst, *medians.values())
        print(f"  {page:<11} sesi baru {first:5.2f}  " + "  ".join(
            f"{name} {m:5.2f}" for name, m in medians.items()), flush=True)
    print(f"terlama {worst:.2f} s, target ≤ {GOAL:.0f} s: "
          f"{'PASS' if worst <= GOAL else 'FAIL'}".replace(".", ","))
    return 0 if worst <= GOAL else 1


def compare(args: argparse.Namespace) -> int:
    """This script on ``--baseline``, then on ``--project``, each in its own process (the two
    checkouts' modules share names); the ratio of their slowest median reruns."""
    worst = {}
    for name, project in (("baseline", args.baseline), ("sekarang", args.project)):
        out = subprocess.run(
            [sys.executable, __file__, "--db", str(args.db), "--project", str(project),
             "--rounds", str(args.rounds)], capture_output=True, text=True, check=False)
        lines = [line for line in out.stdout.splitlines() if line.strip()]
        print("\n".join(lines), flush=True)
        if not lines or not lines[-1].startswith("terlama"):
            print(out.stderr[-2000:], file=sys.stderr)
            return 2
        worst[name] = float(lines[-1].split()[1].replace(",", "."))
    print(f"terlama: baseline {worst['baseline']:.2f} s, sekarang {worst['sekarang']:.2f} s "
          f"({worst['baseline'] / worst['sekarang']:.1f}× lebih cepat)".replace(".", ","))
    return 0 if worst["sekarang"] <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
