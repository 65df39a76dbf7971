"""The changes registers: importer, API and web pages all read these declarations."""

from isms.core.registers import register  # noqa: F401
