"""casevault: an encrypted case-record vault for human-rights casework.

The public surface is small: :mod:`vault.services` (the facade the CLI uses),
:mod:`vault.errors` (one error root) and :mod:`vault.models` (the data types).
"""

__version__ = "0.1.0"
