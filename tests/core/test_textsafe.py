"""Untrusted text shown as text: control characters visible, no HTML from an analysis."""

from __future__ import annotations

from whys.core.textsafe import markdown_code, markdown_text, visible, visible_line

OSC52 = "\x1b]52;c;cm0gLXJmIH4=\x07"


def test_control_characters_are_shown_as_git_and_less_show_them() -> None:
    assert visible(f"fix {OSC52}\x1b[2J done") == "fix ^[]52;c;cm0gLXJmIH4=^G^[[2J done"
    assert visible("a\x00b\x7fc\x9bd\u202ee") == "a^@b^?c<U+009B>d<U+202E>e"
    assert visible("tab\tand\nnewline") == "tab\tand\nnewline"
    assert visible_line("one\ntwo\r") == "one^Jtwo^M"
    assert visible("plain text, café ✓") == "plain text, café ✓"


def test_markdown_text_escapes_html_and_table_pipes() -> None:
    shown = markdown_text('<img src=x onerror="alert(1)"> a|b &amp;\n\x1b[31m')
    assert shown == '&lt;img src=x onerror="alert(1)"&gt; a\\|b &amp;amp; ^[[31m'


def test_markdown_code_cannot_be_closed_early() -> None:
    assert markdown_code("docs/<b>x</b>.md") == "`docs/<b>x</b>.md`"
    assert markdown_code("a ` b") == "``a ` b``"
    assert markdown_code("`start") == "`` `start ``"
    assert markdown_code("x|y") == "`x\\|y`"
