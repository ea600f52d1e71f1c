"""What people and scripts read: terminal tables and charts, plain lines, the JSON contract.

May import report/ (its plain data), exchange/, panel/, process/, team/, record/ and the
top-level modules; never app/ or cli/.
"""
