import pytest

def test_skipped():
    pytest.skip("no chromium")

@pytest.mark.xfail(reason="known")
def test_xfail():
    assert False
