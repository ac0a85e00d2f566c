"""``python -m geo import-households``: arguments, the progress bar, the counts as text."""

from __future__ import annotations

import argparse

from geo import audit, link, periods, store
from geo.cli import common
from geo.fmt import fmt_int
from geo.household_dask import ENGINES, STORAGES, import_households_dask
from geo.households import ImportFailed, ImportResult, import_households, value_entries
from geo.register_values import parse_code_list_option
from geo.sqlite_writer import wait_for_checkpoints

HELP = "impor register rumah tangga (CSV, XLSX, Parquet)"


def parse_map(item: str) -> tuple[str, str]:
    """``"NO RUMAH=id_keluarga"`` -> (header, column); ``"CATATAN="`` ignores a column."""
    if "=" not in item:
        raise argparse.ArgumentTypeError(
            f"{item!r}: tulis sebagai KOLOM_BERKAS=kolom, mis. --map IDDTKS=id_keluarga "
            "(kosongkan kolom untuk mengabaikan)")
    header, column = item.rsplit("=", 1)
    return header.strip(), column.strip()


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="BERKAS", nargs="+",
                        help="berkas register: CSV, XLSX atau Parquet (lebih dari satu berkas "
                             "berkolom sama, atau folder dataset Parquet: dengan --engine "
                             "dask)")
    common.add_period(parser, required=True)
    parser.add_argument("--map", action="append", type=parse_map, metavar="KOLOM=kolom",
                        default=[], help="petakan kolom berkas ke kolom tabel (boleh "
                                         "berulang); KOLOM= untuk mengabaikan")
    parser.add_argument("--sheet", metavar="LEMBAR",
                        help="nama lembar Excel (bawaan: dipilih otomatis)")
    parser.add_argument("--kode", action="append", metavar="[KOLOM=]DAFTAR", default=[],
                        help="daftar kode jawaban (pbdt2015, dtsen, atau nama profil "
                             "tersimpan) untuk semua kolom berkode, atau KOLOM=DAFTAR untuk "
                             "satu kolom (boleh berulang); bawaan: dipilih per kolom menurut "
                             "kecocokan")
    parser.add_argument("--value", action="append", metavar="KOLOM:nilai=kode", default=[],
                        help="petakan satu nilai, mis. sumber_air_minum:99=lainnya (boleh "
                             "berulang); menang atas daftar kode dan profil")
    parser.add_argument("--profile", metavar="NAMA", help="pakai profil pemetaan nilai "
                                                           "tersimpan")
    parser.add_argument("--save-profile", metavar="NAMA",
                        help="setelah impor berhasil, simpan pemetaan nilai yang dipakai "
                             "(profil dan --value) sebagai profil NAMA")
    parser.add_argument("--replace", action="store_true",
                        help="ganti periode yang sudah ada (tanpa ini impor ke periode yang "
                             "sudah ada ditolak dan tidak ada yang berubah)")
    parser.add_argument("--engine", choices=ENGINES, default="pandas",
                        help="pandas: proses ini (bawaan); dask: klaster Dask, satu partisi per "
                             "berkas, aturan yang sama (lihat docs/scale.md)")
    parser.add_argument("--scheduler", metavar="ALAMAT",
                        help="alamat penjadwal Dask, mis. tcp://10.0.0.5:8786 (bawaan: "
                             "LocalCluster di mesin ini)")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="jumlah pekerja LocalCluster (bawaan: satu per inti CPU)")
    parser.add_argument("--storage", choices=STORAGES, default="database",
                        help="database: tabel rumah tangga di basis data (bawaan); dataset: "
                             "dataset Parquet berpartisi kabupaten/kota dan kecamatan di "
                             "PETA_DATASET_DIR, ditulis oleh pekerja (hanya dengan --engine "
                             "dask; lihat docs/scale.md)")
    common.add_json(parser, "hitungan dan nilai tak terpetakan")


def import_warnings(result: ImportResult) -> list[str]:
    """What the caller must read: most households unlinked, coded values left unmapped."""
    warnings = []
    unlinked = link.unlinked_warning(result.counts["unlinked"], result.counts["accepted"])
    if unlinked:
        warnings.append(unlinked)
    unmapped = result.report["unmapped_values"]
    if unmapped:
        rows = sum(sum(values.values()) for values in unmapped.values())
        warnings.append(f"{fmt_int(rows)} nilai berkode tak terpetakan (dibiarkan kosong) di "
                        f"{', '.join(unmapped)}; petakan dengan --value KOLOM:nilai=kode.")
    return warnings


def _print_summary(args: argparse.Namespace, result: ImportResult) -> None:
    unmapped = result.report["unmapped_values"]
    print(f"Periode {args.period} tersimpan (snapshot {result.snapshot_id}).")
    if result.report.get("sheets_note"):
        print(result.report["sheets_note"])
    print("\n".join(common.count_lines(result.counts, store.COUNT_KEYS)))
    for c, values in unmapped.items():
        listed = ", ".join(f"{v} ({fmt_int(n)} baris)" for v, n in list(values.items())[:8])
        more = f" dan {fmt_int(len(values) - 8)} nilai lain" if len(values) > 8 else ""
        print(f"  nilai tak terpetakan di {c} ({fmt_int(sum(values.values()))} baris, "
              f"dibiarkan kosong): {listed}{more}")
    if unmapped:
        print("  Petakan nilainya dengan --value KOLOM:nilai=kode, mis. --value "
              f"{next(iter(unmapped))}:NILAI=lainnya.")
    if args.save_profile:
        print(f"Profil pemetaan nilai {args.save_profile!r} tersimpan.")


def run(args: argparse.Namespace) -> int:
    engine = store.get_engine()
    try:
        args.period = periods.parse(args.period)
    except periods.PeriodError as err:
        return common.fail(err)
    try:
        entries = value_entries(engine, args.profile, args.value)
        replaced = periods.exists(engine, args.period)
        if replaced and not args.replace:  # asked, never replaced silently
            return common.fail(f"{periods.replace_question(args.period)} Tambahkan --replace "
                               "untuk menggantinya; tidak ada yang berubah.")
        with common.progress_bar(common.progress_wanted(args)) as progress:
            options = {"mapping": dict(args.map), "progress": progress, "sheet": args.sheet,
                       "code_list": parse_code_list_option(args.kode), "values": entries}
            if args.engine == "dask":
                result = import_households_dask(engine, args.file, args.period,
                                                scheduler=args.scheduler,
                                                workers=args.workers, storage=args.storage,
                                                **options)
            elif len(args.file) > 1 or args.scheduler or args.workers \
                    or args.storage != "database":
                raise ImportFailed("lebih dari satu berkas, --scheduler, --workers dan "
                                   "--storage dataset hanya dengan --engine dask.")
            else:
                result = import_households(engine, args.file[0], args.period, **options)
    except ImportFailed as err:
        return common.fail(err)
    audit.record_import(engine, audit.CLI_USER, "import_households", ", ".join(args.file),
                        args.period, replaced, result.counts)
    if args.save_profile:
        try:
            store.save_value_profile(engine, args.save_profile, entries)
        except ValueError as err:
            return common.fail(f"periode {args.period} tersimpan, tetapi profil tidak: {err}")
    # the period is committed; before the shell gets the database back (a script may copy the
    # file next), SQLite's WAL is copied into it
    wait_for_checkpoints()
    if args.json:
        note = result.report.get("sheets_note")  # only when the register spans sheets
        common.print_json({**{k: int(result.counts[k]) for k in store.COUNT_KEYS},
                           "unmapped": result.report["unmapped_values"],
                           **({"sheets_note": note} if note else {})})
    else:
        _print_summary(args, result)
    return common.warn(import_warnings(result))
