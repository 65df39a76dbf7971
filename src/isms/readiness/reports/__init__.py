"""Renderings of an assessment result: JSON (versioned schema), HTML, PDF."""
