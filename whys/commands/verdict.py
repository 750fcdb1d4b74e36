"""`whys verdict SESSION (--analysis | --why N | --claim ID) (--approve | --reject |
--needs-evidence) [--note TEXT] [--auditor NAME] [--override]`: record a verdict without the
workbench, under the same rules (whys.core.verdict). `--corrected-root-cause TEXT` records
the auditor's root cause, alone or with a verdict. The session is saved before exit.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from whys.core.model_io import to_json_data
from whys.core.textsafe import visible_line
from whys.errors import BadInputError

if TYPE_CHECKING:
    from whys.core.session import SessionStore


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "verdict",
        help="record a verdict on an analysis, a why or a claim",
        description="Record a verdict in a session. An analysis cannot be approved while a "
        "why is rejected, a claim is contradicted or the timeline cannot hold, unless "
        "--override is given with a --note; reject and needs-evidence need a --note.",
    )
    parser.add_argument("session", type=Path, metavar="SESSION", help="the session file")
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--analysis", action="store_true", help="the whole analysis")
    target.add_argument("--why", metavar="N", help="a why, by its id (1, 2, 3b...)")
    target.add_argument("--claim", metavar="ID", help="a claim, by its id (c1, c2...)")
    decision = parser.add_mutually_exclusive_group()
    decision.add_argument("--approve", dest="decision", action="store_const", const="approved")
    decision.add_argument("--reject", dest="decision", action="store_const", const="rejected")
    decision.add_argument(
        "--needs-evidence", dest="decision", action="store_const", const="needs-evidence"
    )
    parser.add_argument("--note", default="", metavar="TEXT", help="the rationale")
    parser.add_argument(
        "--auditor", metavar="NAME", help="who decides (default: git's user.email, then $USER)"
    )
    parser.add_argument(
        "--override",
        action="store_true",
        help="approve despite rejected whys, contradicted claims or timeline errors (needs --note)",
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--analysis-index",
        type=int,
        metavar="I",
        help="which analysis of the session (1 = the first), when it holds several",
    )
    which.add_argument(
        "--analysis-file", metavar="PATH", help="which analysis of the session, by its path"
    )
    parser.add_argument(
        "--corrected-root-cause", metavar="TEXT", help="record the auditor's root cause"
    )
    parser.add_argument("--json", action="store_true", help="print the recorded verdict as JSON")
    parser.set_defaults(run=run)


def select_analysis(store: SessionStore, index: int | None, analysis_file: str | None) -> int:
    """0-based index of the analysis the user means; a clear error listing them otherwise."""
    analyses = store.session.analyses
    listing = "; ".join(
        f"{number}: {audit.analysis.path}" for number, audit in enumerate(analyses, start=1)
    )
    if not analyses:
        raise BadInputError(f"session {store.path} holds no analysis")
    if index is not None:
        if not 1 <= index <= len(analyses):
            raise BadInputError(f"no analysis {index} in the session ({listing})")
        return index - 1
    if analysis_file is not None:
        wanted = analysis_file.replace("\\", "/")
        resolved = str(Path(analysis_file).resolve())
        exact = [
            number
            for number, audit in enumerate(analyses)
            if audit.analysis.path in (analysis_file, resolved)
        ]
        if len(exact) == 1:
            return exact[0]
        by_suffix = [
            number
            for number, audit in enumerate(analyses)
            if audit.analysis.path.replace("\\", "/").endswith("/" + wanted.lstrip("./"))
            or audit.analysis.path == wanted
        ]
        if len(by_suffix) == 1:
            return by_suffix[0]
        problem = "matches several" if by_suffix else "matches none"
        raise BadInputError(f"--analysis-file {analysis_file} {problem} of: {listing}")
    if len(analyses) > 1:
        raise BadInputError(
            f"the session holds {len(analyses)} analyses; choose one with --analysis-index I "
            f"or --analysis-file PATH ({listing})"
        )
    return 0


def run(args: argparse.Namespace) -> int:
    from whys.core.session import SessionStore

    target = "analysis" if args.analysis else "why" if args.why else "claim" if args.claim else None
    if target is None and args.decision is not None:
        raise BadInputError("say what the verdict is on: --analysis, --why N or --claim ID")
    if target is not None and args.decision is None:
        raise BadInputError("say the decision: --approve, --reject or --needs-evidence")
    if target is None and args.corrected_root_cause is None:
        raise BadInputError(
            "nothing to record: give a target and a decision, or --corrected-root-cause TEXT"
        )
    store = SessionStore(args.session)
    index = select_analysis(store, args.analysis_index, args.analysis_file)
    path = store.session.analyses[index].analysis.path
    recorded: dict[str, object] = {"analysis": path}
    if target is not None:
        verdict = store.record_verdict(
            index,
            target,
            args.why or args.claim,
            args.decision,
            args.note,
            args.auditor,
            override=args.override,
        )
        recorded["verdict"] = to_json_data(verdict)
    if args.corrected_root_cause is not None:
        store.set_corrected_root_cause(index, args.corrected_root_cause)
        recorded["corrected_root_cause"] = store.session.analyses[index].corrected_root_cause
    if args.json:
        print(json.dumps(recorded, sort_keys=True, ensure_ascii=False))
        return 0
    if target is not None:
        what = target if target == "analysis" else f"{target} {args.why or args.claim}"
        decided = recorded["verdict"]
        assert isinstance(decided, dict)
        override = " (override)" if decided["override"] else ""
        print(
            visible_line(f"{path}: {what} {decided['decision']}{override} by {decided['auditor']}")
        )
    if args.corrected_root_cause is not None:
        print(visible_line(f"{path}: corrected root cause recorded"))
    return 0
