"""A tiny, safe Markdown renderer for question prompts, templates and feedback in the HTML report.

Hand-written rather than a Markdown library: bank text needs only paragraphs, fenced code,
lists, headings, pipe tables, ``code``, **bold** and *italic*, and a small renderer that
escapes everything first and emits only those tags adds no dependency and cannot let bank
or student text inject markup (or anything external) into the self-contained pages.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_FENCE = re.compile(r"^\s*```")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|(\d+)[.)])\s+(.*)$")
_HEADING = re.compile(r"^\s*#{1,6}\s+(.*?)\s*#*\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])")


def render_markdown(text: str | None) -> Markup:
    """A deliberately tiny, safe Markdown subset: paragraphs, fenced code, lists, headings,
    pipe tables, ``code``, **bold** and *italic*. Everything is HTML-escaped first; only
    the tags named here are ever produced, so bank or student text cannot inject markup.
    """
    if not text:
        return Markup("")
    return Markup("\n".join(_render_block(block) for block in _blocks(text.replace("\r\n", "\n"))))


def render_inline_markdown(text: str | None) -> Markup:
    """The inline part of :func:`render_markdown` (``code``, bold, italic), no paragraphs."""
    return Markup(_inline(text or ""))


def _blocks(text: str) -> list[list[str]]:
    """Split into blocks: a fenced code block (first line kept as the marker) or a run of
    non-blank lines."""
    blocks: list[list[str]] = []
    current: list[str] = []
    in_fence = False
    for line in text.split("\n"):
        if in_fence:
            current.append(line)
            if _FENCE.match(line):
                blocks.append(current)
                current, in_fence = [], False
        elif _FENCE.match(line):
            if current:
                blocks.append(current)
            current, in_fence = [line], True
        elif line.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _render_block(lines: list[str]) -> str:
    if _FENCE.match(lines[0]):
        closed = len(lines) > 1 and _FENCE.match(lines[-1])
        code = "\n".join(lines[1:-1] if closed else lines[1:])
        return f"<pre><code>{escape(code)}</code></pre>"
    heading = _HEADING.match(lines[0])
    if heading:
        rest = f"\n{_render_block(lines[1:])}" if len(lines) > 1 else ""
        return f'<p class="md-heading"><strong>{_inline(heading.group(1))}</strong></p>{rest}'
    if len(lines) >= 2 and "|" in lines[0] and _TABLE_RULE.match(lines[1]):
        return _render_table(lines)
    first_item = _LIST_ITEM.match(lines[0])
    if first_item:
        return _render_list(lines, ordered=first_item.group(1) is not None)
    return f"<p>{_inline(' '.join(line.strip() for line in lines))}</p>"


def _render_list(lines: list[str], ordered: bool) -> str:
    items: list[str] = []
    for line in lines:
        match = _LIST_ITEM.match(line)
        if match:
            items.append(match.group(2).strip())
        else:  # a continuation of the previous item
            items[-1] += " " + line.strip()
    tag = "ol" if ordered else "ul"
    body = "".join(f"<li>{_inline(item)}</li>" for item in items)
    return f"<{tag}>{body}</{tag}>"


def _render_table(lines: list[str]) -> str:
    header, rows = _table_cells(lines[0]), [_table_cells(line) for line in lines[2:]]
    head = "".join(f'<th scope="col">{_inline(cell)}</th>' for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{_inline(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table class="md-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _table_cells(line: str) -> list[str]:
    stripped = line.strip()
    stripped = stripped[1:] if stripped.startswith("|") else stripped
    stripped = stripped[:-1] if stripped.endswith("|") and not stripped.endswith("\\|") else stripped
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", stripped)]


def _inline(text: str) -> str:
    """Escape, then mark up ``code`` spans (verbatim), **bold** and *italic*."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unmatched backtick stays a literal backtick
        parts[-2:] = [parts[-2] + "`" + parts[-1]]
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(f"<code>{escape(part)}</code>")
        else:
            out.append(_ITALIC.sub(r"<em>\1</em>", _BOLD.sub(r"<strong>\1</strong>", str(escape(part)))))
    return "".join(out)
