"""What each page shows, computed without Streamlit (the pages only draw it).

One module per page: :mod:`geo.views.map_view` (Peta), :mod:`geo.views.coverage_view`
(Cakupan & ketepatan sasaran), :mod:`geo.views.opd_view` (Kesenjangan lintas OPD),
:mod:`geo.views.priority_view` (Prioritas Musrenbang), :mod:`geo.views.quality_view`
(Kualitas data); :mod:`geo.views.common` holds what they share. Each function takes plain
values (the evaluated register, the filters, region tables, settings) and returns frames and
texts a unit test can check.
"""
