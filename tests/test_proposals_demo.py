"""The demo city's proposals: loaded with the demo, some in high-need kelurahan, some not,
some with no register indicator; every row accepted; the same seed gives the same file."""

from __future__ import annotations

from geo import store
from geo.proposals.demo import demo_rows
from geo.proposals.evidence import EVIDENCE, NO_INDICATOR, ranking
from geo.proposals.gaps import gaps


def test_the_demo_holds_proposals_beside_their_evidence(demo_db_path):
    engine = store.get_engine(f"sqlite:///{demo_db_path}")
    ranked = ranking(engine)
    assert 30 <= len(ranked) <= 60
    with_evidence = ranked[ranked["bukti"] == EVIDENCE]
    assert with_evidence["top_n"].astype(bool).sum() >= 10  # in high-need kelurahan
    assert (~with_evidence["top_n"].astype(bool)).sum() >= 5  # and elsewhere
    assert (ranked["bukti"] == NO_INDICATOR).sum() >= 4
    assert {"pokir", "musrenbang_kelurahan"} <= set(ranked["sumber"])
    assert (ranked["status"] == "ditolak").sum() >= 1
    assert len(gaps(engine)) > 0  # some need is left unanswered
    assert demo_rows(engine) == demo_rows(engine)
