"""The REST API (django-ninja): every register, scoped to the caller's organisation."""
