"""ISMS roles and who holds them, resources allocated to the ISMS (5.1, 5.3, 7.1)."""
