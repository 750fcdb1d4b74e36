"""The timeline drawn as a picture: a time axis, the incident window shaded, the deployed
revision marked by name, cited commits coloured by their check status, other commits as
ticks. Zoom with + and -, pan with left and right; the list below picks a commit.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from rich.text import Text
from textual import on
from textual.app import ComposeResult, RenderResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from whys.core.models import CommitInfo
from whys.tui import view

LIST_LIMIT = 500


def as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass
class TimelineData:
    """Everything the picture shows. `commits` come in any order; `ordered` and `stamps`
    (oldest first, POSIX seconds) let zoom and pan find the visible ones by bisection."""

    commits: list[CommitInfo] = field(default_factory=list)
    cited: dict[str, list[str]] = field(default_factory=dict)  # full sha -> claim ids
    cited_status: dict[str, str] = field(default_factory=dict)  # full sha -> worst status
    incident_start: datetime | None = None
    incident_end: datetime | None = None
    deployed_sha: str | None = None
    deployed_name: str | None = None

    def __post_init__(self) -> None:
        self.ordered = sorted(self.commits, key=lambda commit: self.when(commit))
        self.stamps = [self.when(commit).timestamp() for commit in self.ordered]
        self.initial_view = self.extent()

    def when(self, commit: CommitInfo) -> datetime:
        return as_utc(commit.committer_date)

    def between(self, start: datetime, end: datetime) -> list[CommitInfo]:
        """Commits in [start, end], oldest first."""
        low = bisect_left(self.stamps, start.timestamp())
        high = bisect_right(self.stamps, end.timestamp())
        return self.ordered[low:high]

    def extent(self) -> tuple[datetime, datetime]:
        """The initial view: cited commits, the incident and the deployed revision, padded;
        all commits when nothing is cited."""
        moments = [self.when(c) for c in self.ordered if c.sha in self.cited]
        moments += [as_utc(m) for m in (self.incident_start, self.incident_end) if m]
        moments += [self.when(c) for c in self.ordered if c.sha == self.deployed_sha]
        if len(moments) < 2 and self.ordered:
            moments += [self.when(self.ordered[0]), self.when(self.ordered[-1])]
        if not moments:
            now = datetime.now(UTC)
            return now - timedelta(days=7), now
        start, end = min(moments), max(moments)
        pad = max((end - start) * 0.08, timedelta(hours=6))
        return start - pad, end + pad


def _label_format(span: timedelta, width: int) -> str:
    """Coarse labels for a wide view, hours once one label step is under two days."""
    step = span * (14 / max(width, 14))
    if span > timedelta(days=700):
        return "%Y-%m"
    if step >= timedelta(days=2):
        return "%m-%d"
    return "%m-%d %H:%M"


def draw_timeline(
    data: TimelineData,
    width: int,
    view_start: datetime,
    view_end: datetime,
    selected: str | None,
) -> Text:
    width = max(width, 20)
    span = max(view_end - view_start, timedelta(minutes=1))

    def column(moment: datetime) -> int | None:
        offset = (as_utc(moment) - view_start) / span
        if offset < 0 or offset > 1:
            return None
        return min(int(offset * (width - 1)), width - 1)

    fmt = _label_format(span, width)
    labels = [" "] * width
    axis = ["─"] * width
    step = max(len(view_start.strftime(fmt)) + 3, 12)
    for x in range(0, width - step // 2, step):
        axis[x] = "┬"
        moment = view_start + span * (x / (width - 1))
        stamp = moment.strftime(fmt)
        for i, char in enumerate(stamp):
            if x + i < width:
                labels[x + i] = char

    band = Text(" " * width)
    if data.incident_start:
        start_x = column(max(as_utc(data.incident_start), view_start)) or 0
        end_moment = data.incident_end or data.incident_start
        end_clamped = min(as_utc(end_moment), view_end)
        end_x = column(end_clamped) if end_clamped >= view_start else None
        if as_utc(data.incident_start) <= view_end and end_x is not None:
            band = Text(" " * start_x)
            band.append("░" * (end_x - start_x + 1), style="on dark_red")
            band.append(" " * (width - end_x - 1))
            word = " incident "
            if end_x - start_x + 1 >= len(word):
                band = Text(" " * start_x)
                inside = end_x - start_x + 1
                band.append(word.center(inside, "░"), style="bold white on dark_red")
                band.append(" " * (width - end_x - 1))
            elif width - end_x - 1 >= len(word):
                band = band[: end_x + 1]
                band.append(word, style="bold red")
                band.append(" " * (width - len(band.plain)))
            elif start_x >= len(word):
                band = Text(" " * (start_x - len(word)))
                band.append(word, style="bold red")
                band.append("░" * (end_x - start_x + 1), style="on dark_red")
                band.append(" " * (width - end_x - 1))

    counts = [0] * width
    cited_marks: dict[int, str] = {}
    visible_cited: list[tuple[int, CommitInfo]] = []
    deployed_x: int | None = None
    selected_x: int | None = None
    origin = view_start.timestamp()
    scale = (width - 1) / span.total_seconds()
    visible = data.between(view_start, view_end)
    low = bisect_left(data.stamps, origin)
    for offset, commit in enumerate(visible):
        x = min(int((data.stamps[low + offset] - origin) * scale), width - 1)
        if commit.sha in data.cited:
            status = data.cited_status.get(commit.sha, "unverifiable")
            previous = cited_marks.get(x)
            if previous is None or view.STATUS_ORDER[status] < view.STATUS_ORDER[previous]:
                cited_marks[x] = status
            visible_cited.append((x, commit))
        else:
            counts[x] += 1
        if commit.sha == data.deployed_sha:
            deployed_x = x
        if commit.sha == selected:
            selected_x = x
    earlier = sum(1 for c in data.ordered if c.sha in data.cited and data.when(c) < view_start)
    later = sum(1 for c in data.ordered if c.sha in data.cited and data.when(c) > view_end)

    deployed_row = Text(" " * width)
    if deployed_x is not None:
        name = data.deployed_name or view.short_sha(data.deployed_sha)
        label = f"▼ deployed {name}"
        start = (
            deployed_x if deployed_x + len(label) <= width else max(deployed_x - len(label) + 1, 0)
        )
        deployed_row = Text(" " * start)
        if start == deployed_x:
            deployed_row.append("▼", style="bold dodger_blue2")
            deployed_row.append(label[1:], style="dodger_blue2")
        else:
            deployed_row.append(label[1:] + " ", style="dodger_blue2")
            deployed_row.append("▼", style="bold dodger_blue2")
        deployed_row.truncate(width)
    elif data.deployed_sha:
        deployed_row = Text(
            f"deployed {data.deployed_name or view.short_sha(data.deployed_sha)} is out of view",
            style="dim dodger_blue2",
        )

    ticks = Text()
    for x in range(width):
        if x in cited_marks:
            ticks.append("●", style=view.STATUS_STYLE[cited_marks[x]])
        elif counts[x] >= 5:
            ticks.append("┃", style="dim")
        elif counts[x]:
            ticks.append("│", style="dim")
        else:
            ticks.append(" ")

    caret = Text(" " * width)
    if selected_x is not None:
        caret = Text(" " * selected_x)
        caret.append("▲", style="bold reverse")
        tail = f" {view.short_sha(selected)}"
        caret.append(tail[: max(width - selected_x - 1, 0)], style="bold")

    label_rows = [Text(" " * width), Text(" " * width)]
    taken = [[False] * width, [False] * width]
    for x, commit in sorted(visible_cited, key=lambda item: item[0]):
        claim_ids = ",".join(data.cited[commit.sha])
        label = f"{claim_ids} {commit.sha[:7]}"
        start = min(x, max(width - len(label), 0))
        for row in (0, 1):
            end = min(start + len(label) + 1, width)
            if not any(taken[row][start:end]):
                for i in range(start, end):
                    taken[row][i] = True
                status = data.cited_status.get(commit.sha, "unverifiable")
                label_rows[row] = _overlay(label_rows[row], start, label, view.STATUS_STYLE[status])
                break

    notes = Text()
    if earlier:
        notes.append(f"◀ {earlier} cited earlier  ", style="bold")
    if later:
        notes.append(f"{later} cited later ▶  ", style="bold")
    notes.append("● ", style=view.STATUS_STYLE["verified"])
    notes.append("verified ", style="dim")
    notes.append("● ", style=view.STATUS_STYLE["contradicted"])
    notes.append("contradicted ", style="dim")
    notes.append("● ", style=view.STATUS_STYLE["unverifiable"])
    notes.append("unverifiable ", style="dim")
    notes.append("│ other commits", style="dim")
    notes.truncate(width)

    picture = Text("\n").join(
        [
            Text("".join(labels), style="bold"),
            Text("".join(axis), style="dim"),
            band,
            deployed_row,
            ticks,
            caret,
            *label_rows,
            notes,
        ]
    )
    picture.no_wrap = True
    return picture


def _overlay(row: Text, start: int, label: str, style: str) -> Text:
    plain = row.plain
    result = row[:start]
    result.append(label, style=style)
    result.append_text(row[start + len(label) :])
    assert len(result.plain) == len(plain)
    return result


class TimelinePicture(Widget):
    """Renders `data` between `view_start` and `view_end`; the panel sets all three."""

    data: reactive[TimelineData] = reactive(TimelineData, always_update=True, layout=False)
    view_start: reactive[datetime | None] = reactive(None)
    view_end: reactive[datetime | None] = reactive(None)
    selected: reactive[str | None] = reactive(None)

    def render(self) -> RenderResult:
        if self.view_start is None or self.view_end is None:
            return Text("No commits loaded yet.", style="dim")
        return draw_timeline(
            self.data, self.size.width, self.view_start, self.view_end, self.selected
        )


class TimelinePanel(Vertical):
    BINDINGS = [
        Binding(
            "s",
            "focus_pickaxe",
            "-S search",
            id="timeline.pickaxe",
            tooltip="Find the commits that added or removed a text (git log -S); enter scans",
        ),
        Binding(
            "plus,equals_sign",
            "zoom(0.5)",
            "Zoom in",
            id="timeline.zoom_in",
            tooltip="Zoom the timeline in around its centre",
        ),
        Binding(
            "minus", "zoom(2)", "Zoom out", id="timeline.zoom_out", tooltip="Zoom the timeline out"
        ),
        Binding(
            "left",
            "pan(-0.25)",
            "Pan ◀",
            id="timeline.pan_left",
            show=False,
            tooltip="Move the timeline window back in time",
        ),
        Binding(
            "right",
            "pan(0.25)",
            "Pan ▶",
            id="timeline.pan_right",
            show=False,
            tooltip="Move the timeline window forward in time",
        ),
        Binding(
            "0",
            "reset_view",
            "Fit",
            id="timeline.fit",
            show=False,
            tooltip="Fit the view to the cited commits and the incident",
        ),
    ]

    @dataclass
    class ScanRequested(Message):
        pickaxe: str
        path: str

    @dataclass
    class CommitOpened(Message):
        sha: str

    def compose(self) -> ComposeResult:
        with Horizontal(id="timeline-inputs"):
            yield Input(
                placeholder="-S text: commits that add/remove it (enter scans)",
                id="timeline-pickaxe",
                compact=True,
            )
            yield Input(placeholder="path (optional)", id="timeline-path", compact=True)
        yield TimelinePicture(id="timeline-picture")
        yield Static("", id="timeline-status")
        yield OptionList(id="timeline-commits")

    @property
    def picture(self) -> TimelinePicture:
        return self.query_one(TimelinePicture)

    @property
    def commit_list(self) -> OptionList:
        return self.query_one("#timeline-commits", OptionList)

    def set_status(self, text: str | Text) -> None:
        self.query_one("#timeline-status", Static).update(text)

    def show(self, data: TimelineData, label: str) -> None:
        picture = self.picture
        picture.data = data
        picture.view_start, picture.view_end = data.initial_view
        self._scan_label = label
        self._fill_list()

    def recolour(self, claim_status: dict[str, str]) -> None:
        """New check results for the same analysis: the cited commits take their colours
        from them; the history scanned stays."""
        picture = self.picture
        data = picture.data
        data.cited_status = {
            sha: view.worst_status(claim_status.get(claim) for claim in claim_ids) or "unverifiable"
            for sha, claim_ids in data.cited.items()
        }
        picture.data = data
        if getattr(self, "_scan_label", None) is not None:
            self._fill_list()

    def _fill_list(self) -> None:
        picture = self.picture
        data = picture.data
        if picture.view_start is None or picture.view_end is None:
            return
        in_view = data.between(picture.view_start, picture.view_end)[::-1]
        shown = in_view[:LIST_LIMIT]
        shown_shas = {commit.sha for commit in shown}
        # Cited commits stay listed (after the window's ones) wherever the view is.
        shown += [
            c for c in reversed(data.ordered) if c.sha in data.cited and c.sha not in shown_shas
        ]
        options = []
        highlight = None
        for commit in shown:
            prompt = Text()
            if commit.sha in data.cited:
                status = data.cited_status.get(commit.sha, "unverifiable")
                prompt.append("● ", style=view.STATUS_STYLE[status])
            else:
                prompt.append("  ")  # ASCII: measuring a plain row is much cheaper
            prompt.append(f"{commit.sha[:9]} ", style="bold")
            prompt.append(data.when(commit).strftime("%Y-%m-%d %H:%M "), style="dim")
            if commit.sha == data.deployed_sha:
                prompt.append(f"[deployed {data.deployed_name or ''}] ", style="dodger_blue2")
            if commit.sha in data.cited:
                prompt.append(f"[{','.join(data.cited[commit.sha])}] ", style="italic")
            prompt.append(commit.subject)
            if commit.sha == picture.selected:
                highlight = len(options)
            options.append(Option(prompt, id=commit.sha))
        commit_list = self.commit_list
        commit_list.clear_options()
        commit_list.add_options(options)
        if highlight is not None:
            commit_list.highlighted = highlight
        more = len(in_view) > LIST_LIMIT
        status = Text(
            f"{len(data.commits)} commits loaded ({self._scan_label}); {len(in_view)} in view"
        )
        if more:
            status.append(f", list shows the first {LIST_LIMIT}", style="dim")
        status.append("  +/- zoom · ←/→ pan · 0 fit · enter: commit · x: attach", style="dim")
        self.set_status(status)

    def action_focus_pickaxe(self) -> None:
        self.query_one("#timeline-pickaxe", Input).focus()

    def action_zoom(self, factor: float) -> None:
        picture = self.picture
        if picture.view_start is None or picture.view_end is None:
            return
        centre = picture.view_start + (picture.view_end - picture.view_start) / 2
        half = max((picture.view_end - picture.view_start) * factor / 2, timedelta(minutes=5))
        picture.view_start, picture.view_end = centre - half, centre + half
        self._fill_list()

    def action_pan(self, fraction: float) -> None:
        picture = self.picture
        if picture.view_start is None or picture.view_end is None:
            return
        shift = (picture.view_end - picture.view_start) * fraction
        picture.view_start, picture.view_end = picture.view_start + shift, picture.view_end + shift
        self._fill_list()

    def action_reset_view(self) -> None:
        self.picture.view_start, self.picture.view_end = self.picture.data.initial_view
        self._fill_list()

    @on(Input.Submitted)
    def _scan(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(
            self.ScanRequested(
                self.query_one("#timeline-pickaxe", Input).value,
                self.query_one("#timeline-path", Input).value.strip(),
            )
        )

    @on(OptionList.OptionHighlighted, "#timeline-commits")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.picture.selected = event.option.id

    @on(OptionList.OptionSelected, "#timeline-commits")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.CommitOpened(event.option.id))

    @property
    def selected_commit(self) -> str | None:
        """The highlighted commit, when the commit list has the focus."""
        commit_list = self.commit_list
        if not commit_list.has_focus or commit_list.highlighted_option is None:
            return None
        return commit_list.highlighted_option.id
