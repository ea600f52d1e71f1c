"""The recruitment process's rules: each change to candidates and milestones, corrections,
privacy, and what is true on a day.

May import record/ and the top-level modules only; never panel/ or team/.
"""
