"""The policy, parsed by strict models that refuse anything unknown (fail closed). Pure."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from vault.models.case import KIND_PARTS, FieldKind, ValueKind, ValueSource
from vault.policy.keys import ExtraKey, KeyRef

Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
_TEXT_KINDS = {FieldKind.SHORT_TEXT, FieldKind.TEXT, FieldKind.TEXT_LIST}
_DATE_KINDS = {FieldKind.DATE, FieldKind.APPROX_DATE}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class RolePolicy(_Strict):
    description: str = ""
    reads: list[Name]
    writes_cases: bool = False
    manages_people: bool = False
    drafts: bool = False  # may build redacted drafts
    reviews: bool = False  # may approve or reject drafts
    publishes: bool = False  # may read approved public text


Lang = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]
#: Roles a public field can play in the description of a person who is not named.
PORTRAIT_ROLES = ("gender", "ethnicity", "birth_year", "occupation", "region")
_NAME_VALUES = {ValueKind.NAME, ValueKind.SUBJECT_NAME}


class FieldPolicy(_Strict):
    kind: FieldKind = Field(strict=False)
    level: Name
    #: What the value is, for redaction and search. Required for a text field above the lowest
    #: level; structured kinds (contacts, sources, ID numbers, consent) say it by their kind.
    holds: ValueKind | None = Field(default=None, strict=False)
    #: How a draft labels the field, per language (default: the field name in words).
    label: dict[Lang, str] = Field(default_factory=dict)
    note: str = ""

    def label_in(self, name: str, lang: str) -> str:
        return self.label.get(lang) or name.replace("_", " ").capitalize()


class SearchPolicy(_Strict):
    names: list[Name] = Field(default_factory=list)


class PublicationPolicy(_Strict):
    """What a case draft is built from: fact lines in order, the narrative, and the public
    fields that describe a person who is not named (role -> field)."""

    facts: list[Name] = Field(default_factory=list)
    summary: Name | None = None
    portrait: dict[str, Name] = Field(default_factory=dict)
    #: The date field whose year a heading states a person's age at when the narrative states
    #: no age (e.g. the detention date), so the age does not change with the day a draft is
    #: made. None: the year the draft is made.
    age_at: Name | None = None
    #: Who a published document says wrote it (its author metadata): the organisation, never
    #: a person.
    organisation: str = Field(default="casevault", min_length=1, max_length=200)


class DisplayPolicy(_Strict):
    """The fields a list of cases shows beside the case id."""

    columns: list[Name] = Field(default_factory=list)


class ReviewPolicy(_Strict):
    approvals_required: int = Field(default=1, ge=1, le=10)
    #: Terms public from the start (places, organisations, laws): never *unchecked* in a draft.
    #: Reviewers add more as they accept spans (signed ``terms.accept`` state records).
    public_terms: list[Annotated[str, Field(min_length=2, max_length=120)]] = Field(
        default_factory=list, max_length=5000
    )


class Policy(_Strict):
    format: int
    name: Name
    version: int = Field(ge=1)
    levels: list[Name] = Field(min_length=1)
    roles: dict[Name, RolePolicy]
    fields: dict[Name, FieldPolicy]
    search: SearchPolicy = Field(default_factory=SearchPolicy)
    review: ReviewPolicy = Field(default_factory=ReviewPolicy)
    publication: PublicationPolicy = Field(default_factory=PublicationPolicy)
    display: DisplayPolicy = Field(default_factory=DisplayPolicy)

    @model_validator(mode="after")
    def _consistent(self) -> Policy:
        if self.format != 1:
            raise ValueError(f"unsupported policy format {self.format} (this casevault reads 1)")
        if len(set(self.levels)) != len(self.levels):
            raise ValueError("levels are listed twice")
        levels = set(self.levels)
        for role, rp in self.roles.items():
            unknown = [lv for lv in rp.reads if lv not in levels]
            if unknown:
                raise ValueError(f"role {role!r} reads unknown level {unknown[0]!r}")
            if rp.writes_cases and set(rp.reads) != levels:
                raise ValueError(f"role {role!r} writes cases, so it must read every level")
        if not any(rp.manages_people for rp in self.roles.values()):
            raise ValueError("no role manages people (an admin role is required)")
        if not any(rp.writes_cases for rp in self.roles.values()):
            raise ValueError("no role writes cases")
        for fname, fp in self.fields.items():
            if fp.level not in levels:
                raise ValueError(f"field {fname!r} has unknown level {fp.level!r}")
        if "case_id" not in self.fields:
            raise ValueError("field 'case_id' is required")
        if self.fields["case_id"].level != self.levels[0]:
            # case ids are row keys in the database, so they are never encrypted per field
            raise ValueError(f"field 'case_id' must be at the lowest level {self.levels[0]!r}")
        for role, rp in self.roles.items():
            if rp.drafts and self.levels[0] not in rp.reads:
                raise ValueError(f"role {role!r} drafts, so it must read {self.levels[0]!r}")
        if any(rp.drafts for rp in self.roles.values()) and not any(
            rp.reviews for rp in self.roles.values()
        ):
            raise ValueError("roles draft but no role reviews")
        self._check_values()
        self._check_uses()
        return self

    def _check_values(self) -> None:
        """Every field says what it holds where redaction and search must know (fail closed)."""
        consent = [f for f, fp in self.fields.items() if fp.kind is FieldKind.CONSENT]
        if len(consent) > 1:
            raise ValueError("more than one consent field")
        for fname, fp in self.fields.items():
            structured = fp.kind in KIND_PARTS or fp.kind is FieldKind.CONSENT
            if structured and fp.holds is not None:
                raise ValueError(f"field {fname!r}: a {fp.kind.value} field says what it holds")
            if structured or fp.holds is not None or fp.level == self.levels[0]:
                continue
            raise ValueError(
                f"field {fname!r} is {fp.level} but does not say what it holds "
                f"(holds = one of {', '.join(k.value for k in ValueKind)})"
            )

    def _check_uses(self) -> None:
        """Search, drafts and lists name existing fields, of the right kind and level."""
        for fname in self.search.names:
            if fname not in self.fields:
                raise ValueError(f"search names an unknown field {fname!r}")
            if self.fields[fname].kind not in _TEXT_KINDS:
                raise ValueError(f"search field {fname!r} is not a text field")
            if self.fields[fname].holds not in _NAME_VALUES:
                # A keyed hash of a field with few distinct values (gender, ethnicity, status)
                # is no blind index: anyone holding the key hashes every value and reads it.
                raise ValueError(
                    f"search field {fname!r} does not hold a name (a blind index of a field "
                    "with few distinct values answers every guess)"
                )
        pub = self.publication
        used = [
            *pub.facts,
            *([pub.summary] if pub.summary else []),
            *pub.portrait.values(),
            *([pub.age_at] if pub.age_at else []),
        ]
        for fname in used:
            if fname not in self.fields:
                raise ValueError(f"publication names an unknown field {fname!r}")
            if self.fields[fname].level != self.levels[0]:
                raise ValueError(f"publication field {fname!r} is not at the lowest level")
        if pub.age_at and self.fields[pub.age_at].kind not in _DATE_KINDS:
            raise ValueError(f"publication.age_at {pub.age_at!r} is not a date field")
        unknown_roles = [r for r in pub.portrait if r not in PORTRAIT_ROLES]
        if unknown_roles:
            raise ValueError(f"publication.portrait: unknown role {unknown_roles[0]!r}")
        for fname in self.display.columns:
            if fname not in self.fields:
                raise ValueError(f"display names an unknown field {fname!r}")

    # --- questions the rest of the vault asks -------------------------------------------------

    def rank(self, level: str) -> int:
        return self.levels.index(level)

    def readable_levels(self, role: str) -> list[str]:
        """Levels a role reads, lowest first. Unknown role: none (fail closed)."""
        rp = self.roles.get(role)
        return [lv for lv in self.levels if rp and lv in rp.reads]

    def can_read(self, role: str, level: str) -> bool:
        return level in self.readable_levels(role)

    def _flag(self, role: str, flag: str) -> bool:
        """A role's yes/no permission; an unknown role has none (fail closed)."""
        rp = self.roles.get(role)
        return bool(rp and getattr(rp, flag))

    def can_write_cases(self, role: str) -> bool:
        return self._flag(role, "writes_cases")

    def can_manage_people(self, role: str) -> bool:
        return self._flag(role, "manages_people")

    def level_of(self, field: str) -> str:
        return self.fields[field].level

    def value_sources(self) -> dict[str, ValueSource]:
        """Where every findable value of a case is (for the leak index and redaction): each
        field that holds something other than free text, with its parts."""
        out: dict[str, ValueSource] = {}
        for fname, fp in self.fields.items():
            if fp.kind in KIND_PARTS:
                parts: tuple[tuple[str | None, ValueKind], ...] = KIND_PARTS[fp.kind]
            elif fp.holds is not None and fp.holds is not ValueKind.FREE_TEXT:
                parts = ((None, fp.holds),)
            else:
                continue
            out[fname] = ValueSource(fp.level, parts)
        return out

    def subject_name_fields(self) -> list[str]:
        """The fields that hold the person's own names."""
        return [f for f, fp in self.fields.items() if fp.holds is ValueKind.SUBJECT_NAME]

    def consent_field(self) -> str | None:
        """The field that records consent to publish the person's name, if the policy has one."""
        return next((f for f, fp in self.fields.items() if fp.kind is FieldKind.CONSENT), None)

    def kinds(self) -> dict[str, FieldKind]:
        return {f: fp.kind for f, fp in self.fields.items()}

    def search_fields(self, role: str) -> list[str]:
        """The searched fields (``search.names``) a role may search: those it may read. Each has
        its own index key, derived from its level's key, so this is what the role's keys allow,
        not a flag."""
        return [f for f in self.search.names if self.can_read(role, self.level_of(f))]

    def can_draft(self, role: str) -> bool:
        return self._flag(role, "drafts")

    def can_review(self, role: str) -> bool:
        return self._flag(role, "reviews")

    def can_publish(self, role: str) -> bool:
        return self._flag(role, "publishes")

    def holds_extra_key(self, role: str, key: ExtraKey | str) -> bool:
        """Whether a role holds a key beside the level keys: the publication key (drafters,
        reviewers and publishers: redacted drafts and approved text). The name and leak indexes
        are keyed by keys derived from the level keys, so they follow :meth:`can_read`.
        Unknown role or key: no (fail closed)."""
        if key == ExtraKey.PUBLICATION:
            return self.can_draft(role) or self.can_review(role) or self.can_publish(role)
        return False

    def keys_of(self, role: str) -> list[KeyRef]:
        """Every key a role holds under its role key: the levels it reads, lowest first, then
        the extra keys it holds. What a new role key must carry; what delivery must supply."""
        return [KeyRef.for_level(lv) for lv in self.readable_levels(role)] + [
            KeyRef.for_extra(k) for k in ExtraKey if self.holds_extra_key(role, k)
        ]

    def all_keys(self) -> list[KeyRef]:
        """Every key of the hierarchy under this policy (what the first writer creates)."""
        return [KeyRef.for_level(lv) for lv in self.levels] + [
            KeyRef.for_extra(k) for k in ExtraKey
        ]

    def roles_reading(self, level: str) -> list[str]:
        return [r for r in self.roles if self.can_read(r, level)]
