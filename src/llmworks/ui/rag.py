"""The RAG tab: ingest a folder or uploaded files, chat with the knowledge base (retrieved chunks beside each answer),
vector map. Every folder typed here is confined to the data dir (and LLMWORKS_UI_ALLOWED_DIRS): see paths.py."""

from __future__ import annotations

import threading

from .common import error_markdown, error_message, model_dropdown, warn
from .paths import confine, save_uploads
from .render import chat_messages

_bases: dict[str, object] = {}
_lock = threading.Lock()


def _kb(db: str):
    """One KnowledgeBase per index folder, shared by requests (its BM25 index is built once)."""
    from llmworks.apps.rag import KnowledgeBase, default_index

    folder = confine(db, field="Index folder") if (db or "").strip() else default_index().resolve()
    key = str(folder)  # the real folder: "", a relative path and a symlink to it share one KnowledgeBase
    with _lock:
        if key not in _bases:
            _bases[key] = KnowledgeBase.open(folder)
        return _bases[key]


def chunks_markdown(answer) -> str:
    if not answer.hits:
        return "_No chunks retrieved._"
    head = f"**Query:** {answer.query}\n\n" if answer.query != answer.question else ""
    if answer.reason:
        head += f"_{answer.reason}_\n\n"
    parts = []
    for i, hit in enumerate(answer.hits, 1):
        sim = f" · cosine {hit.similarity:.2f}" if hit.similarity is not None else ""
        body = hit.text.replace("\n", "  \n")
        parts.append(f"**[{i}] {hit.source}** · score {hit.score:.3f}{sim}\n\n{body}")
    return head + "\n\n---\n\n".join(parts)


def respond(message: str, history: list[dict] | None, db: str, model, k: float, chat=None):
    """Yields (chat history, retrieved-chunks markdown, status markdown, textbox value, the session's Chat). The
    Chat (in a gr.State) keeps the conversation; the chatbot only shows it."""
    import gradio as gr

    history = list(history or [])
    if not (message or "").strip():
        yield history, gr.skip(), "Type a question first.", "", chat
        return
    try:
        kb = _kb(db)
    except Exception as e:  # shown in the tab, never as a traceback
        shown = [{"role": "user", "content": message}, {"role": "assistant", "content": f"⚠️ {error_message(e)}"}]
        yield history + shown, "", error_markdown(e), "", chat
        return
    if chat is None:
        chat = kb.chat()
    chat.kb, chat.model, chat.k = kb, model or None, int(k)  # the settings picked now; the conversation stays
    view = None
    for view in chat_messages(chat.run(message), history + [{"role": "user", "content": message}]):
        if view.done is None:
            yield view.messages, gr.skip(), view.status, "", chat
    if view is None or view.done is None:
        yield (view.messages if view else history), "", (view.status if view else ""), "", chat
        return
    answer = view.done.result
    messages = view.messages
    if answer.sources:  # shown under the answer; the conversation the model sees keeps the answer alone
        sources = f"\n\n_Sources: {', '.join(answer.sources)}_"
        messages[-1] = {**messages[-1], "content": messages[-1]["content"] + sources}
    yield messages, chunks_markdown(answer), f"Last answer: {view.status}", "", chat


def ingest_folder(folder: str, db: str) -> str:
    """Ingest a folder into the index; the report's summary, and each file skipped."""
    import gradio as gr

    from llmworks.events import result

    if not (folder or "").strip():
        return "Enter the folder to ingest."
    try:
        kb = _kb(db)
        report = result(kb.run_ingest(confine(folder, field="Folder to ingest")))
    except Exception as e:  # shown in the tab, never as a traceback
        return warn(e)
    gr.Info("Ingest finished")
    return report.summary() + "".join(f"\n- ⚠️ {w}" for w in report.warnings)


def upload_and_ingest(files, folder: str, db: str) -> str:
    """Copy uploaded documents into the folder to ingest (default: the data dir's rag/documents), then ingest it."""
    from llmworks.apps.rag import default_documents
    from llmworks.apps.rag.loaders import SUFFIXES

    if not files:
        return ""
    try:
        target = confine(folder, field="Folder to ingest") if (folder or "").strip() else default_documents()
        _kb(db)  # a refused index folder stops the upload before anything is written
        saved, refused = save_uploads(files, target, suffixes=SUFFIXES)
    except Exception as e:  # shown in the tab, never as a traceback
        return warn(e)
    note = f"Skipped {', '.join(refused)}: only {', '.join(sorted(SUFFIXES))} files are read. " if refused else ""
    if not saved:
        return note
    return note + f"Saved {len(saved)} file(s) to `{target}`. " + ingest_folder(str(target), db)


def vector_map(db: str, dims):
    try:
        return _kb(db).figure(int(dims)), ""
    except Exception as e:  # shown in the tab, never as a traceback
        return None, warn(e)


def tab() -> None:
    import gradio as gr

    from llmworks.apps.rag import ANSWER_K, default_documents, default_index
    from llmworks.apps.rag.loaders import SUFFIXES

    gr.Markdown(
        "Folders are on the server, inside the data dir (or a folder listed in LLMWORKS_UI_ALLOWED_DIRS). "
        "An index mirrors the folder last ingested into it; uploads are saved into the folder to ingest."
    )
    with gr.Row():
        db = gr.Textbox(str(default_index()), label="Index folder", scale=3)
        folder = gr.Textbox(str(default_documents()), label="Folder to ingest (.md, .txt, .pdf, .html)", scale=3)
        ingest_button = gr.Button("Ingest", scale=1)
    uploads = gr.File(
        label="Upload documents (saved into the folder to ingest, then ingested)",
        file_count="multiple",
        file_types=sorted(SUFFIXES),
        type="filepath",
    )
    status = gr.Markdown("")
    with gr.Row():
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(label="Ask the knowledge base", height=460)
            with gr.Row():
                box = gr.Textbox(placeholder="Ask a question…", show_label=False, scale=5)
                send = gr.Button("Ask", variant="primary", scale=1)
            with gr.Row():
                model = model_dropdown()
                k = gr.Slider(1, 10, value=ANSWER_K, step=1, label="Chunks given to the model (k)")
                clear = gr.Button("Clear conversation")
        with gr.Column(scale=2):
            gr.Markdown("### Retrieved chunks")
            chunks = gr.Markdown("", height=560)
    with gr.Accordion("Vector map (t-SNE of every chunk, coloured by document type)", open=False):
        with gr.Row():
            dims = gr.Radio([2, 3], value=2, label="Dimensions")
            draw = gr.Button("Draw")
        plot = gr.Plot()
        plot_status = gr.Markdown("")

    ingest_button.click(ingest_folder, [folder, db], status)
    uploads.upload(upload_and_ingest, [uploads, folder, db], status)
    chat = gr.State(None)  # this session's conversation with the knowledge base (apps.rag.Chat)
    inputs, outputs = [box, chatbot, db, model, k, chat], [chatbot, chunks, status, box, chat]
    box.submit(respond, inputs, outputs)
    send.click(respond, inputs, outputs)
    clear.click(lambda: ([], "", "", None), None, [chatbot, chunks, status, chat])
    draw.click(vector_map, [db, dims], [plot, plot_status])
