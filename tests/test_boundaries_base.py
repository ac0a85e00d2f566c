"""geo.boundaries.base: the report's JSON and the shared array helper."""

from __future__ import annotations

import json

import numpy as np

from geo.boundaries import BoundaryReport
from geo.boundaries.base import ragged


def test_report_dict_groups_the_quality_findings():
    report = BoundaryReport("batas.geojson", duplicates=[{"kode": "36.74.01.1001"}])
    data = report.to_dict()
    assert data["source"] == "batas.geojson"
    assert set(data["quality"]) == {"duplicates", "missing_names", "outside_indonesia",
                                    "parent_mismatch", "coverage", "per_kecamatan", "dropped"}
    assert data["quality"]["duplicates"] == [{"kode": "36.74.01.1001"}]
    json.dumps(data)  # what the command line prints and the app keeps


def test_ragged_concatenates_ranges():
    values, which = ragged(np.array([2, 5, 9]), np.array([4, 8, 9]))
    assert values.tolist() == [2, 3, 5, 6, 7] and which.tolist() == [0, 0, 1, 1, 1]
