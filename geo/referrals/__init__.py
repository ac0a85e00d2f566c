"""SLRT / Puskesos referrals and service points: the referral log joined to the register, per
kelurahan measures, the OPD backlog, follow-up lists and the distance to service points.

- :mod:`geo.referrals.vocab`: the log's columns and header aliases, need categories, statuses
  and service-point types with the wording met in real logs, and the one date parser;
- :mod:`geo.referrals.tables`: the tables (on :data:`geo.store.metadata`);
- :mod:`geo.referrals.keys`: the keyed hash that matches a referral to a register household
  (the referral tables never hold a raw NIK or No. KK);
- :mod:`geo.referrals.log`: import, validation and quarantine of the referral log;
- :mod:`geo.referrals.measures`: per-area measures, the backlog per OPD, follow-up lists;
- :mod:`geo.referrals.points`: service points and the distance to the nearest one;
- :mod:`geo.referrals.demo`: the demo city's referral log and service points.
"""
