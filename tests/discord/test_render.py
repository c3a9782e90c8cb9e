"""How answers look on Discord, checked against Discord's limits as the fake server enforces them."""

from __future__ import annotations

import discord
from hypothesis import given
from hypothesis import strategies as st

from bot.discord_app.render import ELLIPSIS, first_page, hit_embeds, more_page, quote
from bot.discord_app.respond import NO_PINGS
from bot.markup import Kind, Span
from bot.records import Answer, DocumentInfo, Hit, IndexInfo, Passage
from tests.discord.fake_discord.limits import message_errors
from tests.discord.fake_discord.mentions import resolve
from tests.discord.fake_discord.world import World

INFO = IndexInfo(built_at="2025-01-01T00:00:00+00:00", model="all-MiniLM-L6-v2", documents=1, passages=9)


def hit(
    rank: int,
    text: str,
    highlight: str,
    *,
    url: str | None = None,
    title: str = "Tokyo talks",
    caveat: str | None = None,
) -> Hit:
    document = DocumentInfo(id="doc", title=title, source="corpus/doc.txt", url=url, date="2025-03-30")
    passage = Passage(id=f"doc:{rank}", doc_id="doc", paragraph=rank + 1, start=0, end=len(text), text=text)
    return Hit(passage, document, score=0.7 - rank / 100, rank=rank, highlight=highlight, caveat=caveat)


def answer(
    *hits: Hit, answered: bool = True, question: str = "Who met in Tokyo?", notices: tuple[str, ...] = ()
) -> Answer:
    return Answer(question=question, answered=answered, hits=hits, index=INFO, notices=notices)


def accepted(content: str, embeds: list[discord.Embed]) -> bool:
    return message_errors({"content": content, "embeds": [e.to_dict() for e in embeds]}, creating=True) is None


def test_the_best_sentence_is_bold_and_markdown_in_passages_is_escaped() -> None:
    text, shortened = quote(
        "First *point*. Hegseth met Nakatani in Tokyo. Last.", "Hegseth met Nakatani in Tokyo.", 500
    )
    assert text == r"First \*point\*. **Hegseth met Nakatani in Tokyo.** Last."
    assert not shortened


def test_a_long_passage_is_cut_around_its_best_sentence_visibly() -> None:
    before, best, after = "a" * 3000 + " ", "The answer is here.", " " + "b" * 3000
    text, shortened = quote(before + best + after, best, 1000)
    assert shortened and len(text) <= 1000
    assert text.startswith(ELLIPSIS) and text.endswith(ELLIPSIS)
    assert "**The answer is here.**" in text


@given(st.text(max_size=3000), st.data(), st.integers(min_value=1, max_value=4096))
def test_quotes_never_exceed_their_limit(text: str, data: st.DataObject, limit: int) -> None:
    start = data.draw(st.integers(min_value=0, max_value=len(text)))
    end = data.draw(st.integers(min_value=start, max_value=len(text)))
    quoted, shortened = quote(text, text[start:end], limit)
    assert len(quoted) <= limit
    if limit >= 2 * len(text) + 4:  # room for every character escaped, and the bold markers
        assert not shortened
    if not shortened:
        assert quoted.count(ELLIPSIS) == text.count(ELLIPSIS)


def test_five_huge_passages_fit_in_one_message() -> None:
    hits = [hit(rank, "word " * 2000, "word", title="T" * 300) for rank in range(1, 6)]
    embeds = hit_embeds(hits)
    assert sum(len(e) for e in embeds) <= 6000
    assert all(len(e.description or "") <= 4096 and len(e.title or "") <= 256 for e in embeds)
    assert all("shortened" in (e.footer.text or "") for e in embeds)
    assert accepted("**Q:** x", embeds)


def test_citation_carries_title_paragraph_score_date_and_a_web_url_only() -> None:
    web, local = hit(1, "Text.", "Text.", url="https://example.org/a"), hit(2, "Text.", "Text.", url="file:///etc")
    first, second = hit_embeds([web, local])
    assert first.title == "1. Tokyo talks" and first.url == "https://example.org/a"
    assert first.footer.text == "doc, paragraph 2 · score 0.69 · 2025-03-30"
    assert second.url is None and second.footer.text == "doc, paragraph 3 · score 0.68 · 2025-03-30"


def test_a_passage_in_a_section_is_titled_by_its_heading_path_and_links_to_it() -> None:
    code = "Use the middleware @everyone <@123>:\n\n```\napp.add_middleware(CORSMiddleware, allow_origins=['*'])\n```"
    document = DocumentInfo(id="tutorial/cors.md", title="CORS", source="docs/tutorial/cors.md")
    passage = Passage(
        "tutorial/cors.md#3", document.id, 3, 0, len(code), code * 40, ("Tutorial", "CORS", "Use CORSMiddleware"),
        "use-corsmiddleware", None, (40, 52),
    )  # fmt: skip
    url = "https://docs.example.com/tutorial/cors/#use-corsmiddleware"
    embed = hit_embeds([Hit(passage, document, 0.71, 1, "Use the middleware", url=url)])[0]
    assert embed.title == "1. Tutorial › CORS › Use CORSMiddleware" and embed.url == url
    assert (embed.footer.text or "").startswith("tutorial/cors.md, lines 40-52 · score 0.71")
    assert accepted("**Q:** How do I enable CORS?", [embed])
    # shown as text; the bot sends with AllowedMentions.none(), so it pings no one (tests/discord/test_bot.py)
    assert "@everyone" in (embed.description or "")


def test_without_a_confident_match_only_the_nearest_passage_shows_marked_low() -> None:
    low = "low confidence"
    page, shown = first_page(answer(hit(1, "A.", "A.", caveat=low), hit(2, "B.", "B.", caveat=low), answered=False), 3)
    assert "No confident match" in page.content
    assert [h.rank for h in shown] == [1] and len(page.embeds) == 1
    assert "low confidence" in (page.embeds[0].footer.text or "")


def test_no_passage_at_all_says_so() -> None:
    page, shown = first_page(answer(answered=False), 3)
    assert shown == [] and page.embeds == [] and "No passage" in page.content


def test_content_stays_within_2000_characters_with_a_long_question_and_notices() -> None:
    page, _ = first_page(answer(hit(1, "A.", "A."), question="*" * 1000, notices=("n" * 900, "m" * 900)), 3)
    assert len(page.content) <= 2000 and accepted(page.content, page.embeds)


def test_more_pages_are_numbered_by_rank() -> None:
    page = more_page(answer(*(hit(r, "A.", "A.") for r in range(1, 7))), [hit(4, "A.", "A."), hit(5, "A.", "A.")])
    assert "Passages 4–5" in page.content and [e.title for e in page.embeds] == ["4. Tokyo talks", "5. Tokyo talks"]


def test_a_single_further_passage_is_called_so() -> None:
    page = more_page(answer(hit(1, "A.", "A."), hit(2, "B.", "B.")), [hit(2, "B.", "B.")])
    assert page.content.endswith("\nPassage 2:")


# Markup in passages (bot.markup spans): links, inline code, code blocks.

MARKED = "Pass the `--json` flag, as the guide says. @everyone can: citebot ask --json Q\nthen read <@123>."


def marked_spans(text: str = MARKED) -> list[Span]:
    flag, guide, command = text.index("--json"), text.index("the guide"), text.index("citebot ask")
    return [
        Span(flag, flag + 6, "code"),
        Span(guide, guide + 9, "link", "https://example.org/guide_(cli)"),
        Span(command, text.index("\nthen"), "code_block", "sh"),
    ]


def test_links_inline_code_and_code_blocks_show_as_discord_markdown() -> None:
    text = MARKED.replace("`", "")
    quoted, shortened = quote(text, "Pass the --json flag, as the guide says.", 4096, marked_spans(text))
    assert not shortened
    assert quoted == (
        "**Pass the `--json` flag, as [the guide](https://example.org/guide_%28cli%29) says.** @everyone can: \n"
        "```sh\ncitebot ask --json Q\n```\nthen read <@123>."
    )


def test_only_web_links_are_links_and_markup_it_cannot_show_is_escaped_text() -> None:
    text = "See here, run `x` and *that*."
    spans = [
        Span(4, 8, "link", "javascript:alert(1)"),
        Span(14, 17, "code"),  # code holding a backtick
        Span(22, 28, "code_block"),
    ]
    quoted, _ = quote(text, "", 4096, spans)
    assert "](" not in quoted and "javascript" not in quoted
    assert "`` `x` ``" in quoted
    assert "```\n*that*\n```" in quoted  # code is code: no escapes inside the fence


def test_a_passage_with_markup_fits_and_pings_no_one() -> None:
    text = MARKED.replace("`", "") + " " + "filler " * 200 + "<@123> " + "filler " * 2000
    description, shortened = quote(text, "Pass the --json flag, as the guide says.", 4096, marked_spans(text))
    assert shortened and len(description) <= 4096
    embed = discord.Embed(title="1. Guide", description=description)
    assert accepted("**Q:** @everyone how?", [embed])
    allowed = dict(NO_PINGS.to_dict())
    payload = {"content": "**Q:** @everyone how?", "embeds": [embed.to_dict()], "allowed_mentions": allowed}
    assert message_errors(payload, creating=True) is None
    pinged = resolve(  # as if the passage were in the message's content, where mentions could ping
        f"{payload['content']} {description}",
        allowed,
        may_mention_everyone=True,
        replied_author=None,
        world=World(),
    )
    assert pinged.users == () and pinged.roles == () and not pinged.everyone
    assert "@everyone" in description and "<@123>" in description  # shown as text


def spans_in(text: str) -> st.SearchStrategy[list[Span]]:
    bound = st.integers(min_value=0, max_value=len(text))
    kinds: st.SearchStrategy[Kind] = st.sampled_from(["code", "link", "code_block"])
    targets = st.sampled_from([None, "https://example.org/a", "http://x/(z)", "ftp://x", "py", "https://" + "u" * 600])
    return st.lists(st.tuples(bound, bound, kinds, targets).map(lambda t: Span(min(t[:2]), max(t[:2]), t[2], t[3])))


@given(st.text(max_size=2000), st.data(), st.integers(min_value=1, max_value=4096))
def test_quotes_with_markup_never_exceed_their_limit(text: str, data: st.DataObject, limit: int) -> None:
    start = data.draw(st.integers(min_value=0, max_value=len(text)))
    end = data.draw(st.integers(min_value=start, max_value=len(text)))
    quoted, _ = quote(text, text[start:end], limit, data.draw(spans_in(text)))
    assert len(quoted) <= limit
