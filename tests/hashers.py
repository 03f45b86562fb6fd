"""The password hasher of the test suite: Django's PBKDF2 with few rounds.

Django 5.2's PBKDF2 runs 1,000,000 rounds (~0.3 s a password on this machine's cores), and the
suite creates users by the thousand. No test is about the hasher's strength. The algorithm name
is Django's own, so any Django (a server started in a subprocess by a test, too) verifies these
hashes."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class FastPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1_000
