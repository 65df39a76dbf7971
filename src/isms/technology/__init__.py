"""Technological operation (A.8.8, A.8.15, A.8.16): vulnerabilities, scans and logging."""
