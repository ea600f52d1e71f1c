"""Commands that exchange data with calendars and spreadsheets: `export` and `import`."""

from __future__ import annotations
