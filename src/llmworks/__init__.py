"""llmworks: an LLM-engineering workbench."""
