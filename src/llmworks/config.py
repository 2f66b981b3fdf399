"""Settings from the environment and `.env`, all prefixed LLMWORKS_ (provider keys keep their usual names)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LLMWORKS_", env_file=".env", extra="ignore")

    home: Path = Field(default=Path.home() / ".llmworks", description="data dir: call log, databases, indexes")
    model: str = Field(default="local/smollm2", description="default model for every app")
    allow_private_urls: bool = Field(default=False, description="let the web fetcher reach localhost/private hosts")
    log_calls: bool = Field(default=True, description="record every model call in home/logs.db")
    timeout: float = Field(default=120.0, description="seconds before a remote model call gives up")
    max_retries: int = Field(default=3, description="retries of 429/5xx/connection errors, with backoff")
    threads: int | None = Field(default=None, description="CPU threads for embedded models (default: cores, max 4); "
                                "1 is faster on a machine busy with other work")

    @property
    def logs_db(self) -> Path:
        return self.home / "logs.db"

    def path(self, *parts: str) -> Path:
        """A path under the data dir, its parent created."""
        p = self.home.joinpath(*parts)
        p.parent.mkdir(parents=True, exist_ok=True)
        return p


@lru_cache
def get_settings() -> Settings:
    return Settings()


def reset_settings() -> None:
    """Forget cached settings (tests change the environment)."""
    get_settings.cache_clear()
