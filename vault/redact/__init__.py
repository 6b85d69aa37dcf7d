"""Redaction: the policy, known-entity and pattern layers. Pure functions; no I/O inside."""
