"""Organisations (tenants), members and roles, base model mixins, permissions."""
