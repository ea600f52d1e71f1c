"""The panel's rules: criteria, members, marks, merit order, slots.

May import process/, record/ and the top-level modules; never team/ or the layers above.
"""
