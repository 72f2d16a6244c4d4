import pytest

from app import create_app
from app.config import ConfigError


def test_the_app_refuses_to_start_without_its_secrets(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("CARD_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setattr("app.config._secret", lambda name, path: None)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_a_bad_time_zone_or_interval_is_refused(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AID_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ConfigError, match="AID_TIMEZONE"):
        create_app({"TESTING": True})
    monkeypatch.setenv("AID_TIMEZONE", "Europe/Kyiv")
    monkeypatch.setenv("ELIGIBILITY_DAYS", "ten")
    with pytest.raises(ConfigError, match="ELIGIBILITY_DAYS"):
        create_app({"TESTING": True})


def test_a_bad_checkpoint_interval_is_refused(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for value in ("soon", "-1", "99999"):
        monkeypatch.setenv("AID_SQLITE_CHECKPOINT_SECONDS", value)
        with pytest.raises(ConfigError, match="AID_SQLITE_CHECKPOINT_SECONDS"):
            create_app({"TESTING": True})


def test_the_slip_paper_is_58_80_or_a6(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from app.config import load_config

    assert load_config(tmp_path)["AID_SLIP_PAPER"] == "80"
    monkeypatch.setenv("AID_SLIP_PAPER", "A6")
    assert load_config(tmp_path)["AID_SLIP_PAPER"] == "a6"
    for value in ("57", "A4", " "):
        monkeypatch.setenv("AID_SLIP_PAPER", value)
        with pytest.raises(ConfigError, match="AID_SLIP_PAPER"):
            load_config(tmp_path)
