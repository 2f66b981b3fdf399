"""The app contract: @app sums every model call's usage into Done, only while the app itself runs."""

from llmworks import events, llm
from llmworks.events import Delta, Done, Progress, app
from llmworks.llm.testing import ScriptedModel


def test_done_carries_the_usage_of_every_model_call_the_app_made():
    model = ScriptedModel(["one two three", "four five"])

    @app
    def two_calls():
        yield Progress("first")
        a = llm.chat("hi", model=model)
        yield Delta(a.text)
        b = llm.chat("again", model=model)
        yield Done(result=a.text + " " + b.text)

    done = events.final(two_calls())
    assert done.result == "one two three four five"
    assert done.calls == 2
    first, second = (
        llm.chat(p, model=ScriptedModel([t])).usage for p, t in [("hi", "one two three"), ("again", "four five")]
    )
    assert done.usage.output_tokens == first.output_tokens + second.output_tokens > 0
    assert done.usage.input_tokens == first.input_tokens + second.input_tokens > 0


def test_calls_made_by_the_caller_between_events_are_not_counted():
    model = ScriptedModel(["inside", "outside"])

    @app
    def one_call():
        yield Delta(llm.chat("x", model=model).text)
        yield Done(result=None)

    seen = []
    for event in one_call():
        if isinstance(event, Delta):
            seen.append(llm.chat("y", model=model).text)  # the renderer's own call: not the app's
        elif isinstance(event, Done):
            assert event.calls == 1


def test_nested_apps_count_in_their_callers_total():
    model = ScriptedModel(["a", "b"])

    @app
    def inner():
        llm.chat("x", model=model)
        yield Done(result=1)

    @app
    def outer():
        n = events.result(inner())
        llm.chat("y", model=model)
        yield Done(result=n + 1)

    done = events.final(outer())
    assert (done.result, done.calls) == (2, 2)


def test_result_needs_a_done_event():
    @app
    def broken():
        yield Progress("no result")

    try:
        events.result(broken())
    except RuntimeError as e:
        assert "Done" in str(e)
    else:
        raise AssertionError("an app without Done must not pass silently")
