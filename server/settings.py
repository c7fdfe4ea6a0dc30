"""Plenary's configuration, read once from the environment.

Every setting has a safe default for a developer laptop; production sets
``PLENARY_SECRET_KEY`` (or keeps the generated key file), ``PLENARY_DATABASE_URL``
and ``PLENARY_SECURE_COOKIES=true``. See docs/foundation.md.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

#: argon2id cost for production: RFC 9106's second recommended option (64 MiB, 3 passes)
PRODUCTION_ARGON2 = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4}
#: argon2id cost for the test suite only: same algorithm, cheap enough to hash hundreds of times
TEST_ARGON2 = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}

SECRET_KEY_FILE = "secret_key"


class SettingsError(Exception):
    """A setting that cannot be used, with the variable's name in the message."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    secret_key: str
    #: PostgreSQL schema to work in (search_path); None means the server's default
    database_schema: str | None = None
    session_hours: float = 12.0
    host: str = "127.0.0.1"
    port: int = 8000
    secure_cookies: bool = False
    argon2_time_cost: int = PRODUCTION_ARGON2["time_cost"]
    argon2_memory_kib: int = PRODUCTION_ARGON2["memory_cost"]
    argon2_parallelism: int = PRODUCTION_ARGON2["parallelism"]
    #: sign-in failures allowed within the window before the account or address is held
    failures_per_account: int = 5
    failures_per_address: int = 20
    failure_window_minutes: int = 15

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("PLENARY_DATA_DIR", "var")).resolve()
        database_url = env.get("PLENARY_DATABASE_URL") or default_database_url(data_dir)
        if database_url.startswith("sqlite"):
            data_dir.mkdir(parents=True, exist_ok=True)
        secret_key = env.get("PLENARY_SECRET_KEY") or load_or_create_key_file(data_dir)
        if len(secret_key) < 32:
            raise SettingsError("PLENARY_SECRET_KEY must be at least 32 characters long")
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            secret_key=secret_key,
            database_schema=env.get("PLENARY_DATABASE_SCHEMA") or None,
            session_hours=_number(env, "PLENARY_SESSION_HOURS", 12.0, float),
            host=env.get("PLENARY_HOST", "127.0.0.1"),
            port=_number(env, "PLENARY_PORT", 8000, int),
            secure_cookies=_flag(env, "PLENARY_SECURE_COOKIES"),
        )


def default_database_url(data_dir: Path) -> str:
    return f"sqlite+aiosqlite:///{data_dir / 'plenary.sqlite3'}"


def load_or_create_key_file(data_dir: Path) -> str:
    """The signing key kept in the data directory, created (mode 0600) on first run.

    Written to a private temporary file and linked into place, so a second process
    starting at the same moment reads either no file or the whole key, never half of it.
    """
    path = data_dir / SECRET_KEY_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd, temporary = tempfile.mkstemp(dir=data_dir, prefix=".secret_key.")  # mkstemp makes it 0600
        try:
            with os.fdopen(fd, "w") as key_file:
                key_file.write(secrets.token_urlsafe(48) + "\n")
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process won the race; use its key
        finally:
            os.unlink(temporary)
    return path.read_text().strip()


def _number(env: Mapping[str, str], name: str, default, kind):
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return kind(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, not {raw!r}") from None


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise SettingsError(f"{name} must be true or false, not {raw!r}")
