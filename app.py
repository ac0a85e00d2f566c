"""Peta Sinergi: entry point. The frame around every page (navigation, the shared sidebar, the
first-run demo) is :func:`ui.frame.run_frame`."""

from __future__ import annotations

from ui.frame import run_frame

run_frame()
