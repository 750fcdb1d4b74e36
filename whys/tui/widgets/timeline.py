"""The timeline drawn as a picture: a time axis, the incident window shaded, the deployed
revision marked by name, cited commits coloured by their check status, other commits as
ticks. Zoom with + and -, pan with left and right; the list below picks a commit.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta

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
from whys.core.timeline_view import TimelineData, as_utc
from whys.tui import view
from whys.tui.widgets.pane import Pane

__all__ = ["TimelineData", "TimelinePanel", "draw_timeline"]

LIST_LIMIT = 500


def _label_format(span: timedelta, width: int) -> str:
    """Coarse labels for a wide view, hours once one label step is under two days."""
    step = span * (14 / max(width, 14))
    if span > timedelta(days=700):
        return "%Y-%m"
    if step >= timedelta(days=2):
        return "%m-%d"
    return "%m-%d %H:%M"


@dataclass(frozen=True)
class _Index:
    """Where commits sit in `data.ordered`: the cited ones (few), and any by SHA."""

    cited: list[tuple[int, CommitInfo]]
    position: dict[str, int]


_INDEXED: list[tuple[TimelineData, _Index]] = []


def _index(data: TimelineData) -> _Index:
    """Built once per scan's data (one pass), kept for the pictures drawn from it."""
    if _INDEXED and _INDEXED[0][0] is data:
        return _INDEXED[0][1]
    position = {commit.sha: number for number, commit in enumerate(data.ordered)}
    cited = sorted(
        (position[sha], data.ordered[position[sha]]) for sha in data.cited if sha in position
    )
    index = _Index(cited, position)
    _INDEXED[:] = [(data, index)]
    return index


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
        stamp = view.in_zone(moment).strftime(fmt)
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

    # Work per column and per cited commit, never per commit: a picture of 100,000 commits
    # redraws (every zoom, pan and highlighted commit) on the UI thread.
    index = _index(data)
    origin = view_start.timestamp()
    scale = (width - 1) / span.total_seconds()
    low = bisect_left(data.stamps, origin)
    high = bisect_right(data.stamps, view_end.timestamp())

    def column_of(stamp: float) -> int:
        return min(int((stamp - origin) * scale), width - 1)

    # Where each column's commits start (the column of a stamp never decreases with it).
    starts = [bisect_left(data.stamps, x, low, high, key=column_of) for x in range(width)]
    counts = [end - start for start, end in zip(starts, [*starts[1:], high], strict=True)]
    cited_marks: dict[int, str] = {}
    visible_cited: list[tuple[int, CommitInfo]] = []
    earlier = later = 0
    for position, commit in index.cited:
        if position < low:
            earlier += data.when(commit) < view_start
            continue
        if position >= high:
            later += data.when(commit) > view_end
            continue
        x = column_of(data.stamps[position])
        counts[x] -= 1
        status = data.cited_status.get(commit.sha, "unverifiable")
        previous = cited_marks.get(x)
        if previous is None or view.STATUS_ORDER[status] < view.STATUS_ORDER[previous]:
            cited_marks[x] = status
        visible_cited.append((x, commit))

    def column_of_sha(sha: str | None) -> int | None:
        position = index.position.get(sha) if sha else None
        if position is None or not low <= position < high:
            return None
        return column_of(data.stamps[position])

    deployed_x = column_of_sha(data.deployed_sha)
    selected_x = column_of_sha(selected)

    deployed_row = Text(" " * width)
    if deployed_x is not None:
        name = view.shown_line(data.deployed_name or view.short_sha(data.deployed_sha)).plain
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
            f"deployed "
            f"{view.shown_line(data.deployed_name or view.short_sha(data.deployed_sha)).plain} "
            "is out of view",
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
    notes.append(f"times {view.zone_name(view_start)}  ", style="dim")
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

    @dataclass
    class ViewChanged(Message):
        """The auditor zoomed or panned: the app keeps the view in the session."""

        start: datetime
        end: datetime

    def compose(self) -> ComposeResult:
        with Horizontal(id="timeline-inputs"):
            yield Input(
                placeholder="-S text: commits that add/remove it (enter scans)",
                id="timeline-pickaxe",
                compact=True,
            )
            yield Input(placeholder="path (optional)", id="timeline-path", compact=True)
        yield TimelinePicture(id="timeline-picture")
        yield Pane("", id="timeline-status")
        yield OptionList(id="timeline-commits")

    @property
    def picture(self) -> TimelinePicture:
        return self.query_one(TimelinePicture)

    @property
    def commit_list(self) -> OptionList:
        return self.query_one("#timeline-commits", OptionList)

    def set_status(self, text: str | Text) -> None:
        self.query_one("#timeline-status", Static).update(text)

    def fill(self, pickaxe: str, path: str) -> None:
        """The inputs as a resumed session left them."""
        self.query_one("#timeline-pickaxe", Input).value = pickaxe
        self.query_one("#timeline-path", Input).value = path

    def show(
        self,
        data: TimelineData,
        label: str,
        view_range: tuple[datetime, datetime] | None = None,
    ) -> None:
        """Draw `data`; `view_range` restores a zoom and pan (else the fitted view)."""
        picture = self.picture
        picture.data = data
        picture.view_start, picture.view_end = view_range or data.initial_view
        self._scan_label = label
        self._fill_list()

    @property
    def view_range(self) -> tuple[datetime, datetime] | None:
        picture = self.picture
        if picture.view_start is None or picture.view_end is None:
            return None
        return picture.view_start, picture.view_end

    def _view_changed(self) -> None:
        self._fill_list()
        if self.view_range is not None:
            self.post_message(self.ViewChanged(*self.view_range))

    def recolour(self, claim_status: dict[str, str]) -> None:
        """New check results for the same analysis: the cited commits take their colours
        from them; the history scanned stays."""
        picture = self.picture
        data = picture.data
        data.recolour(claim_status)
        picture.data = data
        if getattr(self, "_scan_label", None) is not None:
            self._fill_list()

    def _fill_list(self) -> None:
        picture = self.picture
        data = picture.data
        if picture.view_start is None or picture.view_end is None:
            return
        low = bisect_left(data.stamps, picture.view_start.timestamp())
        high = bisect_right(data.stamps, picture.view_end.timestamp())
        in_view = high - low
        # Newest first; a slice of the window, never a copy of all of it.
        shown = data.ordered[max(high - LIST_LIMIT, low) : high][::-1]
        shown_shas = {commit.sha for commit in shown}
        # Cited commits stay listed (after the window's ones) wherever the view is.
        shown += [
            commit
            for _position, commit in reversed(_index(data).cited)
            if commit.sha not in shown_shas
        ]
        options = []
        highlight = None
        zone = view.display_zone()
        for commit in shown:
            prompt = Text()
            if commit.sha in data.cited:
                status = data.cited_status.get(commit.sha, "unverifiable")
                prompt.append("● ", style=view.STATUS_STYLE[status])
            else:
                prompt.append("  ")  # ASCII: measuring a plain row is much cheaper
            prompt.append(f"{commit.sha[:9]} ", style="bold")
            prompt.append(
                data.when(commit).astimezone(zone).strftime("%Y-%m-%d %H:%M "), style="dim"
            )
            if commit.sha == data.deployed_sha:
                prompt.append_text(
                    view.shown_line(f"[deployed {data.deployed_name or ''}] ", "dodger_blue2")
                )
            if commit.sha in data.cited:
                prompt.append(f"[{','.join(data.cited[commit.sha])}] ", style="italic")
            prompt.append_text(view.shown_line(commit.subject))
            if commit.sha == picture.selected:
                highlight = len(options)
            options.append(Option(prompt, id=commit.sha))
        commit_list = self.commit_list
        commit_list.clear_options()
        commit_list.add_options(options)
        if highlight is not None:
            commit_list.highlighted = highlight
        more = in_view > LIST_LIMIT
        status = view.shown_line(
            f"{len(data.commits)} commits loaded ({self._scan_label}); {in_view} in view; "
            f"times {view.zone_name(picture.view_start)}"
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
        self._view_changed()

    def action_pan(self, fraction: float) -> None:
        picture = self.picture
        if picture.view_start is None or picture.view_end is None:
            return
        shift = (picture.view_end - picture.view_start) * fraction
        picture.view_start, picture.view_end = picture.view_start + shift, picture.view_end + shift
        self._view_changed()

    def action_reset_view(self) -> None:
        self.picture.view_start, self.picture.view_end = self.picture.data.initial_view
        self._view_changed()

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
