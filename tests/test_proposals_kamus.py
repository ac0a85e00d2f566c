"""The kamus usulan: the default list on first use, the admin's edit checked and recorded,
activity names matched as offices write them."""

from __future__ import annotations

import pytest

from geo import audit
from geo.proposals import kamus
from geo.proposals.evidence import evidence_from, score


def test_the_default_kamus_is_stored_and_every_indicator_exists(engine):
    entries = kamus.load(engine)
    assert len(entries) == len(kamus.DEFAULT) and not kamus.check(entries)
    assert any(not e.indikator for e in entries)  # some activities have no indicator


def test_an_edit_round_trips_through_the_table_and_is_audited(engine):
    table = kamus.table(kamus.load(engine))
    table.loc[len(table)] = ["Pembangunan MCK umum", "Perkim/PUPR", "unit", 90_000_000, 20,
                             "tanpa_jamban"]
    kamus.save(engine, kamus.from_table(table), "admin")
    lookup = kamus.Lookup(kamus.load(engine))
    assert lookup.activity("pembangunan mck umum").rt_per_satuan == 20
    assert lookup.activity("Bedah Rumah (Rehab RTLH) di RT 03").indikator == ("rtlh",)
    assert lookup.opd("perkim / pupr", None) == "Perkim/PUPR"
    assert len(audit.entries(engine, action="kamus_changed")) == 1


def test_an_invalid_edit_is_refused_with_reasons(engine):
    bad = [kamus.Entry("A", "Dinsos", "unit", 1, 1, ("bukan_indikator",)),
           kamus.Entry("a", "Dinsos", "unit", 1, 1, ())]
    with pytest.raises(ValueError, match="bukan_indikator.*|dua kali"):
        kamus.save(engine, bad, "admin")
    assert len(kamus.load(engine)) == len(kamus.DEFAULT)


def test_no_proposals_rank_to_an_empty_table(engine):
    import pandas as pd

    from geo import indicators
    from geo.proposals.importer import load_proposals

    table = pd.DataFrame(columns=["kode", "nama", *[f"{i.id}{s}" for i in indicators.INDICATORS
                                                    for s in ("", "_persen", "_diketahui")]])
    ranked = score(evidence_from(table, kamus.load(engine), load_proposals(engine)))
    assert ranked.empty and "skor" in ranked.columns
