"""Output for a person at a terminal, rendered with rich: imported only when standard output is one.

The best sentence is bold, passages wrap by cell width (CJK takes two columns), a code block keeps its
lines, links are terminal hyperlinks. With NO_COLOR (https://no-color.org) the same layout comes without
any style. Piped output never comes here (see bot.cli.render): it stays plain for scripts.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Console, Group, RenderableType
from rich.segment import Segment, Segments
from rich.style import Style
from rich.table import Table
from rich.text import Text

from bot.cli.environment import Environment
from bot.cli.render import answer_width, bold_range, citation_lines, heading
from bot.markup import Span, pieces
from bot.records import Answer

INDENT = 4
CODE = Style(color="cyan")


def console(environment: Environment, width: int | None = None) -> Console:
    """A rich console writing to the environment's standard output, styled unless NO_COLOR is set."""
    styled = environment.colors
    return Console(
        file=environment.stdout,
        width=width,
        force_terminal=styled,
        no_color=not styled,
        highlight=False,
        markup=False,
        emoji=False,
    )


def print_answer(answer: Answer, environment: Environment, width: int | None = None) -> None:
    """The readable answer of bot.cli.render.answer_text, rendered for a terminal."""
    out = console(environment, width or answer_width())
    styled = environment.colors
    for line in heading(answer):
        out.print(Text(line))
    for hit in answer.hits:
        header, where = citation_lines(hit)
        out.print(Text(header))
        indented(out, Text(where, style="dim" if styled else ""))
        indented(out, passage(hit.passage.text, hit.highlight, styled=styled))
        out.print()
    environment.stdout.flush()


def indented(out: Console, renderable: RenderableType, indent: int = INDENT) -> None:
    """`renderable` wrapped to the console's width less `indent`, each line indented (and not padded
    with spaces to the width, as rich's Padding would)."""
    options = out.options.update_width(max(1, out.width - indent))
    segments: list[Segment] = []
    for line in out.render_lines(renderable, options, pad=False):
        segments += [Segment(" " * indent), *line, Segment.line()]
    out.print(Segments(segments), end="")


def passage(text: str, highlight: str, spans: Sequence[Span] = (), *, styled: bool = True) -> RenderableType:
    """A passage as rich renderables: the best sentence bold, inline code and links styled, each code
    block on lines of its own and never re-wrapped."""
    parts: list[RenderableType] = []
    flowing = Text()
    for piece in pieces(text, 0, len(text), spans, bold_range(text, highlight)):
        if piece.kind == "code_block":  # on lines of its own, its line breaks kept
            flowing.rstrip()  # the block starts on a line of its own anyway
            if flowing:
                parts.append(flowing)
                flowing = Text()
            parts.append(Text(piece.text.strip("\n"), style=CODE if styled else "", overflow="fold"))
            continue
        style = Style()
        if styled:
            style += Style(bold=piece.bold)
            if piece.kind == "code":
                style += CODE
            if piece.kind == "link" and piece.target and piece.target.startswith(("http://", "https://")):
                style += Style(underline=True, link=piece.target)
        flowing.append(piece.text if flowing or not parts else piece.text.lstrip("\n"), style=style)
    if flowing or not parts:
        parts.append(flowing)
    return parts[0] if len(parts) == 1 else Group(*parts)


def print_table(
    environment: Environment, header: Sequence[str], rows: Sequence[Sequence[str]], *, numeric: Sequence[bool] = ()
) -> None:
    """A table of `rows` under `header`, numbers right-aligned."""
    table = Table(*header, box=box.SIMPLE_HEAD, header_style="bold" if environment.colors else "", pad_edge=False)
    for index, column in enumerate(table.columns):
        if index < len(numeric) and numeric[index]:
            column.justify = "right"
    for row in rows:
        table.add_row(*row)
    console(environment).print(table)


def print_lines(environment: Environment, lines: Sequence[str]) -> None:
    """Lines of text, wrapped by cell width."""
    out = console(environment)
    for line in lines:
        out.print(Text(line))
