"""Files the app serves to the browser itself (Streamlit's static serving of ``static/``).

Leaflet lives in ``static/leaflet``. A map's area geometry is published in ``static/peta``
under a name made from its content (:func:`publish`): the same boundaries give the same URL, so
the browser fetches a province's megabytes once and each rerun of a page sends only colours and
tooltips. A name never changes meaning, so a cached copy can never be stale.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from geo.store import PROJECT_DIR

STATIC_DIR = PROJECT_DIR / "static"
STATIC_URL = "/app/static"  # where Streamlit serves STATIC_DIR (server.enableStaticServing)
PUBLISHED = "peta"  # the sub-folder of published geometry
KEEP_FILES = 64  # published files kept; the oldest go first (a new one is made again on use)


def publish(text: str, suffix: str = ".json") -> str | None:
    """The URL of ``text`` written once to ``static/peta/<hash><suffix>``; None when the folder
    cannot be written (the caller then embeds the text)."""
    data = text.encode()
    name = hashlib.sha256(data).hexdigest()[:24] + suffix
    folder = STATIC_DIR / PUBLISHED
    target = folder / name
    try:
        if not target.exists():
            folder.mkdir(parents=True, exist_ok=True)
            handle, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)  # atomic: a reader never sees half a file
            _prune(folder, keep=target)
    except OSError:
        return None
    return f"{STATIC_URL}/{PUBLISHED}/{name}"


def path_of(url: str) -> Path:
    """The file behind a URL made by :func:`publish`."""
    prefix = f"{STATIC_URL}/"
    if not url.startswith(prefix):
        raise ValueError(f"not a static URL: {url}")
    return STATIC_DIR / url.removeprefix(prefix)


def _prune(folder: Path, keep: Path) -> None:
    files = sorted((p for p in folder.iterdir() if p.is_file() and p != keep),
                   key=lambda p: p.stat().st_mtime)
    for old in files[: max(0, len(files) + 1 - KEEP_FILES)]:
        old.unlink(missing_ok=True)
