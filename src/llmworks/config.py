"""Settings from the environment and `.env`, all prefixed LLMWORKS_ (provider keys keep their usual names)."""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LLMWORKS_", env_file=".env", extra="ignore")

    home: Path = Field(default=Path.home() / ".llmworks", description="data dir: call log, databases, indexes")
    model: str = Field(default="local/qwen2.5-1.5b", description="default model for every app (`llmworks models`)")
    models_dir: Path | None = Field(
        default=None,
        description="where embedded models joined from their PyPI parts "
        "live (default: home/models); point several homes at one copy",
    )
    allow_private_urls: bool = Field(default=False, description="let the web fetcher reach localhost/private hosts")
    log_calls: bool = Field(default=True, description="record every model call in home/logs.db")
    timeout: float = Field(default=120.0, description="seconds before a remote model call gives up")
    max_retries: int = Field(default=3, description="retries of 429/5xx/connection errors, with backoff")
    threads: int | None = Field(
        default=None,
        description="CPU threads for embedded models (default: cores, max 4); "
        "1 is faster on a machine busy with other work",
    )
    ui_auth: str | None = Field(
        default=None,
        description="user:password login of the web workbench (kept out of shell history, unlike --auth)",
        repr=False,
    )
    server_key: str | None = Field(
        default=None,
        description="bearer key clients of `llmworks serve` must send (kept out of shell history, unlike --api-key)",
        repr=False,
    )
    ui_allowed_dirs: Annotated[list[Path], NoDecode] = Field(
        default_factory=list,
        description="server folders the web workbench may read and write besides the data dir "
        "(separated by ',' or ':', or a JSON list); every other path typed into the workbench is refused",
    )

    @field_validator("home", "models_dir")
    @classmethod
    def _expand_user(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None  # LLMWORKS_HOME=~/data, quoted in .env

    @field_validator("ui_allowed_dirs", mode="before")
    @classmethod
    def _split_dirs(cls, value):
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in re.split(f"[,{re.escape(os.pathsep)}]", text) if part.strip()]
        return value

    @property
    def logs_db(self) -> Path:
        return self.home / "logs.db"

    @property
    def models_path(self) -> Path:
        return self.models_dir or self.home / "models"

    def path(self, *parts: str) -> Path:
        """A path under this settings' data dir, its parent created (`llmworks.files.data_path`: the current one's)."""
        from .files import under

        return under(self.home, *parts)


@lru_cache
def get_settings() -> Settings:
    return Settings()


def reset_settings() -> None:
    """Forget cached settings (tests change the environment)."""
    get_settings.cache_clear()
