"""geo.register_errors: one ImportFailed, whichever module a caller takes it from."""

from __future__ import annotations

from geo import households, register_files, register_values
from geo.register_errors import ImportFailed


def test_one_import_failed_under_every_name():
    assert issubclass(ImportFailed, Exception)
    assert households.ImportFailed is ImportFailed
    assert register_files.ImportFailed is ImportFailed
    assert register_values.ImportFailed is ImportFailed
