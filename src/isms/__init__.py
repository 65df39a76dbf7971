"""isms: an ISO/IEC 27001:2022 information security management system that audits itself."""

__version__ = "0.1.0"
