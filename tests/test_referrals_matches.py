"""geo/referrals/matches.py: a log's match to a period's register is made once and stored, so a
new server process opens the Rujukan page without hashing the register's ids again; a new log
or a new import of the period is matched again; and the stored match joins exactly as the one
just made."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from geo import keyed_ids
from geo.referrals import keys, measures
from geo.referrals import log as referral_log
from geo.referrals.tables import referral_matches
from tests.map_fixtures import write_city
from tests.referral_fixtures import generated_log, write

pytestmark = pytest.mark.both_backends  # stamps and the stored rows on SQLite and PostgreSQL


def stored_rows(engine) -> int:  # noqa: ANN001
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(referral_matches)).scalar_one()


@pytest.fixture
def no_hashing(monkeypatch):  # noqa: ANN001, ANN201
    """Fail any hashing of the register's ids (what a stored match spares)."""
    def refuse(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("the register's ids were hashed again")

    def on() -> None:
        monkeypatch.setattr(keys, "register_index", refuse)

    return on


def test_the_import_stores_its_match_and_the_page_reads_it_without_hashing(
        engine, tmp_path, no_hashing):
    truth = generated_log(engine)
    result = referral_log.import_referrals(engine, write(truth.log, tmp_path))
    assert stored_rows(engine) == result.counts["accepted"]
    no_hashing()
    joined = measures.load_joined(engine)
    assert joined.referrals["hh"].tolist() == truth.hh.tolist()


def test_a_period_imported_after_the_log_is_matched_by_its_import(engine, tmp_path,
                                                                  no_hashing):
    """The first open of Rujukan for a new period read a match, not hash the register."""
    from geo.demo import register_frame
    from geo.households import import_households

    truth = generated_log(engine)
    path = tmp_path / "register.csv"
    register_frame(truth.households).to_csv(path, index=False)
    import_households(engine, path, "2026-11")  # before any log: nothing to match
    assert stored_rows(engine) == 0
    referral_log.import_referrals(engine, write(truth.log, tmp_path))
    result = import_households(engine, path, "2026-12")
    assert result.counts["accepted"] == len(truth.households)
    assert stored_rows(engine) == 2 * len(truth.log)  # the log's period and the new one
    no_hashing()
    joined = measures.load_joined(engine, "2026-12")
    assert joined.referrals["hh"].tolist() == truth.hh.tolist()


def test_another_period_is_matched_once_then_read(engine, tmp_path, no_hashing):
    truth = generated_log(engine)
    referral_log.import_referrals(engine, write(truth.log, tmp_path))
    # a later period: the same households in another order (their positions change)
    later = truth.households.sample(frac=1.0, random_state=1).drop(columns=["row_number"])
    write_city(engine, n_kelurahan=8, n_kecamatan=2, period="2026-12", households=later)
    first = measures.load_joined(engine, "2026-12")
    moved = pd.Series(np.arange(len(later)), index=later.index)
    want = np.where(truth.hh >= 0, moved.reindex(np.clip(truth.hh, 0, None)).to_numpy(), -1)
    assert first.referrals["hh"].tolist() == want.tolist()
    assert stored_rows(engine) == 2 * len(truth.log)  # both periods
    no_hashing()
    again = measures.load_joined(engine, "2026-12")
    assert again.referrals["hh"].tolist() == want.tolist()
    assert measures.load_joined(engine, "2026-09").referrals["hh"].tolist() == truth.hh.tolist()


def test_a_new_log_or_a_new_import_of_the_period_is_matched_again(engine, tmp_path):
    truth = generated_log(engine)
    referral_log.import_referrals(engine, write(truth.log, tmp_path))
    # the period imported again, its households in another order: the old match is stale
    again = truth.households.iloc[::-1].drop(columns=["row_number"])
    write_city(engine, n_kelurahan=8, n_kecamatan=2, households=again)
    reversed_hh = np.where(truth.hh >= 0, len(again) - 1 - truth.hh, -1)
    assert measures.load_joined(engine).referrals["hh"].tolist() == reversed_hh.tolist()
    # a new log (half the referrals) replaces the stored matches whole
    half = truth.log.iloc[: len(truth.log) // 2]
    referral_log.import_referrals(engine, write(half, tmp_path))
    assert stored_rows(engine) == len(half)
    assert measures.load_joined(engine).referrals["hh"].tolist() == \
        reversed_hh[: len(half)].tolist()


def test_a_shared_8_byte_prefix_alone_is_not_a_match():
    key = b"k" * 32
    register = pd.DataFrame({"id_keluarga": ["A1", "A2", "A1"], "no_kk": [None] * 3,
                             "nik_krt": [None] * 3})
    index = keys.register_index(key, register, ("id",))
    real = keyed_ids.digest(key, "id", "A2")
    forged = real[:16] + ("0" if real[16] != "0" else "1") + real[17:]
    first = keyed_ids.digest(key, "id", "A1")
    referrals = pd.DataFrame({"kunci_id": [real, forged, first, None]})
    assert keys.match(index, referrals, key).tolist() == [1, -1, 0, -1]  # A1: its first row
