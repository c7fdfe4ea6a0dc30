"""Importing members from a CSV file, with a report that names every row's problem.

Columns: name, email, password (optional), identities (optional, ";"-separated),
bodies (optional, ";"-separated body slugs, each optionally "slug:role").
All or nothing by default: one bad row and nothing is written, so a fixed file can be
uploaded again without duplicates. The admin may instead ask to import the good rows
only; the report then lists every row left out and why, so no row is lost silently.
A row without a password gets a generated one, shown once in the report.
"""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from server.auth import passwords
from server.db.models import Member, Membership, ROLES
from server.repositories import bodies as body_rows
from server.repositories import members as member_rows
from server.services.errors import Invalid
from server.services.members import NewMember, parse_identities, problems_with, require_admin
from server.settings import Settings

REQUIRED_COLUMNS = ("name", "email")
OPTIONAL_COLUMNS = ("password", "identities", "bodies")
MAX_ROWS = 10_000


@dataclass
class ImportRow:
    line: int
    name: str
    email: str
    problems: list[str] = field(default_factory=list)
    generated_password: str | None = None
    imported: bool = False


@dataclass
class ImportReport:
    rows: list[ImportRow]
    imported: int = 0

    @property
    def bad_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.problems]

    @property
    def generated_passwords(self) -> list[ImportRow]:
        return [row for row in self.rows if row.imported and row.generated_password]


def rows_as_csv(rows: list[dict]) -> str:
    """JSON rows (the API's import) as the CSV text the import reads, so both get the same
    checks and the same report; row n is line n + 1 (the header is line 1). Identities and
    bodies may be lists or ";"-separated text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
    for row in rows:
        if not isinstance(row, dict):
            raise Invalid("Each row must be an object with name, email and optionally password, identities, bodies.")
        cells = []
        for column in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
            value = row.get(column) or ""
            cells.append("; ".join(str(v) for v in value) if isinstance(value, list) else str(value))
        writer.writerow(cells)
    return out.getvalue()


async def import_members_csv(db: AsyncSession, settings: Settings, actor: Member, text: str,
                             *, import_valid_rows: bool = False) -> ImportReport:
    require_admin(actor)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [column.strip().lower() for column in (reader.fieldnames or [])]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    unknown = [column for column in header if column not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if missing or unknown:
        reasons = []
        if missing:
            reasons.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            reasons.append(f"unknown column(s) {', '.join(unknown)}")
        raise Invalid(
            f"Line 1 (the header): {'; '.join(reasons)}. "
            f"Expected name,email and optionally {','.join(OPTIONAL_COLUMNS)}."
        )
    reader.fieldnames = header
    known_bodies = await body_rows.slugs(db)
    planned: list[tuple[ImportRow, NewMember, list[tuple[int, str]]]] = []
    rows: list[ImportRow] = []
    seen_emails: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        if len(rows) >= MAX_ROWS:
            raise Invalid(f"Line {line}: a file may hold at most {MAX_ROWS} members.")
        if None in record:
            row = ImportRow(line, "", "", [f"more fields than the {len(header)} columns of the header"])
            rows.append(row)
            continue
        values = {key: (value or "").strip() for key, value in record.items()}
        if not any(values.values()):
            continue  # blank line
        row = ImportRow(line, values.get("name", ""), values.get("email", ""))
        password = values.get("password", "")
        if not password:
            password = row.generated_password = secrets.token_urlsafe(12)
        new = NewMember(row.name, row.email, password, parse_identities(values.get("identities", "")))
        row.problems.extend(problems_with(new).values())
        key = member_rows.email_key(row.email)
        if key in seen_emails:
            row.problems.append(f"the email {row.email} is already on line {seen_emails[key]}")
        else:
            seen_emails[key] = line
        joins = _parse_bodies(values.get("bodies", ""), known_bodies, row)
        rows.append(row)
        planned.append((row, new, joins))
    taken = await member_rows.existing_email_keys(db, list(seen_emails))
    for row, _new, _joins in planned:
        if member_rows.email_key(row.email) in taken:
            row.problems.append(f"a member with the email {row.email} already exists")
    report = ImportReport(rows)
    if report.bad_rows and not import_valid_rows:
        return report
    for row, new, joins in planned:
        if row.problems:
            continue
        member = member_rows.add(
            db, name=new.name.strip(), email=new.email,
            password_hash=passwords.hash_password(settings, new.password), identities=list(new.identities),
        )
        member.memberships.extend(Membership(body_id=body_id, role=role) for body_id, role in joins)
        row.imported = True
        report.imported += 1
    await db.commit()
    return report


def _parse_bodies(raw: str, known_bodies: dict, row: ImportRow) -> list[tuple[int, str]]:
    joins: dict[int, str] = {}
    for part in raw.split(";"):
        part = part.strip()
        if not part:
            continue
        slug, _, role = part.partition(":")
        slug, role = slug.strip(), (role.strip() or "member")
        body = known_bodies.get(slug)
        if body is None:
            row.problems.append(f"there is no body {slug!r}")
        elif role not in ROLES:
            row.problems.append(f"{role!r} is not a role (use one of {', '.join(ROLES)})")
        else:
            joins[body.id] = role
    return list(joins.items())
