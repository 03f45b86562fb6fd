"""Root URL configuration.

Each domain app is mounted under its own prefix with its ``app_name`` namespace. Apps whose
``urls`` module does not exist (yet) are skipped, so an app can be added before it has views.
"""

from importlib.util import find_spec

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)

# (url prefix, app package); core is mounted at the root and provides "core:home" at "/".
APP_URLS = [
    ("", "workplan.core"),
    ("directory/", "workplan.directory"),
    ("framework/", "workplan.framework"),
    ("plans/", "workplan.plans"),
    ("indicators/", "workplan.indicators"),
    ("delivery/", "workplan.delivery"),
    ("surveys/", "workplan.surveys"),
    ("reports/", "workplan.reports"),
    ("registration/", "workplan.registration"),
    ("notifications/", "workplan.notifications"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("workplan.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

# A URL under /api/ that matches no endpoint is a JSON 404, like the endpoints' own.
handler404 = "workplan.api.views.not_found"

for prefix, package in APP_URLS:
    if find_spec(f"{package}.urls") is not None:
        urlpatterns.append(path(prefix, include(f"{package}.urls")))
