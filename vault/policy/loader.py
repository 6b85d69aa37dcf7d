"""Parsing a policy from TOML text. Pure except :func:`load_policy_file`, which reads one file."""

from __future__ import annotations

import hashlib
import tomllib
from importlib import resources
from pathlib import Path

import pydantic

from vault.errors import PolicyError
from vault.policy.model import Policy


def parse_policy(text: str, source: str = "policy") -> Policy:
    """Parse and validate; every problem becomes one :class:`PolicyError` naming where it is."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise PolicyError(f"{source}: not valid TOML ({e})") from e
    except ValueError as e:  # an integer of more digits than Python reads (sys.int_info)
        raise PolicyError(f"{source}: not valid TOML (a number too long)") from e
    except RecursionError:  # arrays nested thousands deep: bad input, not a crash
        raise PolicyError(f"{source}: not valid TOML (nested too deeply)") from None
    try:
        return Policy.model_validate(data)
    except pydantic.ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "(top level)"
        msg = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            msg = "unknown key"
        elif first["type"] == "enum":
            msg = "unknown value: " + msg
        raise PolicyError(f"{source}: {where}: {msg}") from e


def policy_digest(text: str) -> str:
    """SHA-256 of the exact policy text, hex: which policy a record or approval was made under."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def default_policy_text() -> str:
    return resources.files("vault.data").joinpath("default.toml").read_text("utf-8")


def load_policy_file(path: Path) -> tuple[Policy, str]:
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise PolicyError(f"cannot read policy file {path}") from e
    return parse_policy(text, str(path)), text
