"""The associated data of every wrapped key in the hierarchy, in one place (pinned by vectors).

passphrase --Argon2id--> identity (Ed25519 + ML-KEM-768/X25519)
identity  <--HPKE-- database key          (SQLCipher raw key)
identity  <--HPKE-- role key   (role, epoch)
role key  --GCM-->  level key  (level, epoch)      and the name-index key
level key --GCM-->  data key   (case, version, level)
data key  --GCM-->  field      (case, version, field)
"""

from __future__ import annotations

from vault.crypto.encoding import context


def db_key_info(vault_id: str, member: str) -> bytes:
    return context("casevault/db-key/v1", vault_id, member)


def role_key_info(vault_id: str, role: str, epoch: int, member: str, kem_public: bytes) -> bytes:
    return context("casevault/role-key/v1", vault_id, role, epoch, member, kem_public)


def level_key_ad(vault_id: str, level: str, epoch: int, role: str, role_epoch: int) -> bytes:
    return context("casevault/level-key/v1", vault_id, level, epoch, role, role_epoch)


def index_key_ad(vault_id: str, index: str, epoch: int, role: str, role_epoch: int) -> bytes:
    return context("casevault/index-key/v1", vault_id, index, epoch, role, role_epoch)


def data_key_ad(vault_id: str, record: str, version: int, level: str, epoch: int) -> bytes:
    return context("casevault/data-key/v1", vault_id, record, version, level, epoch)


def field_ad(
    vault_id: str, record: str, version: int, field: str, level: str, key_id: str
) -> bytes:
    return context("casevault/field/v1", vault_id, record, version, field, level, key_id)
