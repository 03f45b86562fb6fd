"""The REST API (``/api/v1/``): one router over every app's ``api.py``, per-user tokens,
pagination, ``?expand=`` and the OpenAPI schema. See docs/api.md."""
