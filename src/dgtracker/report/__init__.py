"""The report: its data, its HTML page (Jinja2, templates/), its SVG charts, its PDF.

May import exchange/ (files written safely), panel/, process/, record/ and the top-level
modules; never out/, app/ or cli/.
"""
