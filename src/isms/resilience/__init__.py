"""Backups and continuity (A.8.13, A.5.29, A.5.30): restore tests and continuity exercises."""
