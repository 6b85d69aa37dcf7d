"""The local web interface (``casevault ui``): the vault in the person's own browser.

A layer above the services and beside the command line: it parses forms, calls the same
service functions as the CLI and renders pages; every rule stays in the services.
"""
