"""Views of the reports app: the Reports page (every exporter, with a download) and the
publications register."""

from .exports import urlpatterns as export_patterns
from .publications import urlpatterns as publication_patterns
from .words import urlpatterns as words_patterns

urlpatterns = export_patterns + publication_patterns + words_patterns
