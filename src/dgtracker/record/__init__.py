"""The record: its objects, each field's rule, TOML decoded and encoded, storage, the lock, the
replayed history, and a person's mentions in its free text.

The bottom layer, with team/: may import the top-level modules only (errors, dates,
date_input, text, progress).
"""
