"""Small pieces every tab uses: the model picker, error messages instead of tracebacks, chat history."""

from __future__ import annotations

from collections.abc import Iterable


def model_names() -> list[str]:
    from llmworks.llm import catalog

    return [m.name for m in catalog.MODELS]


def default_model() -> str:
    from llmworks.config import get_settings

    return get_settings().model


def model_dropdown(label: str = "Model", value: str | None = None, **kwargs):
    """A dropdown of the catalog's models; any other provider/model can be typed in."""
    import gradio as gr

    names = model_names()
    value = value or default_model()
    if value not in names:
        names.insert(0, value)
    return gr.Dropdown(names, value=value, label=label, allow_custom_value=True, **kwargs)


def error_message(e: BaseException) -> str:
    """One readable line naming the fix; anything unexpected goes to the server's log with its traceback."""
    from llmworks.errors import explain

    known = explain(e)
    if known is not None:
        return str(known)
    import logging

    logging.getLogger("llmworks.ui").error("unexpected failure in a tab", exc_info=e)
    return f"Unexpected failure: {str(e) or 'no details'} (the server's log has the details)."


def error_markdown(e: BaseException) -> str:
    return f"**Error:** {error_message(e)}"


def warn(e: BaseException) -> str:
    """Show `e` as a Gradio toast and return it as markdown for the tab's status area."""
    import gradio as gr

    gr.Warning(error_message(e))
    return error_markdown(e)


def text_of(content) -> str:
    """A Chatbot message's text: Gradio hands content back as a string or as a list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or content.get("value") or "")
    if isinstance(content, Iterable):
        return "".join(text_of(part) for part in content)
    return "" if content is None else str(content)


def history_messages(history: list[dict] | None) -> list[dict]:
    """Chatbot history → OpenAI-shaped user/assistant messages; tool-step bubbles (metadata) are display only."""
    out = []
    for m in history or []:
        role = m.get("role") if isinstance(m, dict) else None
        if role in ("user", "assistant") and not m.get("metadata"):
            out.append({"role": role, "content": text_of(m.get("content"))})
    return out
