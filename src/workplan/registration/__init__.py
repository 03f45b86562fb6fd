"""Registration: people from nomination to certificate (docs/registration.md)."""
