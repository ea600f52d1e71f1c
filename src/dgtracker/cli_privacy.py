"""Commands for personal data (UK GDPR): `purge` and `export-subject`."""

from __future__ import annotations
