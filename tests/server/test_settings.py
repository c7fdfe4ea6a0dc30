"""Configuration from the environment, and the generated key file."""

from __future__ import annotations

import stat

import pytest

from server.settings import PRODUCTION_ARGON2, Settings, SettingsError


def test_defaults_put_everything_in_the_data_dir(tmp_path):
    settings = Settings.from_env({"PLENARY_DATA_DIR": str(tmp_path / "var")})
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'var' / 'plenary.sqlite3'}"
    assert (settings.host, settings.port, settings.secure_cookies) == ("127.0.0.1", 8000, False)
    assert settings.argon2_memory_kib == PRODUCTION_ARGON2["memory_cost"]
    assert settings.argon2_time_cost == PRODUCTION_ARGON2["time_cost"]


def test_key_file_is_created_once_private_and_reused(tmp_path):
    first = Settings.from_env({"PLENARY_DATA_DIR": str(tmp_path)})
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first.secret_key) >= 32
    again = Settings.from_env({"PLENARY_DATA_DIR": str(tmp_path)})
    assert again.secret_key == first.secret_key


def test_environment_overrides(tmp_path):
    settings = Settings.from_env({
        "PLENARY_DATA_DIR": str(tmp_path),
        "PLENARY_SECRET_KEY": "k" * 40,
        "PLENARY_DATABASE_URL": "postgresql+asyncpg://plenary@db/plenary",
        "PLENARY_DATABASE_SCHEMA": "plenary",
        "PLENARY_HOST": "0.0.0.0",
        "PLENARY_PORT": "9000",
        "PLENARY_SESSION_HOURS": "2",
        "PLENARY_SECURE_COOKIES": "true",
    })
    assert settings.secret_key == "k" * 40
    assert not (tmp_path / "secret_key").exists()
    assert not settings.is_sqlite and settings.database_schema == "plenary"
    assert (settings.host, settings.port, settings.session_hours, settings.secure_cookies) == ("0.0.0.0", 9000, 2.0, True)


@pytest.mark.parametrize("name, value", [("PLENARY_PORT", "eighty"), ("PLENARY_SECURE_COOKIES", "maybe"),
                                         ("PLENARY_SECRET_KEY", "short")])
def test_bad_values_name_the_variable(tmp_path, name, value):
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({"PLENARY_DATA_DIR": str(tmp_path), name: value})
