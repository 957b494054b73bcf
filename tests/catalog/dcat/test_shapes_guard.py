"""The DCAT-AP conformance test may skip on a developer machine, never in CI."""

from pathlib import Path

import pytest

from tests.catalog.dcat.conftest import locate_shapes

MISSING = Path("/nonexistent/dcat-ap-3.0.1-SHACL.ttl")


def test_missing_shapes_fail_when_ci_is_set():
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        locate_shapes(MISSING, {"CI": "true"})


@pytest.mark.parametrize("environ", [{}, {"CI": ""}, {"CI": "false"}])
def test_missing_shapes_skip_outside_ci(environ):
    with pytest.raises(pytest.skip.Exception):
        locate_shapes(MISSING, environ)


def test_present_shapes_are_returned(tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("")
    assert locate_shapes(shapes, {"CI": "1"}) == shapes
