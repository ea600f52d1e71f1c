"""dgtracker: track a senior recruitment campaign in one plain-text TOML record."""

__version__ = "0.1.0"
