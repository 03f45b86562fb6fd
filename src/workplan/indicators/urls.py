"""URLs of indicators: each views module lists its own patterns, so areas stay apart.

iptt: the IPTT page and its XLSX; dashboard: the fiscal year's figures; kpis: one indicator
(binding, targets, values); register: the adoption register and instruments.
"""

from .views import dashboard, iptt, kpis, register

app_name = "indicators"

urlpatterns = [
    *iptt.urlpatterns,
    *dashboard.urlpatterns,
    *kpis.urlpatterns,
    *register.urlpatterns,
]
