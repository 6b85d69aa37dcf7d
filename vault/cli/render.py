"""Turning results into text for a terminal, or JSON. Pure formatting plus one print call each."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from vault.policy import Policy

if TYPE_CHECKING:
    from vault.redact.unchecked import Unchecked
    from vault.services.drafts import Draft
    from vault.services.review import Status

#: What a command prints for a person: text, a rich renderable, or several of them in order.
Renderable = RenderableType | Sequence[RenderableType]


def console(*, stderr: bool = False) -> Console:
    return Console(highlight=False, stderr=stderr)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))


def emit_human(human: Renderable) -> None:
    con = console()
    items: Sequence[RenderableType]
    if isinstance(human, str):
        items = [human]
    elif isinstance(human, Sequence):
        items = human
    else:
        items = [human]
    for item in items:
        # Plain strings may hold values typed by people: never interpret them as markup; and
        # never re-wrap them, so that a long hash or key stays on one line.
        plain = isinstance(item, str)
        con.print(item, markup=not plain, soft_wrap=plain)


def format_value(value: Any) -> str:
    """A field value as readable lines (lists of objects one per line)."""
    if isinstance(value, list):
        return "\n".join(format_value(v) for v in value) if value else "—"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {format_value(v)}" for k, v in value.items() if v is not None)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def case_table(view: dict[str, Any], policy: Policy) -> Table:
    table = Table(
        title=f"{view['case_id']}  (version {view['version']}, by {view['author']}, "
        f"{view['created_at']})",
        show_lines=False,
        title_justify="left",
    )
    table.add_column("field", style="bold")
    table.add_column("level")
    table.add_column("value", overflow="fold")
    fields = view["fields"]
    withheld = view["withheld"]
    for name, fp in policy.fields.items():
        if name in fields:
            table.add_row(name, fp.level, Text(format_value(fields[name])))
        elif name in withheld:
            table.add_row(name, fp.level, Text(f"withheld ({withheld[name]})", style="italic"))
    return table


def summary_table(rows: list[dict[str, Any]], title: str, policy: Policy) -> Table:
    """A list of cases: the case id, the policy's list columns, the version."""
    columns = policy.display.columns
    table = Table(title=title, title_justify="left")
    for col in ("case_id", *columns, "version"):
        table.add_column(col)
    for r in rows:
        f = r["fields"]
        w = r["withheld"]
        cells = [f.get(c, "withheld" if c in w else "") for c in columns]
        table.add_row(*(Text(format_value(c)) for c in (r["case_id"], *cells, r["version"])))
    return table


def policy_tables(policy: Policy) -> list[Table]:
    roles = Table(title=f"policy {policy.name} v{policy.version}: roles", title_justify="left")
    for col in ("role", "reads", "writes cases", "manages people"):
        roles.add_column(col)
    for name, rp in policy.roles.items():
        roles.add_row(
            name,
            ", ".join(policy.readable_levels(name)) or "nothing",
            "yes" if rp.writes_cases else "",
            "yes" if rp.manages_people else "",
        )
    fields = Table(title="fields", title_justify="left")
    for col in ("field", "kind", "level", "read by", "note"):
        fields.add_column(col)
    for name, fp in policy.fields.items():
        fields.add_row(
            name, fp.kind.value, fp.level, ", ".join(policy.roles_reading(fp.level)), fp.note
        )
    return [roles, fields]


def policy_json(policy: Policy) -> dict[str, Any]:
    return {
        "name": policy.name,
        "version": policy.version,
        "levels": policy.levels,
        "roles": {r: policy.readable_levels(r) for r in policy.roles},
        "fields": {
            f: {"kind": fp.kind.value, "level": fp.level, "read_by": policy.roles_reading(fp.level)}
            for f, fp in policy.fields.items()
        },
    }


LAYER_STYLE = {
    "consent": "bold magenta",
    "known-entity": "bold red",
    "pattern": "bold yellow",
    "manual": "bold cyan",
}


UNCHECKED_STYLE = "bold black on yellow"


def draft_view(
    d: Draft,
    st: Status,
    reasons: list[tuple[str, str]],
    unchecked: Sequence[Unchecked] = (),
) -> list[RenderableType]:
    """A reviewer's page: status, the text with each redaction coloured by layer and numbered
    and each unchecked span marked ``{u0}``, then a table of what each redaction hides and why,
    and one of the unchecked spans a reviewer must redact or accept."""
    from rich.panel import Panel

    head = Text()
    head.append(f"{d.draft_id} version {d.version}", style="bold")
    head.append(f"  {d.subject}  [{d.lang}]  written by {d.author}\n")
    state_style = {
        "approved": "bold green",
        "pending": "bold",
        "rejected": "bold red",
        "void": "bold red",
        "stale": "bold red",
    }.get(st.state, "bold")
    head.append(f"{st.state.upper()}", style=state_style)
    head.append(f": {st.detail}; {st.required} approval(s) needed, never from the author\n")
    head.append(f"text sha256 {d.text_hash}")
    body = Text()
    pos = 0
    marks = sorted(
        [
            (r.out_start, r.out_end, f"[{i}]", LAYER_STYLE.get(r.layer, "bold"))
            for i, r in enumerate(d.redactions)
        ]
        + [(u.start, u.end, f"{{u{i}}}", UNCHECKED_STYLE) for i, u in enumerate(unchecked)]
    )
    for start, end, label, style in marks:
        body.append(d.text[pos:start])
        body.append(d.text[start:end], style=style)
        body.append(label, style="dim")
        pos = end
    body.append(d.text[pos:])
    out: list[RenderableType] = [head, Panel(body, title="redacted text", title_align="left")]
    if d.redactions:
        table = Table(
            title="redactions (original shown only where your level allows)", title_justify="left"
        )
        for col in ("#", "layer", "kind", "reason", "original", "now reads"):
            table.add_column(col)
        for i, r in enumerate(d.redactions):
            original = d.originals.get(i)
            shown = (
                Text(original)
                if original is not None
                else Text(f"not shown ({r.level or 'public'})", style="italic")
            )
            table.add_row(
                str(i),
                Text(", ".join(r.layers), style=LAYER_STYLE.get(r.layer, "")),
                r.kind,
                Text(r.reason),
                shown,
                Text(r.replacement),
            )
        out.append(table)
    if unchecked:
        table = Table(
            title=(
                f"UNCHECKED: {len(unchecked)} span(s) no layer judged. Redact or accept each: "
                f"casevault review accept {d.draft_id} --span N | "
                f"casevault review redact {d.draft_id} --span N --reason ..."
            ),
            title_justify="left",
        )
        for col in ("#", "kind", "text", "why"):
            table.add_column(col)
        for i, u in enumerate(unchecked):
            table.add_row(f"u{i}", u.kind, Text(d.text[u.start : u.end]), u.reason)
        out.append(table)
    if d.unredactions:
        rel = Text("RELEASED BY HAND (check these):\n", style="bold red")
        for m in d.unredactions:
            snippet = d.source[m.start : m.end] if d.source is not None else "(not shown)"
            rel.append(f"  {snippet!r} by {m.by}: {m.reason}\n")
        out.append(rel)
    for reviewer, reason in reasons:
        out.append(Text(f"rejected by {reviewer}: {reason}", style="red"))
    return out
