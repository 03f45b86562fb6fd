"""British English as the WCO writes it, with the month in letters even in short forms: offices
in the region read "04/12/2026" either way round, "4 Dec 2026" only one way."""

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
