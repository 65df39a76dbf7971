"""Policies and procedures with versions, approvals and review cycle (5.2, 7.5, A.5.1)."""
