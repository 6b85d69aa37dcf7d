"""People: enrol, list, change passphrase, and make an identity on one's own machine."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vault.audit.log import AuditEvent
from vault.crypto import (
    Identity,
    KdfParams,
    Passphrase,
    PublicIdentity,
    seal_identity,
)
from vault.errors import UsageError
from vault.models import check_member_name
from vault.policy import parse_policy, policy_digest
from vault.policy.state import MEMBER_ADD, POLICY_SET, MemberState, member_payload
from vault.services import layout
from vault.services.kdf_tuning import saved as saved_kdf
from vault.services.members import public_identity
from vault.services.session import PassphraseSource, Vault


@dataclass(frozen=True)
class MemberInfo:
    name: str
    role: str
    added_at: str
    added_by: str
    revoked_at: str | None
    fingerprint: str
    has_keys: bool  # whether their role key has reached them yet

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


def add_member(
    v: Vault,
    name: str,
    role: str,
    *,
    passphrase: Callable[[], Passphrase] | None = None,
    public: PublicIdentity | None = None,
    kdf: KdfParams | None = None,
) -> MemberInfo:
    """Enrol a person. Either ``passphrase`` (asked only after the request is checked; the
    identity is made here and sealed with it) or ``public`` (they made their identity
    themselves; no private key passes through the admin)."""
    v.require(v.policy.can_manage_people(v.role), "add people")
    check_member_name(name)
    if role not in v.policy.roles:
        known = ", ".join(sorted(v.policy.roles))
        raise UsageError(f"unknown role {role!r} (the policy has: {known})")
    check_identity_source(name, passphrase, public)
    if name in v.members:
        raise UsageError(f"{name!r} is already a member")
    public, sealed = identity_from(name, passphrase, public, kdf)
    # Keyring first: a crash after it leaves an unused wrap for a non-member (harmless, and
    # overwritten by the next attempt); the member exists only once the database commits.
    layout.update_keyring(
        v.root,
        {"db_key_wraps": {name: v.keys.wrap_db_key_to(public)}, "identities": {name: sealed}},
    )
    with v.store.write():
        v.refresh_state()
        if name in v.members:
            raise UsageError(f"{name!r} is already a member")
        v.change_state(
            MEMBER_ADD,
            member_payload(name, role, public.sign_public, public.kem_public),
            {"identity": "made by the admin" if sealed else "made by the member"},
        )
        v.deliver_keys()
    return _info(v, v.members.verified(name))


def check_identity_source(
    name: str, passphrase: Callable[[], Passphrase] | None, public: PublicIdentity | None
) -> None:
    """Exactly one of a passphrase (the identity is made here) and a public key file (made on
    the person's own machine), and a file that is the named person's. Raises UsageError."""
    if (passphrase is None) == (public is None):
        raise UsageError("give either a passphrase or a public key file, not both")
    if public is not None and public.name != name:
        raise UsageError(f"the public key file is for {public.name!r}, not {name!r}")


def identity_from(
    name: str,
    passphrase: Callable[[], Passphrase] | None,
    public: PublicIdentity | None,
    kdf: KdfParams | None,
) -> tuple[PublicIdentity, dict[str, Any] | None]:
    """The person's public identity, and the sealed identity when it is made here (sealed with
    the passphrase, asked only now, under this machine's saved Argon2id choice)."""
    if public is not None:
        return public, None
    if passphrase is None:
        raise UsageError("give either a passphrase or a public key file")
    identity = Identity.generate(name)
    return identity.public, seal_identity(identity, passphrase(), kdf or saved_kdf())


def set_policy(v: Vault, text: str) -> str:
    """Put a new policy in force: a signed state record by a person whose role manages people,
    logged with its digest. Every member's next unlock replays it; keys follow it only through
    delivery. Returns the new policy's digest. The new policy must keep every role that members
    hold and the manager's own right to manage people."""
    v.require(v.policy.can_manage_people(v.role), "change the policy")
    new = parse_policy(text, "the new policy")
    if not new.can_manage_people(v.role):
        raise UsageError(f"the new policy takes the right to manage people from {v.role}")
    lost = sorted({m.role for m in v.members.active()} - set(new.roles))
    if lost:
        raise UsageError(f"the new policy has no role {lost[0]!r}, which members hold")
    with v.store.write():
        v.refresh_state()
        if policy_digest(text) == v.policy_digest:
            raise UsageError("that policy is already in force")
        v.change_state(POLICY_SET, {"policy": text})
    return v.policy_digest


def _info(v: Vault, member: MemberState) -> MemberInfo:
    has = member.revoked_at is None and v.keys.holds_role_key(member)
    fingerprint = public_identity(member).fingerprint()
    return MemberInfo(
        member.name,
        member.role,
        member.added_at,
        member.added_by,
        member.revoked_at,
        fingerprint,
        has,
    )


def list_members(v: Vault) -> list[MemberInfo]:
    """Everyone the signed state enrols (revoked people too, marked), with whether their keys
    have reached them."""
    with v.store.read():
        return [_info(v, m) for _, m in sorted(v.state.members.items())]


def change_passphrase(
    root: Path,
    user: str,
    old: PassphraseSource,
    new: Passphrase,
    *,
    identity_file: Path | None = None,
    kdf: KdfParams | None = None,
) -> str:
    """Re-seal a person's identity under a new passphrase (keys do not change) and log it.

    The log entry commits first, then the identity file is replaced atomically: a crash in
    between leaves the old passphrase working and an entry saying it was changed (a false
    alarm, never a silent change). Returns the fingerprint."""
    with Vault.open(root, user, old, identity_file=identity_file) as v:
        resealed = seal_identity(v.identity, new, kdf or saved_kdf())
        with v.store.write():
            v.log(AuditEvent("member.passwd", details={"name": user}))
        if identity_file is not None:
            layout.write_json_atomic(identity_file, resealed)
        else:
            layout.update_keyring(root, {"identities": {user: resealed}})
        return v.identity.public.fingerprint()


def new_identity(
    name: str, passphrase: Passphrase, out_dir: Path, *, kdf: KdfParams | None = None
) -> tuple[Path, Path, str]:
    """Make an identity on this machine: NAME.identity (sealed, stays here) and NAME.pub (give
    it to the admin). Returns both paths and the fingerprint to read aloud."""
    check_member_name(name)
    out_dir.mkdir(parents=True, exist_ok=True)
    private_path = out_dir / f"{name}.identity"
    public_path = out_dir / f"{name}.pub"
    for path in (private_path, public_path):
        if path.exists():
            raise UsageError(f"{path} already exists; not overwriting an identity")
    identity = Identity.generate(name)
    sealed = seal_identity(identity, passphrase, kdf or saved_kdf())
    layout.write_json_atomic(private_path, sealed)
    layout.write_json_atomic(public_path, identity.public.to_json(), mode=0o644)
    return private_path, public_path, identity.public.fingerprint()


def read_public_identity(path: Path) -> PublicIdentity:
    """Read NAME.pub. A sealed identity file is refused: it should never leave its owner."""
    return PublicIdentity.from_json(_read_json(path))


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise UsageError(f"cannot read {path}: not a casevault key file") from e
