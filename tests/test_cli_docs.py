"""geo.cli.docs: README.md's command-line section is the real ``--help`` output, up to date."""

from __future__ import annotations

import pytest

from geo.cli import COMMANDS, docs, exit_codes


def test_readme_command_line_section_is_current():
    current = docs.README.read_text(encoding="utf-8")
    assert docs.render(current) == current, (
        "README.md's command-line section is stale: run python -m geo.cli.docs --write")


def test_section_shows_every_command_and_every_exit_code():
    text = docs.section_id()
    for name in COMMANDS:
        assert f"`python -m geo {name} --help`:" in text
        assert f"pemakaian: python -m geo {name}" in text
    english = docs.section_en()
    for code in (exit_codes.OK, exit_codes.FAILED, exit_codes.USAGE, exit_codes.WARNINGS):
        assert f"| `{code}` |" in text and f"| `{code}` |" in english


def test_help_is_rendered_80_columns_wide_whatever_the_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    texts = docs.help_texts()
    assert max(len(line) for text in texts.values() for line in text.splitlines()) <= 80
    monkeypatch.setenv("COLUMNS", "40")
    assert docs.help_texts() == texts


def test_a_changed_help_text_makes_the_section_stale(monkeypatch):
    from geo.cli import indicators

    current = docs.README.read_text(encoding="utf-8")
    monkeypatch.setattr(indicators, "HELP", "teks bantuan yang diubah")
    assert docs.render(current) != current


def test_missing_markers_are_reported():
    with pytest.raises(ValueError, match="cli:start"):
        docs.render("# README tanpa penanda\n")
