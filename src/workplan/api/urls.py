"""The API's router: every app's ``api.py`` lists its ``routes`` ((prefix, viewset, basename));
they are mounted here under ``/api/v1/`` (namespace ``api``)."""

from importlib import import_module
from importlib.util import find_spec

from rest_framework.routers import DefaultRouter

from . import schema  # noqa: F401  (registers the OpenAPI extensions)

APPS = ["core", "directory", "framework", "plans", "delivery", "indicators", "surveys",
        "reports"]


class Router(DefaultRouter):
    include_format_suffixes = False


def build_router() -> Router:
    router = Router()
    for app in APPS:
        module_name = f"workplan.{app}.api"
        if find_spec(module_name) is None:
            continue
        for prefix, viewset, basename in import_module(module_name).routes:
            router.register(prefix, viewset, basename=basename)
    return router


router = build_router()
app_name = "api"
urlpatterns = router.urls
