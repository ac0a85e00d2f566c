"""Reading PDFs in tests with poppler-utils (Debian's ``apt-get install poppler-utils``):
page size, text, fonts and a rendered PNG. Tests skip without poppler, except under CI."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image


def poppler_or_skip() -> None:
    if shutil.which("pdftoppm") and shutil.which("pdftotext"):
        return
    if os.environ.get("CI"):
        pytest.fail("CI is set but poppler-utils is missing: .ci/run must install it")
    pytest.skip("poppler-utils is not installed (apt-get install poppler-utils)")


def _run(*argv: str) -> str:
    poppler_or_skip()
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout


def info(path: Path) -> dict[str, str]:
    """``pdfinfo``'s fields, e.g. ``{"Pages": "67", "Page size": "595.276 x 841.89 pts (A4)"}``."""
    out = _run("pdfinfo", str(path))
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in
                                                 out.splitlines()) if v}


def text(path: Path, page: int | None = None, layout: bool = True) -> str:
    """``pdftotext`` of the whole file or of one page (1-based)."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return _run("pdftotext", *(["-layout"] if layout else []), *pages, str(path), "-")


def fonts(path: Path) -> list[tuple[str, str]]:
    """(font name, embedded yes/no) of every font ``pdffonts`` lists."""
    lines = _run("pdffonts", str(path)).splitlines()[2:]
    return [(line.split()[0], line.split()[-5]) for line in lines if line.strip()]


def render(path: Path, dpi: int, out_dir: Path, page: int = 1) -> np.ndarray:
    """Page ``page`` rendered by ``pdftoppm`` at ``dpi`` as an RGB array (rows from the top)."""
    stem = out_dir / f"page{page}"
    _run("pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page),
         "-singlefile", str(path), str(stem))
    return np.asarray(Image.open(f"{stem}.png").convert("RGB"))
