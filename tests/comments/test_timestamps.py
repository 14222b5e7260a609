"""The thread's own date formatting reads exactly like Django's date filters."""

import datetime as dt

from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import time as time_filter
from django.test import override_settings
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from comments.display import stamp

moments = st.datetimes(
    min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 12, 31)
).map(lambda naive: naive.replace(tzinfo=dt.UTC))


@given(moment=moments)
@settings(max_examples=300, deadline=None)
@override_settings(TIME_ZONE="Europe/Berlin")
def test_comment_times_read_as_the_date_and_time_filters_write_them(moment):
    local = timezone.localtime(moment)

    shown = stamp(moment)

    assert shown.date == date_filter(local, "F j, Y")
    assert shown.time == time_filter(local, "g:i a")
    assert shown.iso == date_filter(local, "c")
