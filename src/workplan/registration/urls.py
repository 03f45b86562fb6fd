"""URLs of registration: each views module lists its own patterns."""

from .views import certificates, checkin, people, register, sheets

app_name = "registration"

urlpatterns = [
    *people.urlpatterns,
    *sheets.urlpatterns,
    *register.urlpatterns,
    *checkin.urlpatterns,
    *certificates.urlpatterns,
]
