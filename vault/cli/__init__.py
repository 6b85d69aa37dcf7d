"""The command line. Parses, prompts and prints; the work is in :mod:`vault.services`."""

from vault.cli.app import cli


def main() -> None:
    cli(prog_name="casevault")


__all__ = ["cli", "main"]
