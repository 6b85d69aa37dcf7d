"""The people of a vault and their enrolment chain: who signed each member in, back to the founder.

A member counts only when their row matches the canonical record an admin signed, the signer was
enrolled the same way, and the chain ends at the founder's self-signed record. Reads only; the
writer of a member row is :mod:`vault.services.users`.
"""

from __future__ import annotations

import base64

from vault.crypto import PublicIdentity, canonical_json, verify_signature
from vault.errors import IntegrityError, NotFoundError
from vault.policy import Policy
from vault.store import MemberRow, Store

MEMBER_FORMAT = "casevault-member-v1"


def member_record(
    vault_id: str, name: str, role: str, pub: PublicIdentity, added_at: str, added_by: str
) -> bytes:
    """The canonical bytes an admin signs to enrol a person (pinned by keys/vectors)."""
    return canonical_json(
        {
            "format": MEMBER_FORMAT,
            "vault_id": vault_id,
            "name": name,
            "role": role,
            "sign_public": base64.b64encode(pub.sign_public).decode("ascii"),
            "kem_public": base64.b64encode(pub.kem_public).decode("ascii"),
            "added_at": added_at,
            "added_by": added_by,
        }
    )


def public_identity(row: MemberRow) -> PublicIdentity:
    """The public keys a member row names."""
    return PublicIdentity(row.name, row.sign_public, row.kem_public)


class Members:
    """Verified member rows of one vault, cached for a session."""

    def __init__(self, store: Store, policy: Policy, vault_id: str) -> None:
        self._store = store
        self._policy = policy
        self._vault_id = vault_id
        self._verified: dict[str, MemberRow] = {}

    def trust(self, row: MemberRow) -> None:
        """Remember a row this session wrote and signed itself (the founder at ``init``)."""
        self._verified[row.name] = row

    def verified(self, name: str) -> MemberRow:
        """The member row, after checking its signature chain back to the founder.

        Raises NotFoundError for an unknown name and IntegrityError for a chain that does not
        verify (a row that differs from its signed record, an unknown or non-admin signer, a
        loop, a self-signed record that is not the founder's)."""
        cached = self._verified.get(name)
        if cached is not None:
            return cached
        row = self._store.member(name)
        if row is None:
            raise NotFoundError(f"no member named {name!r}")
        seen: set[str] = set()
        current = row
        while True:
            if current.name in seen:
                raise IntegrityError(f"member {name!r}: enrolment chain loops")
            seen.add(current.name)
            signer = self._check_link(current)
            if signer is None:
                break
            current = signer
        self._verified[name] = row
        return row

    def _check_link(self, row: MemberRow) -> MemberRow | None:
        """Check one enrolment; return the signer's row to check next, or None at the founder."""
        expected = member_record(
            self._vault_id,
            row.name,
            row.role,
            public_identity(row),
            row.added_at,
            row.added_by,
        )
        if expected != row.record:
            raise IntegrityError(f"member {row.name!r}: record does not match its row")
        signer = row if row.added_by == row.name else self._store.member(row.added_by)
        if signer is None:
            raise IntegrityError(f"member {row.name!r}: enrolled by an unknown person")
        if not verify_signature(signer.sign_public, row.signature, row.record):
            raise IntegrityError(f"member {row.name!r}: enrolment signature is invalid")
        if not self._policy.can_manage_people(signer.role):
            raise IntegrityError(f"member {row.name!r}: enrolled by a non-admin")
        if signer.name != row.name:
            return signer
        if row.name != self._founder():
            raise IntegrityError(f"member {row.name!r}: self-signed but not the founder")
        return None

    def _founder(self) -> str:
        raw = self._store.get_meta("founder") or b""
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise IntegrityError("the vault's founder record is malformed") from e

    def sign_keys(self) -> dict[str, bytes]:
        """Every verified member's signing key (revoked ones too: their old signatures stay
        valid). A member whose enrolment does not verify signs nothing valid: left out."""
        out: dict[str, bytes] = {}
        for row in self._store.members():
            try:
                out[row.name] = self.verified(row.name).sign_public
            except IntegrityError:
                continue
        return out

    def active(self) -> list[MemberRow]:
        """Members not revoked, in name order (rows as stored: verify before trusting keys)."""
        return [m for m in self._store.members() if m.revoked_at is None]
