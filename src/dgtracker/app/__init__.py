"""The application layer: the calls the command line and the Python API share.

May import out/, report/, exchange/, team/, process/, panel/, record/ and the top-level
modules; never cli/ or the CLI framework.
"""
