"""Commands for the daily reminder job: `remind` and `cron`."""

from __future__ import annotations
