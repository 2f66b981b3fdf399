"""A picture of the destination being discussed, from an image provider, or an honest note that there is none.

    pic = destination_image("Paris")   # Picture(png=b'...' or None, note='...')
    pic = picture_for(turn.destination)  # the picture panel for a chat turn (None: nothing discussed yet)

Offline there is no image model (none ships on PyPI), so `png` is None and `note` says how to get one: no
stand-in picture is ever made up. With OPENAI_API_KEY set, `openai/gpt-image-1` draws it.
"""

from __future__ import annotations

from dataclasses import dataclass

from llmworks import llm

from .db import Destination

IMAGE_MODEL = "openai/gpt-image-1"
NO_PROVIDER = (
    "No image provider is configured, so no picture is shown (offline, nothing can draw one). "
    "Set OPENAI_API_KEY to draw destinations with openai/gpt-image-1."
)


_drawn: dict[str, Picture] = {}


@dataclass(frozen=True)
class Picture:
    png: bytes | None
    note: str


def image_provider_configured() -> bool:
    from llmworks.llm.catalog import PROVIDERS

    return bool(PROVIDERS["openai"].api_key())


def destination_image(city: str) -> Picture:
    """A pop-art style picture of `city` for the image panel, or None with the reason."""
    if not image_provider_configured():
        return Picture(None, NO_PROVIDER)
    prompt = (
        f"An image representing a vacation in {city}, showing tourist spots and everything unique about "
        f"{city}, in a vibrant pop-art style"
    )
    if city not in _drawn:  # one paid picture per city per process, not one per chat turn
        try:
            _drawn[city] = Picture(llm.image(prompt, model=IMAGE_MODEL), f"{city}, drawn by {IMAGE_MODEL}.")
        except llm.LLMError as e:
            return Picture(None, f"No picture: {e}")
    return _drawn[city]


def picture_for(destination: Destination | None) -> Picture:
    """The picture panel for a turn's destination: the drawing, or the reason there is none."""
    if not image_provider_configured():
        return Picture(None, NO_PROVIDER)
    if destination is None:
        return Picture(None, "*No destination discussed yet.*")
    return destination_image(destination.city)
