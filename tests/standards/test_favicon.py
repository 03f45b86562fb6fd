"""Browsers ask every site for /favicon.ico: it is served (WhiteNoise, WHITENOISE_ROOT), not a
404 in every page's log."""


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
