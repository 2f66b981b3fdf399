"""`llmworks airline …`: FlightAI, the tool-using airline assistant, and its database.

Everything printed from the database or a model goes through `one_line`/`printable`: a stored name or a reply
holding ESC sequences must not drive the terminal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .repl import repl, utf8

airline = typer.Typer(
    name="airline",
    help="FlightAI: an airline assistant that calls tools on a real database (prices, bookings).",
    no_args_is_help=True,
)

ModelOpt = Annotated[str | None, typer.Option("--model", "-m", help="provider/model (default: LLMWORKS_MODEL)")]


def register(app: typer.Typer) -> None:
    app.add_typer(airline)


@airline.command()
def chat(
    message: Annotated[str | None, typer.Argument(help="one question; omit for an interactive chat")] = None,
    model: ModelOpt = None,
    temperature: Annotated[
        str | None, typer.Option("--temperature", "-t", metavar="FLOAT", help="sampling temperature")
    ] = None,
    speak: Annotated[Path | None, typer.Option("--speak", help="also write each reply as WAV into this folder")] = None,
    translate: Annotated[str | None, typer.Option("--translate", help="also show replies in this language")] = None,
    translator: Annotated[str | None, typer.Option("--translator", help="model that translates (default: -m)")] = None,
    audio: Annotated[Path | None, typer.Option("--audio", help="ask by voice: transcribe this audio file")] = None,
    usage: Annotated[bool, typer.Option("--usage", "-u", help="print tokens and cost after each reply")] = False,
) -> None:
    """Chat with FlightAI; tool calls are shown as they happen.

    \b
    Examples:
      llmworks airline chat "How much is a flight to Paris?"
      llmworks airline chat "Book a flight to Tokyo for Ada Lovelace on 2027-03-14"
      llmworks airline chat -m openai/gpt-4.1-mini --translate Spanish     # interactive; /exit to leave
      llmworks airline chat --audio question.wav --speak replies/
    """
    from llmworks.apps.airline import Assistant

    degrees, translate = _temperature(temperature, translate)
    bot = Assistant(model, temperature=degrees)
    first = None if message is None else utf8(message, "the message")
    if audio is not None:
        from llmworks.apps.airline.voice import hear

        first = hear(audio)
        typer.secho(f"(heard) {first}", dim=True, err=True)
    if first:
        _turn(bot, first, speak, translate, translator, usage)
        return
    repl(f"FlightAI on {bot.model.name}", lambda line: _turn(bot, line, speak, translate, translator, usage), bot.reset)


def _temperature(value: str | None, translate: str | None) -> tuple[float | None, str | None]:
    """(temperature, language): `-t` was airline's translate flag before it meant temperature everywhere, so a
    `-t` that is not a number is still read as a language, with a hint."""
    if value is None:
        return None, translate
    try:
        return float(value), translate
    except ValueError:
        typer.secho(
            f"Note: -t {value} as a language is deprecated (-t is the temperature now); use --translate {value}.",
            fg="yellow",
            err=True,
        )
        return None, translate or value


def _turn(bot, message: str, speak: Path | None, language: str | None, translator: str | None, usage: bool) -> None:
    from llmworks.text import printable

    from .render import render

    turn = render(bot.run(message, language=language, translator=translator), usage=usage).result
    if turn.translation is not None:
        typer.secho(f"[{turn.language}] " + printable(turn.translation), fg="cyan")
    if speak is not None:
        from llmworks.apps.airline.voice import speak_reply

        path = speak_reply(turn.reply).save(speak / f"reply-{len(bot.history) // 2:03d}.wav")
        typer.secho(f"[voice] {path}", dim=True, err=True)


@airline.command()
def prices() -> None:
    """Show the destinations and ticket prices in the database.

    \b
    Example:
      llmworks airline prices
    """
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from llmworks.apps.airline import AirlineDB
    from llmworks.text import one_line

    db = AirlineDB()
    table = Table("City", "Country", "Return ticket", "Flight", "Departs", title=f"FlightAI prices ({db.path})")
    for d in db.destinations():
        table.add_row(*(Text(one_line(v)) for v in (d.city, d.country, f"${d.price_usd:,}", d.flight_no, d.departs)))
    Console().print(table)


@airline.command()
def bookings(
    passenger: Annotated[str | None, typer.Argument(help="only this passenger's bookings")] = None,
) -> None:
    """Show the bookings in the database.

    \b
    Examples:
      llmworks airline bookings
      llmworks airline bookings "Ada Lovelace"
    """
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from llmworks.apps.airline import AirlineDB
    from llmworks.text import one_line

    found = AirlineDB().bookings(passenger)
    if not found:
        typer.echo("No bookings." if passenger is None else f"No bookings for {one_line(passenger)}.")
        return
    table = Table("Passenger", "City", "Flight")
    for name in ("Code", "Date", "Price", "Status"):  # never wrapped: people copy these
        table.add_column(name, no_wrap=True)
    for b in found:
        row = (b.passenger, b.city, b.flight_no, b.code, b.travel_date, f"${b.price_usd:,}", b.status)
        table.add_row(*(Text(one_line(v)) for v in row))  # Text: a '[/]' in a name is not markup
    Console().print(table)


@airline.command()
def book(
    city: Annotated[str, typer.Argument(help="destination, e.g. Paris or Zürich")],
    passenger: Annotated[str, typer.Argument(help="passenger's full name")],
    date: Annotated[str, typer.Argument(help="travel date, YYYY-MM-DD")],
) -> None:
    """Book a flight directly (no model), with the same checks the assistant's tool applies.

    \b
    Example:
      llmworks airline book Tokyo "Ada Lovelace" 2027-03-14
    """
    from llmworks.apps.airline import book as book_flight
    from llmworks.apps.airline.tools import booked_message
    from llmworks.text import printable

    typer.echo(printable(booked_message(book_flight(city, passenger, date))))


@airline.command()
def cancel(code: Annotated[str, typer.Argument(help="confirmation code, e.g. K7XQ9P")]) -> None:
    """Cancel a booking by its confirmation code.

    \b
    Example:
      llmworks airline cancel K7XQ9P
    """
    from llmworks.apps.airline import cancel as cancel_booking
    from llmworks.apps.airline.tools import cancelled_message
    from llmworks.text import printable

    typer.echo(printable(cancelled_message(cancel_booking(code))))


@airline.command()
def say(
    text: Annotated[str, typer.Argument(help="what to say")],
    out: Annotated[Path, typer.Option("--out", "-o", help="WAV file to write")] = Path("reply.wav"),
) -> None:
    """Speak text with the offline Piper voice into a WAV file.

    \b
    Example:
      llmworks airline say "Your flight to Paris is booked." -o booked.wav
    """
    from llmworks.apps.airline.voice import speak_reply

    speech = speak_reply(text)
    path = speech.save(out)
    typer.echo(f"{path} ({speech.duration_s:.1f} s of audio in {speech.seconds:.2f} s)")


@airline.command()
def transcribe(audio: Annotated[Path, typer.Argument(help="audio file (WAV, MP3, OGG, M4A)")]) -> None:
    """Transcribe an audio file offline with Whisper tiny.en.

    \b
    Example:
      llmworks airline transcribe question.wav
    """
    from llmworks.speech import transcribe as stt

    t = stt(audio)
    typer.echo(t.text)
    typer.secho(f"({t.audio_s:.1f} s of audio in {t.seconds:.2f} s)", dim=True, err=True)
