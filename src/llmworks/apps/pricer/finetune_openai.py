"""OpenAI fine-tuning: export chat JSONL, upload it, start a job, follow its status and events.

    export_jsonl(train_items, "ft_train.jsonl")
    job = start_job("ft_train.jsonl", base_model="gpt-4o-mini-2024-07-18", epochs=1, seed=42, suffix="pricer")
    status = follow_job(job.id)                       # until succeeded / failed / cancelled (`follow`: events)
    LLMPricer(model=f"openai/{status.model}", structured=False)   # the fine-tuned model as a pricer

Fine-tuning is a files-and-jobs API, not a model call, so it is not in `llmworks.llm`; it still goes through the
model layer's provider configuration (`llm.providers.openai_compat.endpoint`): the same key lookup, base URL,
timeout, retries and error mapping as chat, and no `openai` import here.
"""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ...events import Done, Event, Progress, app, result
from ...files import atomic_write
from .items import Item
from .llm_pricers import SYSTEM, user_prompt

TERMINAL = {"succeeded", "failed", "cancelled"}


def chat_example(item: Item) -> dict:
    """One training example: system, user (the question and text), assistant "Price is $X.00"."""
    return {
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": user_prompt(item)},
            {"role": "assistant", "content": f"Price is ${round(item.price)}.00"},
        ]
    }


def export_jsonl(items: list[Item], path: str | os.PathLike) -> Path:
    atomic_write(path, "".join(json.dumps(chat_example(i), ensure_ascii=False) + "\n" for i in items))
    return Path(path)


def _endpoint():
    from ...llm.providers.openai_compat import endpoint

    return endpoint("openai", name="OpenAI fine-tuning")


def openai_client():
    """The SDK client of the model layer's "openai" provider: its key, base URL override, timeout and retries."""
    return _endpoint().client


def _sdk_errors(fn):
    """SDK failures → the model layer's user-facing errors (one red line in the CLI), mapped as for model calls."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with _endpoint().errors():
            return fn(*args, **kwargs)

    return wrapper


@_sdk_errors
def upload(path: str | os.PathLike, client=None):
    client = client or openai_client()
    with open(path, "rb") as f:
        return client.files.create(file=f, purpose="fine-tune")


@_sdk_errors
def start_job(
    train_file: str | os.PathLike,
    *,
    validation_file: str | os.PathLike | None = None,
    base_model: str = "gpt-4o-mini-2024-07-18",
    epochs: int = 1,
    seed: int = 42,
    suffix: str = "pricer",
    client=None,
):
    """Upload the file(s) and create the job; returns the SDK's FineTuningJob."""
    client = client or openai_client()
    train = upload(train_file, client)
    validation = upload(validation_file, client) if validation_file else None
    return client.fine_tuning.jobs.create(
        training_file=train.id,
        validation_file=validation.id if validation else None,
        model=base_model,
        seed=seed,
        hyperparameters={"n_epochs": epochs},
        suffix=suffix,
    )


@dataclass
class JobStatus:
    id: str
    status: str
    model: str | None
    """The fine-tuned model's name, once the job succeeded."""
    events: list[str] = field(default_factory=list)
    """Event messages, oldest first."""


@_sdk_errors
def job_status(job_id: str, client=None, limit: int = 20) -> JobStatus:
    client = client or openai_client()
    job = client.fine_tuning.jobs.retrieve(job_id)
    events = client.fine_tuning.jobs.list_events(fine_tuning_job_id=job_id, limit=limit)
    messages = [f"{e.created_at} {e.message}" for e in sorted(events.data, key=lambda e: e.created_at)]
    return JobStatus(job.id, job.status, job.fine_tuned_model, messages)


@app
def follow(
    job_id: str,
    *,
    client=None,
    poll_s: float = 30.0,
    timeout_s: float = 6 * 3600,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[Event]:
    """Poll until the job ends: a Progress per new job event (each once, oldest first), then Done(JobStatus)."""
    client = client or openai_client()
    seen: set[str] = set()
    deadline = time.monotonic() + timeout_s
    while True:
        status = job_status(job_id, client)
        for event in status.events:
            if event not in seen:
                seen.add(event)
                yield Progress(event)
        if status.status in TERMINAL or time.monotonic() > deadline:
            yield Done(status)
            return
        sleep(poll_s)


def follow_job(job_id: str, **options) -> JobStatus:
    """`follow` to the end: the job's last status."""
    return result(follow(job_id, **options))
