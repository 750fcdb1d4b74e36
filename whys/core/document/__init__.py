"""The document model: an analysis's Markdown as typed blocks, with no claims and no git.

Where a new shape goes:
- `lines.py`     line-level Markdown facts (fences, headings, line splitting);
- `blocks.py`    typed blocks (heading, paragraph, bullet, table row, label, fence) with
                 lines, depth, section and why: a new block shape is a case in `_kind_of`;
- `sections.py`  section roles from headings: a new section name is one entry;
- `fences.py`    fence classes (traceback, git log, diff, shell, config, code, output): a
                 new class of fenced content is one `FenceReader` in `READERS`;
- `labels.py`, `whys.py`  the reader's rules for why starts, labels, incident fields and
                 each why's block;
- `dates.py`     the one date parser.
Claims are read from a document in `whys.core.claims`; this package never imports it.
"""
