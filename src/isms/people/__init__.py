"""Departments, people, training courses and completions, awareness checks (7.2, 7.3)."""
