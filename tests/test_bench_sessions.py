"""The load bench's own helpers (bench/bench_sessions.py): percentiles, reading Streamlit's
forward messages, and the widget values the light client sends as the web page would. The bench
itself (a server and many sessions) is never run by pytest."""

from __future__ import annotations

import argparse
import math

import pytest
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.MultiSelect_pb2 import MultiSelect
from streamlit.proto.Radio_pb2 import Radio
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.bench_sessions import (
    MAP_COMPONENT,
    Run,
    browser_state,
    change_state,
    check_run,
    expected_query,
    percentile,
    read_forward,
    server_option,
    shown_query,
    widget_key,
)


def test_percentile_interpolates_between_ranks_like_numpy():
    assert percentile([3, 1, 2], 50) == 2
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert math.isclose(percentile(list(range(1, 21)), 95), 19.05)
    assert percentile([7.0], 95) == 7.0
    assert math.isnan(percentile([], 50))


def test_widget_key_is_the_user_key_of_a_keyed_widget_id():
    assert widget_key("$$ID-adf5deeb7c621d4b3fa7f51364ccf1f2-f_desil") == "f_desil"
    assert widget_key("$$ID-ac083e87-c5db-32df") == "c5db-32df"
    assert widget_key("") is None


def _bytes(msg: ForwardMsg) -> bytes:
    return msg.SerializeToString()


def test_a_run_ends_at_its_final_script_finished_not_at_an_st_rerun():
    run = Run()
    early = ForwardMsg(script_finished=ForwardMsg.FINISHED_EARLY_FOR_RERUN)
    assert read_forward(_bytes(early), run) is False
    profile = ForwardMsg()
    profile.page_profile.exec_time = 250_000
    read_forward(_bytes(profile), run)
    read_forward(_bytes(profile), run)
    done = ForwardMsg(script_finished=ForwardMsg.FINISHED_SUCCESSFULLY)
    assert read_forward(_bytes(done), run) is True
    assert run.finished == ForwardMsg.FINISHED_SUCCESSFULLY
    assert run.server_s == 0.5 and run.profiles == 2 and run.errors == []


def test_exceptions_error_alerts_and_missing_maps_are_errors():
    run = Run()
    exc = ForwardMsg()
    exc.delta.new_element.exception.type = "KeyError"
    exc.delta.new_element.exception.message = "'kode'"
    read_forward(_bytes(exc), run)
    alert = ForwardMsg()
    alert.delta.new_element.alert.body = "Halaman gagal"
    alert.delta.new_element.alert.format = Alert.ERROR
    read_forward(_bytes(alert), run)
    warning = ForwardMsg()
    warning.delta.new_element.alert.body = "Semua wilayah abu-abu"
    warning.delta.new_element.alert.format = Alert.WARNING
    read_forward(_bytes(warning), run)
    read_forward(_bytes(ForwardMsg(script_finished=ForwardMsg.FINISHED_SUCCESSFULLY)), run)
    errors = check_run(run)
    assert errors == ["exception: KeyError: 'kode'", "pesan galat: Halaman gagal",
                      "no map in the run"]


def test_a_run_with_the_map_the_page_and_the_address_is_read():
    run = Run()
    session = ForwardMsg()
    session.new_session.page_script_hash = "abc"
    read_forward(_bytes(session), run)
    component = ForwardMsg()
    component.delta.new_element.component_instance.component_name = MAP_COMPONENT
    read_forward(_bytes(component), run)
    slider = ForwardMsg()
    slider.delta.new_element.slider.id = "$$ID-1-f_desil"
    read_forward(_bytes(slider), run)
    info = ForwardMsg()
    info.page_info_changed.query_string = "desil=1-4&program=pkh"
    read_forward(_bytes(info), run)
    read_forward(_bytes(ForwardMsg(script_finished=ForwardMsg.FINISHED_SUCCESSFULLY)), run)
    assert run.page_hash == "abc" and run.maps == 1
    assert run.widgets["f_desil"].id == "$$ID-1-f_desil"
    assert [which for which, _ in run.drawn] == ["slider"]
    expected = expected_query([("desil", (1, 4)), ("program", 1)])
    assert expected == {"desil": "1-4", "program": "pkh"}
    assert check_run(run, run.query_string, expected) == []
    assert check_run(run, "desil=1-4", expected) == [
        "the app shows {'desil': '1-4'}, sent {'desil': '1-4', 'program': 'pkh'}"]


def test_the_address_names_only_the_filters_that_are_on():
    assert expected_query([("desil", (1, 4)), ("desil", (1, 10))]) == {}
    assert expected_query([("program", 0), ("program", None)]) == {}
    assert shown_query("p_ind=rtlh&desil=2-5") == {"desil": "2-5"}


def test_the_page_keeps_a_users_value_until_the_server_sets_one():
    slider = Slider(id="$$ID-1-f_desil", default=[1, 10])
    first = browser_state("slider", slider)
    assert list(first.double_array_value.data) == [1, 10]
    user = WidgetState(id=slider.id)
    user.double_array_value.data.extend([1, 4])
    assert browser_state("slider", slider, user) is user  # drawn again: the user's value stays
    slider.value[:] = [2, 5]
    slider.set_value = True
    assert list(browser_state("slider", slider, user).double_array_value.data) == [2, 5]


def test_each_widget_type_sends_its_value_as_the_page_does():
    select = Slider(id="k", options=["3", "4", "5"], default=[2])  # a select_slider
    assert list(browser_state("slider", select).string_array_value.data) == ["5"]
    multi = MultiSelect(id="m", options=["BPNT/Sembako", "PKH"], default=[1])
    assert list(browser_state("multiselect", multi).string_array_value.data) == ["PKH"]
    radio = Radio(id="r", options=["Kota", "Kecamatan", "Kelurahan"], default=2)
    assert browser_state("radio", radio).string_value == "Kelurahan"
    assert browser_state("download_button", object()) is None


def test_a_filter_change_sends_the_slider_range_or_the_programs_label():
    widgets = {"f_desil": Slider(id="$$ID-1-f_desil"),
               "f_program": MultiSelect(id="$$ID-2-f_program", options=["BPNT/Sembako", "PKH"])}
    desil = change_state(("desil", (1, 4)), widgets)
    assert desil.id == "$$ID-1-f_desil" and list(desil.double_array_value.data) == [1, 4]
    program = change_state(("program", 1), widgets)
    assert list(program.string_array_value.data) == ["PKH"]
    cleared = change_state(("program", None), widgets)
    assert cleared.WhichOneof("value") == "string_array_value"
    assert list(cleared.string_array_value.data) == []


def test_a_server_option_is_a_streamlit_setting_or_refused_by_name():
    assert server_option("runner.postScriptGC=true") == ("runner.postScriptGC", "true")
    assert server_option("server.fileWatcherType=auto") == ("server.fileWatcherType", "auto")
    for bad in ("runner.postScriptGC", "postScriptGC=true", "runner.=true", "a.b.c=1",
                "runner.postScriptGC="):
        with pytest.raises(argparse.ArgumentTypeError, match="section.name=value"):
            server_option(bad)
