"""llmworks' own apps over HTTP, under /v1/llmworks/: the pricer's estimate and the knowledge base's answer.

Each route calls the app's public API, the same one the CLI renders; the apps are imported on first use, so a
server without the pricer or RAG extras still serves chat.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from .. import llm
from ..llm import ModelInfo
from .gate import Gate


class EstimateRequest(BaseModel):
    description: str = Field(min_length=1, max_length=20_000)
    pricer: str = "ensemble"


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=4_000)
    model: str | None = None
    """The chat model that writes the answer (default: the configured default model)."""


def routes(config, gate_for: Callable[..., Gate], served: Callable[..., ModelInfo]) -> APIRouter:
    router = APIRouter(prefix="/v1/llmworks")
    pricer_gate = Gate("pricer", slots=1, queue=config.queue)

    @router.post("/pricer/estimate")
    async def estimate(body: EstimateRequest) -> dict[str, Any]:
        from ..apps.pricer.workflow import estimate

        found = await pricer_gate.run(estimate, body.description, body.pricer)
        return dataclasses.asdict(found)

    @router.post("/rag/ask")
    async def ask(body: AskRequest) -> dict[str, Any]:
        from ..apps.rag import KnowledgeBase
        from ..config import get_settings

        name = body.model or get_settings().model
        info = served(name)

        def answer():
            return KnowledgeBase.open(config.rag_db).answer(body.question, model=name)

        found = await gate_for(info).run(answer)
        response = found.response if isinstance(found.response, llm.Response) else None
        return {
            "answer": found.text,
            "known": found.known,
            "sources": found.sources,
            "query": found.query,
            "model": name,
            "usage": dataclasses.asdict(response.usage) if response else None,
        }

    return router
