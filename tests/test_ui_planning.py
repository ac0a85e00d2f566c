"""The shaded tables of the planning pages (ui/planning.py): colours by column class, grey for
what is unknown or hidden, the first rows shown with the colours of the whole table; a table
as tall as its rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.maps import NO_DATA_COLOR, PALETTES
from ui.planning import intensity_css, intensity_styler


def table() -> tuple[pd.DataFrame, pd.DataFrame]:
    values = pd.DataFrame({"A": [50.0, 40.0, np.nan, 30.0, 20.0, 10.0],
                           "B": [1.0, 2.0, 3.0, 4.0, 5.0, np.nan]},
                          index=list("pqrstu"))
    display = pd.DataFrame({"Nama": list("PQRSTU"), "A": ["50", "40", "< 5", "30", "20", "10"],
                            "B": ["1", "2", "3", "4", "5", "tidak ada data"]},
                           index=values.index)
    return display, values


def test_unknown_and_hidden_cells_are_grey_and_others_take_their_column_class():
    _, values = table()
    css = intensity_css(values)
    assert NO_DATA_COLOR in css.at["r", "A"] and NO_DATA_COLOR in css.at["u", "B"]
    assert PALETTES["YlOrRd"][-1] in css.at["p", "A"]  # the most in its column: darkest
    assert PALETTES["YlOrRd"][-1] in css.at["t", "B"]
    assert "color: #fff" in css.at["p", "A"] and "color: #222" in css.at["u", "A"]


def test_the_first_rows_keep_the_colours_of_the_whole_table():
    display, values = table()
    full = intensity_styler(display, values)._compute().ctx
    head = intensity_styler(display, values, rows=3)
    assert head.data.equals(display.head(3))
    assert head._compute().ctx == {cell: css for cell, css in full.items() if cell[0] < 3}
    assert (0, 0) not in full  # columns without values (names) are not coloured


def test_a_short_table_is_as_tall_as_its_rows_and_a_long_one_scrolls():
    from ui.planning import ROW_PX, table_height

    assert table_height(10) == ROW_PX * 11 + 3  # ten rows and the header, no empty rows
    assert table_height(0) == ROW_PX * 2 + 3  # an empty table shows one "empty" row
    assert table_height(1_552) == 480 and table_height(50, most=420) == 420
