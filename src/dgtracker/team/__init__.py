"""A record shared through git: the three-way merge, conflicts, the repository.

Beside record/ in the bottom layer: may import record/ and the top-level modules only;
record/ never imports team/.
"""
