import pytest
from django.test import RequestFactory
from django.urls import Resolver404, resolve

from config.bench_views import trivial


def test_trivial_view_answers_ok_and_is_never_cached():
    response = trivial(RequestFactory().get("/bench/trivial/"))

    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-store" in response["Cache-Control"]


def test_trivial_view_is_not_routed_without_colophon_bench():
    with pytest.raises(Resolver404):
        resolve("/bench/trivial/")
