"""Line-level Markdown facts; they live in `whys.core.document.lines` (kept importable)."""

from whys.core.document.lines import atx_heading, fenced_lines, split_lines

__all__ = ["atx_heading", "fenced_lines", "split_lines"]
