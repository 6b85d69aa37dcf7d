"""The command line. Parses, prompts and prints; the work is in :mod:`vault.services`."""

from vault.cli.app import cli


def main() -> None:
    import sys

    args = sys.argv[1:]
    # `--json` is a global option; accept it after the command too (`case show X --json`).
    if "--json" in args[1:] and "--" not in args:
        args = ["--json", *[a for a in args if a != "--json"]]
    cli(args=args, prog_name="casevault")


__all__ = ["cli", "main"]
