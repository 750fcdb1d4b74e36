"""Markdown -> Analysis: structure, whys and incident metadata, every element with its line.

Real analyses are written in a hurry and in many shapes, so the reader is a few linear
passes, not a Markdown parser: whole-text scans (in C) pick the lines that may matter, and
small anchored patterns look at those only. Nothing can be made to backtrack, so a 30 MB
file or a 100,000-character line of `*` loads in linear time.
It never raises for content; what it could not take as written goes to `warnings`.
"""

from __future__ import annotations

import hashlib
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from whys.core.claims import extract_claims
from whys.core.claims.mentions import MAX_SCAN
from whys.core.document.dates import Moment, parse_moment, parse_when
from whys.core.document.labels import (
    _ORDERED_ITEM,
    _SETEXT,
    _TABLE_DELIMITER,
    _THEMATIC_BREAK,
    _WHY_WORD,
    _clean_rest,
    _colon_key,
    _colon_label,
    _Heading,
    _list_why,
    _meta_entry,
    _revision_value,
    _section_kind,
    _split_question,
    _strip_symbols,
    _table_cells,
    _table_columns,
    _unbold,
    _why_in_heading,
    _why_in_line,
    _WhyStart,
)
from whys.core.document.lines import atx_heading, fenced_lines, split_lines
from whys.core.document.whys import (
    _build_whys,
    _table_row_why,
)
from whys.core.lazyre import lazy_compile
from whys.core.models import Analysis, Claim, IncidentWindow, Section, Why
from whys.errors import BadAnalysisError

NO_WHY_CHAIN = "no why chain found: claims are still checked"
NOT_UTF8 = "not valid UTF-8: decoded with replacement"

__all__ = [
    "MAX_ANALYSIS_BYTES",
    "MAX_CLAIMS",
    "MAX_WHYS",
    "NO_WHY_CHAIN",
    "NOT_UTF8",
    "analysis_from_bytes",
    "analysis_sha256",
    "decode_analysis",
    "parse_when",
    "read_analysis",
    "read_analysis_bytes",
    "read_analysis_text",
]


# ---------------------------------------------------------------------------------------
# Bytes -> text


def read_analysis(path: Path) -> Analysis:
    """Read an analysis file. Raises BadAnalysisError when it cannot be opened, or is not
    an analysis at all: a binary file, or one beyond the size or claim limits."""
    return analysis_from_bytes(read_analysis_bytes(path), str(path))


def read_analysis_bytes(path: Path) -> bytes:
    """The bytes of an analysis file (what `Analysis.sha256` is the digest of), read as
    `read_analysis` reads them; the same BadAnalysisError for a file that is not one."""
    path = Path(path)
    try:
        status = path.stat()
        mode = status.st_mode
        if stat.S_ISDIR(mode):
            raise BadAnalysisError(f"analysis is a directory, not a file: {path}")
        if not stat.S_ISREG(mode):
            # A pipe or a device would block or never end; only regular files are read.
            raise BadAnalysisError(f"analysis is not a regular file: {path}")
        if status.st_size > MAX_ANALYSIS_BYTES:
            raise BadAnalysisError(
                f"analysis is too large ({status.st_size / 2**20:.1f} MiB; whys reads analyses "
                f"up to {MAX_ANALYSIS_BYTES // 2**20} MiB): {path}"
            )
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        raise BadAnalysisError(f"analysis not found: {path}") from None
    except PermissionError:
        raise BadAnalysisError(f"analysis cannot be read (permission denied): {path}") from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise BadAnalysisError(f"analysis cannot be read ({reason}): {path}") from None
    except ValueError:
        raise BadAnalysisError(f"analysis path is not valid: {path!r}") from None
    if _looks_binary(raw):
        # git's rule: a NUL in the first 8,000 bytes makes a file binary. UTF-16 and UTF-32
        # text, which is full of NULs, announces itself with a byte-order mark first.
        raise BadAnalysisError(f"analysis is a binary file, not text: {path}")
    return raw


def analysis_from_bytes(raw: bytes, path: str) -> Analysis:
    """The analysis those bytes of a file at `path` hold (see `read_analysis_bytes`)."""
    text, warnings = decode_analysis(raw)
    return _read(text, path, analysis_sha256(raw), warnings)


def analysis_sha256(raw: bytes) -> str:
    """`Analysis.sha256` of a file of these bytes."""
    return hashlib.sha256(raw).hexdigest()


def _looks_binary(raw: bytes) -> bool:
    head = raw[:8000]
    return b"\0" in head and not any(head.startswith(bom) for bom, _, name in _BOMS if name)


def read_analysis_text(text: str, path: str = "<memory>") -> Analysis:
    """Read an analysis already in memory; sha256 is that of its UTF-8 encoding."""
    warnings: list[str] = []
    if "\x00" in text:
        warnings.append(_BINARY)
    sha256 = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return _read(text, path, sha256, warnings)


_BINARY = "binary content (NUL bytes): read as text, NUL shown as U+FFFD"
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8", ""),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)


def decode_analysis(raw: bytes) -> tuple[str, list[str]]:
    """Bytes to text, and what the decoding had to assume.

    A byte-order mark decides the encoding; otherwise UTF-8, and when that fails, UTF-8
    with replacement characters (said in a warning) rather than a guess at a legacy codec.
    """
    warnings: list[str] = []
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            body = raw[len(bom) :]
            try:
                text = body.decode(codec)
            except UnicodeDecodeError:
                text = body.decode(codec, "replace")
                warnings.append(f"not valid {name or 'UTF-8'}: decoded with replacement")
            break
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            text = raw.decode("utf-8", "replace")
            line = raw.count(b"\n", 0, error.start) + 1
            warnings.append(f"{NOT_UTF8} (first bad byte on line {line})")
    if "\x00" in text:
        warnings.append(_BINARY)
    return text, warnings


# ---------------------------------------------------------------------------------------
# The pass


# Whole-text scans (C speed) that name the few lines worth a closer look, so a file of
# millions of short lines costs a handful of passes in C, not Python work on every line.
# One pass finds every line that may be a heading, a setext underline, a table row or a
# label (a colon in its first 100 characters); Python then looks only at those.
_LABEL_PREFIX = r"[^\n:`(){}\[\]=/|<>]{1,60}:"  # `Incident start:`, not `def f(x):`
_LABEL_CANDIDATE = lazy_compile(_LABEL_PREFIX)
_STRUCTURE_CANDIDATE = lazy_compile(
    r"^(?: {0,3}#| {0,3}(?:=+|-+)[ \t]*\r?$|[ \t]*\||" + _LABEL_PREFIX + ")", re.M
)
_NON_ASCII = lazy_compile(r"[^\x00-\x7f]")

MAX_WHYS = 10_000
# Real analyses are tens of kilobytes with at most a few hundred claims, but a check's cost
# grows linearly, and the benchmark checks a generated 110,000-claim analysis. Past these
# limits a file is pasted data, and checking it would take many minutes and gigabytes.
MAX_ANALYSIS_BYTES = 16 * 2**20
MAX_CLAIMS = 250_000


@dataclass
class _Scan:
    """The document's lines and, per feature, the 0-based indices of candidate lines."""

    lines: list[str]
    fenced: list[bool]
    front_matter: int
    heading_lines: list[int]
    tables: list[int]
    why_lines: list[int]
    labels: dict[int, str]
    non_ascii: list[int]


def _lines_matching(text: str, pattern: re.Pattern[str]) -> list[int]:
    """0-based indices of the lines where `pattern` matches, in order, each once."""
    found: list[int] = []
    line = 0
    position = 0
    for match in pattern.finditer(text):
        start = match.start()
        line += text.count("\n", position, start)
        position = start
        if not found or found[-1] != line:
            found.append(line)
    return found


def _lines_containing(text: str, needles: tuple[str, ...]) -> list[int]:
    """0-based indices of the lines holding any of `needles` (lower case), in order."""
    lowered = text.lower()  # may change lengths, never the newlines that number lines
    positions: list[int] = []
    for needle in needles:
        position = lowered.find(needle)
        while position != -1:
            positions.append(position)
            position = lowered.find(needle, position + 1)
    positions.sort()
    found: list[int] = []
    line = 0
    previous = 0
    for position in positions:
        line += lowered.count("\n", previous, position)
        previous = position
        if not found or found[-1] != line:
            found.append(line)
    return found


def _scan(text: str) -> _Scan:
    lines = split_lines(text)
    # Without a fence marker anywhere no line is fenced: skip the per-line walk.
    has_fence = "```" in text or "~~~" in text
    fenced = fenced_lines(lines) if has_fence else [False] * len(lines)
    labels: dict[int, str] = {}  # line index -> label key
    tables: list[int] = []
    headings: list[int] = []
    for index in _lines_matching(text, _STRUCTURE_CANDIDATE):
        if index >= len(lines) or fenced[index]:
            continue
        line = lines[index]
        start = line[:4].lstrip()
        if start.startswith("#"):
            headings.append(index)
        elif index and start[:1] in ("=", "-"):
            headings.append(index - 1)  # a setext underline names the line above
        if line.lstrip().startswith("|"):
            tables.append(index)
        if _LABEL_CANDIDATE.match(line):
            key = _colon_key(line)
            if key is not None:
                labels[index] = key
    return _Scan(
        lines=lines,
        fenced=fenced,
        front_matter=_front_matter(lines),
        heading_lines=headings,
        tables=tables,
        why_lines=_lines_containing(text, ("why", "level")),
        labels=labels,
        non_ascii=[] if text.isascii() else _lines_matching(text, _NON_ASCII),
    )


def _find_headings(scan: _Scan) -> list[_Heading]:
    lines, fenced = scan.lines, scan.fenced
    headings: list[_Heading] = []
    for index in sorted(set(scan.heading_lines)):
        if index >= len(lines) or fenced[index] or index < scan.front_matter:
            continue
        heading = atx_heading(lines[index])
        if heading is None and index + 1 < len(lines) and not fenced[index + 1]:
            heading = _setext(lines[index], lines[index + 1])
        if heading is not None:
            headings.append(_Heading(index, heading[0], heading[1]))
    return headings


def _read(text: str, path: str, sha256: str, warnings: list[str]) -> Analysis:
    # Text read elsewhere with plain "utf-8" keeps its byte-order mark; it is not content.
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    if not text.strip():
        warnings.append("empty analysis: nothing to read")
    scan = _scan(text)
    lines = scan.lines
    headings = _find_headings(scan)

    title, title_index = _title(lines, headings, scan.fenced)
    incident = IncidentWindow()
    _read_metadata(scan, title, title_index, incident, warnings)

    starts = _find_whys(scan, headings)
    if len(starts) > MAX_WHYS:
        warnings.append(
            f"more than {MAX_WHYS} whys: only the first {MAX_WHYS} are read "
            f"(from line {starts[MAX_WHYS].index + 1} on, none)"
        )
        del starts[MAX_WHYS:]
    whys = _build_whys(lines, scan.fenced, headings, starts)
    if not whys:
        warnings.append(NO_WHY_CHAIN)

    sections = _find_sections(lines, scan.fenced, headings, title_index, scan.labels)
    if "problem" not in sections:
        opening = _opening_paragraph(scan, headings, title_index, starts)
        if opening is not None:
            sections["problem"] = opening
    mojibake = _mojibake(lines, scan.non_ascii)
    if mojibake:
        warnings.append(mojibake)

    return Analysis(
        path=path,
        title=title,
        sha256=sha256,
        line_count=len(lines),
        problem=sections.get("problem"),
        incident=incident,
        whys=whys,
        root_cause=sections.get("root_cause"),
        fix=sections.get("fix"),
        claims=_claims_within_limit(lines, whys, path),
        warnings=warnings + _long_lines(lines),
    )


def _claims_within_limit(lines: list[str], whys: list[Why], path: str) -> list[Claim]:
    claims = extract_claims(lines, whys, limit=MAX_CLAIMS)
    if len(claims) > MAX_CLAIMS:
        raise BadAnalysisError(
            f"analysis has more than {MAX_CLAIMS:,} claims, the most whys checks in one "
            f"analysis: {path}"
        )
    return claims


def _long_lines(lines: list[str]) -> list[str]:
    """Claims are read in the first MAX_SCAN characters of a line: say where that cut."""
    cut = [number for number, line in enumerate(lines, start=1) if len(line) > MAX_SCAN]
    if not cut:
        return []
    shown = ", ".join(str(number) for number in cut[:5]) + (", ..." if len(cut) > 5 else "")
    return [
        f"line{'s' if len(cut) > 1 else ''} {shown} longer than {MAX_SCAN:,} characters: "
        "claims past that point are not read"
    ]


def _front_matter(lines: list[str]) -> int:
    """How many leading lines are YAML front matter (`---` ... `---`)."""
    if not lines or lines[0].strip() != "---":
        return 0
    for index in range(1, min(len(lines), 200)):
        if lines[index].strip() in ("---", "..."):
            return index + 1
    return 0


def _setext(line: str, underline: str) -> tuple[int, str] | None:
    match = _SETEXT.match(underline)
    if match is None or not line.strip() or len(line) - len(line.lstrip()) > 3:
        return None
    stripped = line.strip()
    if stripped.startswith(("|", ">", "-", "*", "+", "#", "`", "~")) or _ORDERED_ITEM.match(line):
        return None
    return (1 if match.group(1)[0] == "=" else 2), stripped


def _title(lines: list[str], headings: list[_Heading], fenced: list[bool]) -> tuple[str, int]:
    """First H1, else first heading, else first non-blank line; and its index (-1: none)."""
    chosen: _Heading | None = None
    for heading in headings:
        if heading.level == 1 and _unbold(heading.text):
            chosen = heading
            break
        if chosen is None and _unbold(heading.text):
            chosen = heading
    if chosen is not None:
        return _unbold(chosen.text)[:500], chosen.index
    for index, line in enumerate(lines):
        if line.strip() and not fenced[index]:
            return _unbold(_strip_symbols(line).strip())[:500], index
    return "", -1


def _read_metadata(
    scan: _Scan,
    title: str,
    title_index: int,
    incident: IncidentWindow,
    warnings: list[str],
) -> None:
    document_date: tuple[Moment, int] | None = None
    for index in sorted(set(scan.labels) | set(scan.tables)):
        if index >= len(scan.lines) or scan.fenced[index]:
            continue
        line = scan.lines[index]
        entry = _meta_entry(line, scan.labels.get(index))
        if entry is None:
            continue
        name, value = entry
        number = index + 1
        if name == "deployed_revision":
            if incident.deployed_revision is None:
                revision = _revision_value(value)
                if revision:
                    incident.deployed_revision = revision
                    incident.sources[name] = f"analysis:{number}"
            continue
        moment = parse_moment(value)
        if moment is None:
            continue
        if name == "date":
            if document_date is None:
                document_date = (moment, number)
            continue
        if getattr(incident, name) is not None:
            continue
        setattr(incident, name, moment.value)
        incident.sources[name] = f"analysis:{number}"
        if moment.has_time and not moment.has_zone:
            label = {"start": "incident start", "end": "incident end"}.get(name, name)
            warnings.append(f"line {number}: {label} has no time zone: assumed UTC")

    title_moment = parse_moment(title) if title else None
    if title_moment is not None:
        incident.title_date = title_moment.value
        incident.sources["title_date"] = f"analysis:{title_index + 1}"
    elif document_date is not None:
        # The title carries no date, but the document's own `Date:` line says the same.
        moment, number = document_date
        incident.title_date = moment.value
        incident.sources["title_date"] = f"analysis:{number}"
        if moment.has_time and not moment.has_zone:
            warnings.append(f"line {number}: date has no time zone: assumed UTC")


def _find_whys(scan: _Scan, headings: list[_Heading]) -> list[_WhyStart]:
    lines, fenced = scan.lines, scan.fenced
    heading_at = {heading.index: heading for heading in headings}
    explicit: list[_WhyStart] = []
    listed: list[_WhyStart] = []
    tabled: list[_WhyStart] = []
    enclosing = 7
    count = len(lines)
    next_free = scan.front_matter
    for index in sorted(set(heading_at) | set(scan.tables) | set(scan.why_lines)):
        if index < next_free or index >= count or fenced[index]:
            continue
        line = lines[index]
        heading = heading_at.get(index)
        if heading is not None:
            found = _why_in_heading(heading.text)
            if found is not None:
                number, suffix, rest = found
                question, answer = _split_question(_clean_rest(rest))
                explicit.append(
                    _WhyStart(index, number, suffix, question, answer, "heading", heading.level)
                )
                if len(explicit) > MAX_WHYS:
                    break
            elif _WHY_WORD.match(_strip_symbols(heading.text)) and heading.text.rstrip(
                "*_ "
            ).endswith("?"):
                # `### Why did the cache expire?`: a why the author did not number.
                question = _unbold(_strip_symbols(heading.text))
                explicit.append(_WhyStart(index, 0, "", question, "", "heading", heading.level))
            enclosing = heading.level
            continue
        if (
            line.lstrip().startswith("|")
            and index + 1 < count
            and not fenced[index + 1]
            and "-" in lines[index + 1]
            and _TABLE_DELIMITER.match(lines[index + 1])
        ):
            columns = _table_columns(_table_cells(line))
            row_index = index + 2
            ordinal = 0
            while (
                row_index < count and not fenced[row_index] and lines[row_index].lstrip()[:1] == "|"
            ):
                if columns is not None and len(tabled) <= MAX_WHYS:
                    ordinal += 1
                    row = _table_row_why(lines[row_index], row_index, columns, ordinal, enclosing)
                    if row is not None:
                        tabled.append(row)
                row_index += 1
            next_free = row_index
            continue
        head = line[:300]
        if not ("hy" in head or "HY" in head or "evel" in head or "EVEL" in head):
            continue
        # Detection looks at the head of the line; a found why takes its whole line.
        found_line = _why_in_line(line) if _why_in_line(head) else None
        if found_line is not None:
            number, suffix, rest, _bold = found_line
            question, answer = _split_question(_clean_rest(rest))
            explicit.append(_WhyStart(index, number, suffix, question, answer, "label", enclosing))
            if len(explicit) > MAX_WHYS:
                break
        else:
            found_list = _list_why(line) if len(listed) <= MAX_WHYS and _list_why(head) else None
            if found_list is not None:
                number, content = found_list
                question, answer = _split_question(content)
                listed.append(_WhyStart(index, number, "", question, answer, "list", enclosing))
    # One style per document, most explicit first: numbered whys in a list or a table
    # inside an explicit why are that why's own material, not a second chain.
    return explicit or listed or tabled


def _find_sections(
    lines: list[str],
    fenced: list[bool],
    headings: list[_Heading],
    title_index: int,
    labels: dict[int, str],
) -> dict[str, Section]:
    """Problem, root cause and fix: a heading naming the section exactly wins over a label
    (`**Root Cause**:`), which wins over a heading that only starts with the name."""
    # kind -> (rank, first line index, end index, heading text, text on the label line)
    candidates: dict[str, tuple[int, int, int, str, str]] = {}

    def offer(kind: str, rank: int, index: int, end: int, heading: str, first: str) -> None:
        best = candidates.get(kind)
        if best is None or (rank, index) < best[:2]:
            candidates[kind] = (rank, index, end, heading, first)

    for heading, end in zip(headings, _heading_ends(headings, len(lines)), strict=True):
        if heading.index == title_index and heading.level == 1:
            continue
        found = _section_kind(heading.text)
        if found is not None:
            offer(found[0], 0 if found[1] else 2, heading.index, end, heading.text, "")
    heading_indices = {heading.index for heading in headings}
    for index, key in labels.items():
        kind = _section_kind(key)
        if kind is None or not kind[1] or index in heading_indices:
            continue
        found = _colon_label(lines[index])
        if found is None:
            continue
        _key, label, text = found
        end = index + 1
        while end < len(lines) and lines[end].strip() and not fenced[end]:
            if end in labels or end in heading_indices:
                break
            end += 1
        offer(kind[0], 1, index, end, label, text)
    return {
        kind: _section(lines, index, end, heading, first)
        for kind, (_rank, index, end, heading, first) in candidates.items()
    }


def _opening_paragraph(
    scan: _Scan, headings: list[_Heading], title_index: int, starts: list[_WhyStart]
) -> Section | None:
    """The first prose paragraph under the title, before any why or other heading: where
    analyses without a Problem heading say what went wrong."""
    limit = min(
        [start.index for start in starts[:1]]
        + [heading.index for heading in headings if heading.index > title_index][:1]
        + [len(scan.lines), 200]
    )
    lines = scan.lines
    index = max(title_index + 1, scan.front_matter)
    while index < limit:
        line = lines[index]
        prose = (
            line.strip()
            and not scan.fenced[index]
            and index not in scan.labels
            and not _THEMATIC_BREAK.match(line)
            and not line.lstrip().startswith(("|", "<", "---", "==="))
        )
        if prose:
            end = index
            while end + 1 < limit and lines[end + 1].strip() and end + 1 not in scan.labels:
                end += 1
            return Section(
                heading="",
                text="\n".join(line.strip() for line in lines[index : end + 1]),
                line=index + 1,
                end_line=end + 1,
            )
        index += 1
    return None


def _heading_ends(headings: list[_Heading], line_count: int) -> list[int]:
    """For each heading, the index of the next heading of the same or a higher level."""
    ends = [line_count] * len(headings)
    open_positions: list[int] = []
    for position, heading in enumerate(headings):
        while open_positions and headings[open_positions[-1]].level >= heading.level:
            ends[open_positions.pop()] = heading.index
        open_positions.append(position)
    return ends


def _section(lines: list[str], index: int, end: int, heading: str, first: str = "") -> Section:
    last = end - 1
    while last > index and not lines[last].strip():
        last -= 1
    body = [first] if first else []
    body.extend(lines[index + 1 : last + 1])
    return Section(
        heading=_unbold(_strip_symbols(heading)).rstrip(":").strip(),
        text="\n".join(body).strip(),
        line=index + 1,
        end_line=max(last, index) + 1,
    )


_MOJIBAKE_CODECS = ("cp1252", "mac_roman", "latin-1")


def _mojibake(lines: list[str], non_ascii: list[int]) -> str | None:
    """Text that was UTF-8 read as a legacy code page and saved again (`âœ…` for ✅): its
    quoted code will not match the repository byte for byte, so the auditor should know."""
    hits = 0
    first = 0
    codec_seen = ""
    for index in non_ascii:
        line = lines[index]
        for codec in _MOJIBAKE_CODECS:
            try:
                repaired = line.encode(codec).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            if repaired != line:
                hits += 1
                if not first:
                    first, codec_seen = index + 1, codec
                break
    if not hits:
        return None
    names = {"cp1252": "Windows-1252", "mac_roman": "Mac Roman", "latin-1": "Latin-1"}
    return (
        f"{hits} line(s) look double-encoded (UTF-8 read as {names[codec_seen]}), first on "
        f"line {first}: quoted text there may not match the repository"
    )
