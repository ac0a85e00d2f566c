"""Musrenbang proposals (usulan) tied to the register's evidence.

* :mod:`~geo.proposals.kamus` — the kamus usulan (activity → OPD, unit, cost, indicators)
* :mod:`~geo.proposals.values` — money, volume, source and status as written in exports
* :mod:`~geo.proposals.reading` — reading and checking an export (header aliases, reasons)
* :mod:`~geo.proposals.importer` — storing: file import (atomic) and the entry form
* :mod:`~geo.proposals.evidence` — evidence per proposal and the evidence score
* :mod:`~geo.proposals.gaps` — the need no proposal answers
* :mod:`~geo.proposals.decisions` — accept/reject with who and when
* :mod:`~geo.proposals.minutes` / :mod:`~geo.proposals.minutes_pdf` — the berita acara
* :mod:`~geo.proposals.demo` — the demo city's proposals
"""
