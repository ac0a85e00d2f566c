"""Exit codes of ``python -m geo``, one scheme for every command.

======  ================  =====================================================================
code    name              meaning
======  ================  =====================================================================
0       OK                done
1       FAILED            an import or a look-up failed; the reason is on stderr, in
                          Indonesian (a failed import changes no data)
2       USAGE             the command line itself is wrong or incomplete (argparse's own code)
3       WARNINGS          done, but with warnings the caller must read (on stderr): an import
                          left most households unlinked, or left coded values unmapped, or
                          quarantined proposal rows
======  ================  =====================================================================
"""

from __future__ import annotations

OK = 0
FAILED = 1
USAGE = 2  # argparse exits with it; listed here so the scheme is complete
WARNINGS = 3

# code -> (Indonesian, English): the README's exit-code tables are generated from this
MEANING: dict[int, tuple[str, str]] = {
    OK: ("selesai", "done"),
    FAILED: ("gagal: impor atau pencarian gagal; sebabnya di stderr (impor yang gagal tidak "
             "mengubah data)",
             "failed: an import or a look-up failed; the reason is on stderr (a failed import "
             "changes no data)"),
    USAGE: ("salah pakai: argumen salah atau kurang (kode argparse)",
            "usage: wrong or missing arguments (argparse's own code)"),
    WARNINGS: ("selesai dengan peringatan yang wajib dibaca (di stderr): sebagian besar rumah "
               "tangga belum tertaut ke kelurahan/desa, atau ada nilai berkode yang tak "
               "terpetakan (impor rumah tangga, impor batas wilayah, demo), atau ada baris usulan "
               "yang dikarantina (proposals import)",
               "done with warnings the caller must read (on stderr): most households are "
               "left unlinked to any kelurahan/desa, or coded values were left unmapped "
               "(import-households, import-boundaries, demo), or proposal rows were "
               "quarantined (proposals import)"),
}
