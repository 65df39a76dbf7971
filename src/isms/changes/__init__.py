"""Planned changes (6.3, 8.1, A.8.32): the change register."""
