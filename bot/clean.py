"""What counts as clean text in anything Dalil stores (a customer's message, a name, an
e-mail address, a comment, an agent's reply): one rule, applied by ``clean_text``.

    clean_text(" منى\\u202e ", "name", limit=100)   # "منى": the override is removed
    clean_text("a\\x00b", "comment")              # raises UncleanText (control character)

Refused (UncleanText, which the web answers with 400):
  - lone surrogates (U+D800–DFFF, only reachable through a JSON "\\ud800" escape: SQLite
    cannot store them) and U+FFFD (what an undecodable byte became): text that was not
    valid UTF-8 is not guessed at;
  - control characters (category Cc: NUL, ESC, DEL, C1…) once the text is stripped,
    except tab and line breaks in text that may have several lines (a message, a
    comment, a reply); one-line text (a name, an address, a choice) refuses those too.
Removed:
  - the bidi embedding, override and isolate controls U+202A–U+202E and U+2066–U+2069:
    an unbalanced one reorders everything after it where the text is shown (the agents'
    console, a CSV), and phones insert them when RTL text is copied, so refusing them
    would refuse real customers;
  - in text of several lines, CR: CRLF and a lone CR become LF.
Kept: every other format character — the marks Arabic is typed with (RLM/LRM U+200E/F,
ALM U+061C) and ZWJ/ZWNJ (U+200C/D) among them: they change no other text's order, and
matching drops them anyway (kb.text.normalize).
"""
import re
import unicodedata

__all__ = ["UncleanText", "clean_text", "undecodable", "control_characters",
           "remove_bidi_controls", "BIDI_CONTROLS"]

# LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI (Unicode's "explicit directional
# formatting characters", the ones that reach beyond themselves).
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI_TABLE = dict.fromkeys(map(ord, BIDI_CONTROLS))
_LINE_BREAKS = re.compile(r"\r\n?")


class UncleanText(ValueError):
    """Text that cannot be stored; ``str()`` names the field and says why."""


def undecodable(text):
    """Return whether ``text`` holds a lone surrogate or U+FFFD: it was not UTF-8."""
    return "\ufffd" in text or any(unicodedata.category(ch) == "Cs" for ch in text)


def control_characters(text, allowed="\t\n\r"):
    """Return whether ``text`` holds a control character (Cc) other than ``allowed``."""
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text)


def remove_bidi_controls(text):
    """Return ``text`` without bidi embeddings, overrides and isolates (BIDI_CONTROLS)."""
    return text.translate(_BIDI_TABLE)


def clean_text(value, name, *, limit=None, lines=True):
    """Return ``value`` stripped, bidi controls removed (and, with ``lines``, line breaks
    made LF); None and "" give "". Raise UncleanText naming ``name`` when it is not a
    str, holds undecodable characters, or control characters within it (tab and line
    breaks are allowed only with ``lines``), or is longer than ``limit`` characters
    once cleaned."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise UncleanText(f"{name} must be text")
    if undecodable(value):
        raise UncleanText(f"{name} contains characters that could not be decoded: "
                          "send it as UTF-8 text")
    value = remove_bidi_controls(value).strip()  # a pasted name's final newline is fine
    if control_characters(value, "\t\n\r" if lines else ""):
        raise UncleanText(f"{name} contains control characters: send plain text"
                          if lines else f"{name} must be one line of plain text")
    if lines:
        value = _LINE_BREAKS.sub("\n", value)
    if limit is not None and len(value) > limit:
        raise UncleanText(f"{name} is too long ({len(value)} characters; the limit is "
                          f"{limit})")
    return value
