"""Statement of Applicability, objectives and their measurements (6.1.3 d, 6.2, 9.1)."""
