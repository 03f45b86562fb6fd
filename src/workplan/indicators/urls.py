"""URLs of indicators: each views module lists its own patterns, so areas stay apart."""

from importlib import import_module

app_name = "indicators"

# iptt: the IPTT page and its XLSX; dashboard: the fiscal year's figures; kpis: one
# indicator (binding, targets, values); register: the adoption register.
AREAS = ["iptt", "dashboard", "kpis", "register"]

urlpatterns = []
for _area in AREAS:
    try:
        _module = import_module(f"{__package__}.views.{_area}")
    except ModuleNotFoundError as error:  # an area still being written
        if error.name != f"{__package__}.views.{_area}":
            raise
        continue
    urlpatterns += _module.urlpatterns
