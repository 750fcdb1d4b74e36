"""Bundled sample incidents, built into real git repositories (see `whys.samples.build`)."""

from whys.samples.build import (
    SampleError,
    build_all,
    build_case,
    case_analyses,
    case_dir,
    list_cases,
)

__all__ = ["SampleError", "build_all", "build_case", "case_analyses", "case_dir", "list_cases"]
