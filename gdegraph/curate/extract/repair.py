"""Repairing mojibake before anything is read: "Ā£5m" is "£5m", "ā€œ" is "“".

Pages copied through a wrong code page arrive with UTF-8 bytes shown as Windows
characters. ``ftfy`` repairs whole runs decoded with one code page (``Ā£`` is
the UTF-8 of "£" shown in Windows-1257). What it leaves are runs whose
characters come from two code pages at once ("ā" is Windows-1257, "€œ" Windows-
1252) or that lost a byte no Windows code page can show (the last byte of "”",
0x9D, is undefined in Windows-1252, so "ā€" is all that remains of it). Those
are decoded here character by character: each character is mapped back to its
byte in any of the Windows code pages, and the run is kept only if the bytes are
valid UTF-8 for one punctuation mark or letter (this runs before ftfy, which
would take the space after "ā€" for a no-break space and make "†"). A run of two bytes E2 80 that
stops short is the right double quote, for the reason above. Curly quotes and
apostrophes are otherwise left as they are, so quotes stay verbatim.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["repair_text"]

_CODEPAGES = ("cp1252", "cp1257", "cp1250", "latin-1")
_HIGH = "".join(sorted({bytes([b]).decode(cp, errors="ignore") for cp in _CODEPAGES[:3] for b in range(0x80, 0x100)}
                       - {""}))
_RUN = re.compile("[" + re.escape(_HIGH) + "]{2,3}")


def _byte(char: str) -> int | None:
    for cp in _CODEPAGES:
        try:
            data = char.encode(cp)
        except UnicodeEncodeError:
            continue
        if len(data) == 1:
            return data[0]
    return None


def _decode_run(match: re.Match[str]) -> str:
    run = match.group()
    data = [_byte(c) for c in run]
    if None in data:
        return run
    raw = bytes(b for b in data if b is not None)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        # E2 80 then nothing: the third byte was 0x9D, which Windows-1252 cannot show
        return "\u201d" if raw == b"\xe2\x80" else run
    if len(text) == 1 and unicodedata.category(text)[0] in "PLS":
        return text
    return run


def repair_text(text: str) -> str:
    """``text`` with mojibake repaired (mixed-code-page runs, then ftfy); line
    breaks and curly quotes are kept, so line numbers and quotes stay the article's."""
    import ftfy

    # mixed runs first: ftfy reads "ā€" + space as "†" (taking the space for 0xA0)
    mixed = _RUN.sub(_decode_run, text)
    return ftfy.fix_text(mixed, uncurl_quotes=False, fix_line_breaks=False, normalization="NFC",
                         fix_latin_ligatures=False, fix_character_width=False)
