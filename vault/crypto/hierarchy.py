"""Every purpose label and every associated-data layout of casevault, in one place.

A label names what a byte string is for and which version of its layout it follows; the parts
after it name its place. Changing any label or layout here is a format change: the pinned vectors
in ``keys/vectors/format.json`` fail, and the label's ``/v1`` must be bumped. Pure: no I/O.

passphrase --Argon2id--> identity (Ed25519 + ML-KEM-768/X25519)
identity  <--HPKE-- database key          (SQLCipher raw key)
identity  <--HPKE-- role key   (role, epoch)
role key  --GCM-->  level key  (level, epoch)      and the index / publication keys
level key --GCM-->  data key   (case, version, level)
data key  --GCM-->  field      (case, version, field)
"""

from __future__ import annotations

from vault.crypto.encoding import context

# --- labels: one per purpose ------------------------------------------------------------------

DB_KEY = "casevault/db-key/v1"
ROLE_KEY = "casevault/role-key/v1"
LEVEL_KEY = "casevault/level-key/v1"
INDEX_KEY = "casevault/index-key/v1"
DATA_KEY = "casevault/data-key/v1"
FIELD = "casevault/field/v1"
KEY_COMMITMENT = "casevault/key-commitment/v1"
BLIND_INDEX = "casevault/blind-index/v1"
DERIVE = "casevault/derive/v1"
KEYED_HASH = "casevault/keyed-hash/v1"
FINGERPRINT = "casevault/fingerprint/v1"
IDENTITY_SEAL = "casevault/identity-seal/v1"
RECORD_SIGNATURE = "casevault/record-signature/v1"
APPROVAL = "casevault/approval/v1"
REVIEW_REASON = "casevault/review-reason/v1"
AUDIT_ENTRY = "casevault/audit-entry/v1"
STATE_RECORD = "casevault/state-record/v1"
DRAFT_CHECK = "casevault/draft-check/v1"
HELD_KEY = "casevault/held-key/v1"
LEAK_TERM = "casevault/leak-term/v1"
LEAK_LENGTHS = "casevault/leak-lengths/v1"
LEAK_KINDS = "casevault/leak-kinds/v1"
RECOVERY = "casevault/recovery/v1"


# --- key ids ----------------------------------------------------------------------------------


def key_id(level: str, epoch: int) -> str:
    """The id of one epoch of a level key, as bound into a field's associated data."""
    return f"{level}/{epoch}"


# --- associated data and HPKE info of the key hierarchy ---------------------------------------


def db_key_info(vault_id: str, member: str) -> bytes:
    """HPKE info of the database key wrapped to ``member``: binds vault and recipient."""
    return context(DB_KEY, vault_id, member)


def role_key_info(vault_id: str, role: str, epoch: int, member: str, kem_public: bytes) -> bytes:
    """HPKE info of a role key wrapped to a member: binds vault, role, epoch, recipient and the
    recipient's KEM public key (so a wrap made for a replaced key does not open)."""
    return context(ROLE_KEY, vault_id, role, epoch, member, kem_public)


def level_key_ad(vault_id: str, level: str, epoch: int, role: str, role_epoch: int) -> bytes:
    """AD of a level key wrapped under a role key: binds vault, level, epoch, role, role epoch."""
    return context(LEVEL_KEY, vault_id, level, epoch, role, role_epoch)


def index_key_ad(vault_id: str, index: str, epoch: int, role: str, role_epoch: int) -> bytes:
    """AD of an extra (index or publication) key wrapped under a role key: binds vault, the
    key's name, epoch, role and role epoch."""
    return context(INDEX_KEY, vault_id, index, epoch, role, role_epoch)


def data_key_ad(vault_id: str, record: str, version: int, level: str, epoch: int) -> bytes:
    """AD of a record's data key wrapped under a level key: binds vault, record (``kind:id``),
    version, level and the level key's epoch."""
    return context(DATA_KEY, vault_id, record, version, level, epoch)


def field_ad(
    vault_id: str, record: str, version: int, field: str, level: str, key_id: str
) -> bytes:
    """AD of one sealed field: binds vault, record (``kind:id``), version, field name, level and
    key id, so no ciphertext can be moved to another row, field, version or key."""
    return context(FIELD, vault_id, record, version, field, level, key_id)


# --- signed messages and other contexts -------------------------------------------------------


def record_signature_message(body: bytes) -> bytes:
    """What an author signs for one record version: the whole canonical body under its label."""
    return context(RECORD_SIGNATURE, body)


def held_key_ad(vault_id: str, kind: str, name: str, epoch: int) -> bytes:
    """The place a level or extra key's signed commitment binds: vault, kind, name, epoch."""
    return context(HELD_KEY, vault_id, kind, name, epoch)


def draft_check_message(statement: bytes) -> bytes:
    """What a checker signs: that one draft version's exact text was checked against levels."""
    return context(DRAFT_CHECK, statement)


def state_record_message(body: bytes) -> bytes:
    """What the author of a state record (policy, member, epoch change) signs."""
    return context(STATE_RECORD, body)


def approval_message(statement: bytes) -> bytes:
    """What a reviewer signs to approve a draft: the canonical JSON statement (vault, draft,
    version, text hash, case versions, policy, reviewer) under its label."""
    return context(APPROVAL, statement)


def review_reason_ad(vault_id: str, draft_id: str, version: int, reviewer: str) -> bytes:
    """AD of a sealed review reason: binds vault, draft, draft version and reviewer."""
    return context(REVIEW_REASON, vault_id, draft_id, version, reviewer)


def key_commitment_message(ad: bytes) -> bytes:
    """What a key commitment MACs: the committed key's own associated data under its label."""
    return context(KEY_COMMITMENT, ad)


def blind_index_prefix(namespace: str) -> bytes:
    """The blind-index message without its term: ``context(BLIND_INDEX, namespace, term)`` is
    this prefix followed by the term's length and bytes."""
    return context(BLIND_INDEX, namespace)


def derive_info(purpose: str) -> bytes:
    """HKDF info of a sub-key derived for one named purpose."""
    return context(DERIVE, purpose)


def keyed_hash_message(namespace: str, value: str) -> bytes:
    """What a keyed hash (an audit-log name for a value) MACs: namespace and value."""
    return context(KEYED_HASH, namespace, value)


def fingerprint_message(sign_public: bytes, kem_public: bytes) -> bytes:
    """What a person's fingerprint hashes: both public keys."""
    return context(FINGERPRINT, sign_public, kem_public)


def identity_seal_ad(
    name: str,
    salt: bytes,
    time_cost: int,
    memory_kib: int,
    parallelism: int,
    sign_public: bytes,
    kem_public: bytes,
) -> bytes:
    """AD of a sealed identity: binds the name, the Argon2id salt and parameters and both public
    keys, so neither a KDF downgrade nor a swapped public key goes unnoticed."""
    return context(
        IDENTITY_SEAL, name, salt, time_cost, memory_kib, parallelism, sign_public, kem_public
    )


def recovery_info(purpose: str) -> bytes:
    """HKDF info of one key derived from the recovery secret (the secret the trustees' SLIP-39
    shares rebuild) for one named purpose: its signing key, its KEM key, its age identity."""
    return context(RECOVERY, purpose)
