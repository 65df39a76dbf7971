"""Connectors: accounts and people from the systems that hold them (identity providers, cloud
consoles, directories, HR), brought into the Accounts and People registers through the importer.
See docs/connectors.md."""

from isms.exchange.connectors.files import ConnectorError
from isms.exchange.connectors.formats import FORMATS
from isms.exchange.connectors.sync import SyncReport, connect

__all__ = ["FORMATS", "ConnectorError", "SyncReport", "connect"]
