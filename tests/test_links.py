"""geo.links: a page's choices written into a link and read back; a broken or old link never
fails, it falls back to the page's default."""

from __future__ import annotations

from geo import links

IDS = ("miskin", "rtlh", "belum_jkn")


def test_weights_round_trip_and_only_differences_travel():
    weights = {"miskin": 3, "rtlh": 0, "belum_jkn": 1}
    text = links.encode_weights(weights)
    assert text == "miskin:3,rtlh:0"
    assert links.decode_weights(text, IDS) == {"miskin": 3, "rtlh": 0}


def test_bad_weights_are_left_out():
    assert links.decode_weights("miskin:3,rtlh:11,x:2,belum_jkn:abc,:,", IDS) == {"miskin": 3}
    assert links.decode_weights("", IDS) == {}


def test_lists_and_choices():
    assert links.decode_list(links.encode_list(["rtlh", "miskin"]), IDS) == ["rtlh", "miskin"]
    assert links.decode_list("rtlh,tidak_ada,rtlh", IDS) == ["rtlh"]
    assert links.decode_list("tidak_ada", IDS) is None  # the default, not an empty choice
    assert links.decode_list("", IDS) == []
    assert links.decode_choice("Disdik", ("Dinsos", "Disdik")) == "Disdik"
    assert links.decode_choice("disdik", ("Dinsos", "Disdik")) is None
    assert links.decode_int("7", 1, 10) == 7
    assert links.decode_int("70", 1, 10) is None and links.decode_int("x", 1, 10) is None

