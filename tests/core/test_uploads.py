"""Uploads: sizes over a limit are told so that they differ; uploads waiting for confirmation:
only the bytes that were previewed are ever used."""

import pytest

from workplan.core import uploads


@pytest.mark.parametrize(("size", "limit", "expected"), [
    (10 * 1024 * 1024 + 1, 10 * 1024 * 1024, ("10,485,761 bytes", "10,485,760 bytes")),
    (12 * 1024 * 1024, 10 * 1024 * 1024, ("12.0\xa0MB", "10.0\xa0MB")),
    (2001, 2000, ("2,001 bytes", "2,000 bytes")),
    (5000, 2000, ("4.9\xa0KB", "2.0\xa0KB")),
])
def test_a_size_over_its_limit_never_reads_as_equal_to_it(size, limit, expected):
    told = uploads.sizes(size, limit)
    assert (told["size"], told["limit"]) == expected


def test_pending_upload_round_trip_and_refusals():
    session = {}
    sha = uploads.stash(session, "k", b"plan text", office=1, name="plan.txt")
    assert uploads.pending(session, "k", sha, office=1) == (b"plan text",
                                                            {"office": 1, "name": "plan.txt"})
    assert uploads.pending(session, "k", sha, office=2) is None  # another office
    assert uploads.pending(session, "k", "0" * 64) is None  # another file
    assert uploads.pending(session, "other", sha) is None
    session["k"]["data"] = "bm90IHRoZSBzYW1l"  # bytes swapped behind the checksum
    assert uploads.pending(session, "k", sha) is None
    session["k"]["data"] = "***"  # not base64
    assert uploads.pending(session, "k", sha) is None
    uploads.drop(session, "k")
    assert uploads.pending(session, "k", sha) is None
