"""Files in and out: spreadsheets imported and exported, calendars, files written safely.

May import panel/, process/, record/ and the top-level modules; never team/, out/, report/,
app/ or cli/.
"""
