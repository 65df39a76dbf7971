"""Secure development (A.8.25 to A.8.29, A.8.31): releases, reviews, tests and environments."""
