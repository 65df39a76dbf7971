"""Monitoring and measurement (9.1): the metrics register and its results."""
