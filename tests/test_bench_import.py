"""The import bench's lower bound (bench/bench_import.py ``import_skeleton``) runs on the bench's
own register and leaves nothing behind. The bench itself is never run by pytest."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from bench.bench_import import import_skeleton, write_register


def test_the_import_skeleton_checks_every_row_and_leaves_nothing_behind(tmp_path: Path):
    register = tmp_path / "register.csv"
    write_register(register, 3_000, seed=7)
    pool = pa.default_memory_pool().backend_name
    steps = import_skeleton(register, tmp_path / "skeleton.arrow")
    assert {"parse", "checks", "duplicates", "counts", "store", "total"} <= steps.keys()
    assert steps["total"] >= steps["parse"] > 0
    # the demo register's defects (about 2%) are among the rows the skeleton turns down
    assert 0 < steps["accepted"] < 3_000
    assert not (tmp_path / "skeleton.arrow").exists()
    assert pa.default_memory_pool().backend_name == pool
