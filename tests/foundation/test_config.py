"""Settings: secret key kept in the instance folder, URL validation."""

from __future__ import annotations

import pytest

from fieldwork.config import ConfigError, check_database_url, load_secret_key


def test_secret_key_generated_once_and_private(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_secret_key(str(tmp_path))
    assert len(first) == 64 and load_secret_key(str(tmp_path)) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert load_secret_key(str(tmp_path)) == "from-env"


@pytest.mark.parametrize("url, expected", [
    ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ("postgresql://u:p@h:5432/d", "postgresql+psycopg://u:p@h:5432/d"),
])
def test_good_urls(url, expected):
    assert check_database_url(url) == expected


@pytest.mark.parametrize("url", ["nonsense", "mysql://u@h/d", "postgresql://u@h"])
def test_bad_urls(url):
    with pytest.raises(ConfigError):
        check_database_url(url)
