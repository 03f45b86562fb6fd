"""Uploads waiting for confirmation: only the bytes that were previewed are ever used."""

from workplan.core import uploads


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
