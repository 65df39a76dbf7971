"""Scope, internal and external issues (incl. climate change), interested parties (4.1-4.3)."""
