"""The multi-file reader: discovery, incremental reads, restarts, renames, probes, big files."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from codex_presence_gui.core import reader as reader_module
from codex_presence_gui.core import tail as tail_module
from codex_presence_gui.core.discovery import discover, resolve_codex_homes, walk_homes
from codex_presence_gui.core.jsonl import parse_timestamp
from codex_presence_gui.core.models import Activity, ActivityKind, CodexSessionSnapshot
from codex_presence_gui.core.problems import Problem
from codex_presence_gui.core.reader import CodexReader
from codex_presence_gui.core.session import EventRecorder, SessionAccumulator
from codex_presence_gui.core.tail import Identity
from tests.helpers import rollout as r
from tests.helpers.rollout import BASE, CodexHome

ERAS = Path(__file__).parents[2] / "data" / "eras"
SID = "019de1a2-0000-7000-8000-0000000000d1"


class Clock:
    """A settable clock for the reader."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def simple_session(session_id: str = SID, start: float = BASE) -> list[str]:
    """A short, complete session: one response, limits, a final answer."""
    return [
        r.session_meta(start, session_id),
        r.turn_context(start + 1),
        r.exec_call(start + 2, "c1", "cargo test"),
        r.token_count(start + 3, r.usage(1000, 0, 100), None, r.limits()),
        r.call_output(start + 4, "c1"),
        r.assistant(start + 5, "done"),
    ]


def only(snapshots: tuple[CodexSessionSnapshot, ...]) -> CodexSessionSnapshot:
    (snapshot,) = snapshots
    return snapshot


def test_homes_resolution(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Command line beats settings beats $CODEX_HOME beats ~/.codex; duplicates collapse."""
    monkeypatch.setenv("CODEX_HOME", str(tmp_path / "env"))
    assert resolve_codex_homes() == (tmp_path / "env",)
    assert resolve_codex_homes(settings_homes=["/s"]) == (Path("/s"),)
    assert resolve_codex_homes(["/a", "/b", "/a"], ["/s"]) == (Path("/a"), Path("/b"))
    monkeypatch.delenv("CODEX_HOME")
    assert resolve_codex_homes() == (Path.home() / ".codex",)


def test_discovery_walks_sessions_and_archive(codex_home: CodexHome) -> None:
    """Nested date folders and the flat archive are found; a plain file hides its .zst twin."""
    old = codex_home.write(
        "019d0000-0000-7000-8000-000000000001", ["{}"], started=BASE - 86400 * 40
    )
    archived = codex_home.write("019d0000-0000-7000-8000-000000000002", ["{}"], archived=True)
    twin = archived.with_name(archived.name + ".zst")
    twin.write_bytes(b"compressed")
    lonely_zst = archived.with_name("rollout-2026-05-04T09-00-00-lonely.jsonl.zst")
    lonely_zst.write_bytes(b"compressed")
    (codex_home.root / "sessions" / "history.jsonl").write_text("{}\n")
    (codex_home.root / "sessions" / "rollout-old.json").write_text("{}")
    found = discover([codex_home.root, codex_home.root / "missing"])
    assert {f.path for f in found.files} == {old, archived, lonely_zst}
    assert found.missing_homes == [codex_home.root / "missing"]
    assert {f.archived for f in found.files if f.path == archived} == {True}


def test_a_walk_takes_over_the_walk_before_s_entries(codex_home: CodexHome) -> None:
    """A walk lent the one before finds what a fresh walk finds: a file unchanged keeps its
    entry, one appended to keeps its path object with its new size, one removed is gone, one
    new is there, one archived since is found in the archive."""
    ids = [f"019d0000-0000-7000-8000-00000000000{n}" for n in range(4)]
    kept, grown, gone, moved = (
        codex_home.write(i, ["{}"], started=BASE - n) for n, i in enumerate(ids)
    )
    before = discover([codex_home.root])
    CodexHome.append(grown, ["{}"])
    gone.unlink()
    new = codex_home.write("019d0000-0000-7000-8000-000000000009", ["{}"], started=BASE + 9)
    archived = codex_home.root / "archived_sessions" / moved.name
    archived.parent.mkdir()
    moved.rename(archived)
    after = discover([codex_home.root], previous=before)
    assert [tuple(f) for f in after.files] == [tuple(f) for f in discover([codex_home.root]).files]
    by_path = {f.path: f for f in after.files}
    assert set(by_path) == {kept, grown, new, archived}
    was = {f.path: f for f in before.files}
    assert by_path[kept] is was[kept]
    assert next(p for p in by_path if p == grown) is next(p for p in was if p == grown)
    assert by_path[grown].stat.size == grown.stat().st_size != was[grown].stat.size
    assert by_path[archived].archived


def test_a_walk_holds_no_whole_stat_of_each_file(codex_home: CodexHome) -> None:
    """A walk keeps each file's path text and the parts of its stat that tell a change, not
    the whole ``os.stat_result`` (some 680 bytes) until the walk's end: for 20,000 old logs
    that had been 13 MB more at every walk's peak, in the window's two feeds. About 400 bytes
    a file at the peak now, 890 before."""
    import tracemalloc

    for n in range(2000):
        codex_home.write(f"019d0000-0000-7000-8000-{n:012d}", ["{}"], started=BASE - n * 3600)
    walk_homes([codex_home.root], [], [])  # what is made once (imports, caches) made now
    tracemalloc.start()
    try:
        files = walk_homes([codex_home.root], [], [])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(files) == 2000
    assert peak / len(files) < 600


def test_appends_are_read_incrementally_and_time_is_re_evaluated(codex_home: CodexHome) -> None:
    """New lines update the snapshot; with no new bytes the activity still decays to Idle."""
    path = codex_home.write(SID, simple_session()[:3])
    clock = Clock(BASE + 10)
    reader = CodexReader([codex_home.root], max_age=None, clock=clock)
    first = only(reader.refresh().snapshots)
    assert first.activity is not None
    assert first.activity.text == "Running cargo test"
    assert first.session_total_tokens is None
    CodexHome.append(path, simple_session()[3:5])
    clock.now = BASE + 20
    second = only(reader.refresh().snapshots)
    assert second.session_total_tokens == 1100
    assert second.activity is not None
    assert second.activity.kind is ActivityKind.RUNNING
    clock.now = BASE + 4 + 45  # 45 s after the output, nothing new written
    third = only(reader.refresh().snapshots)
    assert third.activity is not None
    assert third.activity.kind is ActivityKind.IDLE


def test_partial_last_line_is_read_once_complete(codex_home: CodexHome) -> None:
    """A line without its LF is not parsed until the LF arrives."""
    lines = simple_session()
    path = codex_home.write(SID, lines[:3])
    count = r.token_count(BASE + 3, r.usage(5000, 0, 10))
    with open(path, "ab") as handle:
        handle.write(count[:40].encode())
    reader = CodexReader([codex_home.root], max_age=None, clock=Clock(BASE + 10))
    assert only(reader.refresh().snapshots).session_total_tokens is None
    with open(path, "ab") as handle:
        handle.write(count[40:].encode() + b"\n")
    assert only(reader.refresh().snapshots).session_total_tokens == 5010


def test_truncated_or_replaced_file_is_read_again(codex_home: CodexHome) -> None:
    """A rewrite (migration, truncation) restarts the file: no stale totals survive."""
    path = codex_home.write(SID, simple_session())
    reader = CodexReader([codex_home.root], max_age=None, clock=Clock(BASE + 10))
    assert only(reader.refresh().snapshots).session_total_tokens == 1100
    replacement = path.with_suffix(".tmp")
    replacement.write_text(
        "\n".join([r.session_meta(BASE, SID), r.token_count(BASE + 1, r.usage(7, 0, 3))]) + "\n"
    )
    os.replace(replacement, path)
    assert only(reader.refresh().snapshots).session_total_tokens == 10
    path.write_text(r.session_meta(BASE, SID) + "\n")  # truncated in place
    assert only(reader.refresh().snapshots).session_total_tokens is None


def test_archive_rename_keeps_the_state(
    codex_home: CodexHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Archiving moves the file: the reader follows it instead of reading it again."""
    path = codex_home.write(SID, simple_session())
    reader = CodexReader([codex_home.root], max_age=None, clock=Clock(BASE + 10))
    reader.refresh()
    loads = []
    original = reader_module.load_session
    monkeypatch.setattr(
        reader_module,
        "load_session",
        lambda *args, **options: loads.append(args[1]) or original(*args, **options),
    )
    archive = codex_home.root / "archived_sessions"
    archive.mkdir()
    moved = archive / path.name
    os.rename(path, moved)
    snapshot = only(reader.refresh().snapshots)
    assert snapshot.file == moved
    assert snapshot.session_total_tokens == 1100
    assert loads == []


def test_missing_home_and_unreadable_file_are_warnings(
    codex_home: CodexHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Problems become plain-language warnings; the other files are still read."""
    good = codex_home.write(SID, simple_session())
    bad = codex_home.write(
        "019de1a2-0000-7000-8000-0000000000d2", simple_session(), started=BASE + 1
    )
    original = reader_module.load_session

    def refuse(
        session: SessionAccumulator, path: Path, size: int, **options: Any
    ) -> tuple[int, Identity]:
        if path == bad:
            raise PermissionError(13, "Permission denied")
        return original(session, path, size, **options)

    monkeypatch.setattr(reader_module, "load_session", refuse)
    result = CodexReader(
        [codex_home.root, codex_home.root / "nope"], max_age=None, clock=Clock(BASE + 10)
    ).refresh()
    assert [s.file for s in result.snapshots] == [good]
    texts = [str(w) for w in result.warnings]
    assert f"cannot read {bad}: Permission denied" in texts
    assert f"Codex folder not found: {codex_home.root / 'nope'}" in texts


def test_a_home_that_is_no_folder_is_said_to_be_one(codex_home: CodexHome, tmp_path: Path) -> None:
    """A file given as a home had been "Codex home not found", and the window waited for it;
    the result says what it is, for the window and for the dashboard built from it."""
    from codex_presence_gui.core.dashboard import build_dashboard

    a_file = tmp_path / "codex.txt"
    a_file.write_text("")
    missing = tmp_path / "nope"
    homes = [codex_home.root, a_file, missing]
    result = CodexReader(homes, max_age=None, clock=Clock(BASE + 10)).refresh()
    assert result.missing_homes == (a_file, missing)
    assert result.not_folders == ((a_file, "a file"),)
    assert [str(w) for w in result.warnings] == [
        f"Codex folder {a_file} is a file, not a folder",
        f"Codex folder not found: {missing}",
    ]
    assert build_dashboard(result).not_folders == ((a_file, "a file"),)


def test_old_files_are_skipped_but_probed_for_limits(codex_home: CodexHome) -> None:
    """Without --all only recent files are read, yet limits come from the newest old file."""
    day = 86400
    for session_id, age in (
        ("019d0000-0000-7000-8000-0000000000a1", 3 * day),
        ("019d0000-0000-7000-8000-0000000000a2", 5 * day),
    ):
        start = BASE - age
        codex_home.write(session_id, simple_session(session_id, start), started=start, mtime=start)
    recent = [r.session_meta(BASE - 10, SID), r.turn_context(BASE - 9)]
    codex_home.write(SID, recent, mtime=BASE - 9)
    result = CodexReader([codex_home.root], clock=Clock(BASE)).refresh()
    ids = {s.session_id for s in result.snapshots}
    assert ids == {SID, "019d0000-0000-7000-8000-0000000000a1"}
    probe = next(s for s in result.snapshots if s.session_id != SID)
    assert probe.limits is not None


def test_a_recent_model_reading_alone_still_probes_for_the_accounts(
    codex_home: CodexHome,
) -> None:
    """A turn on Spark logs only its model's bucket: with no recent reading of the account's
    limits, they still come from the newest old file that has them (not from an older file
    that has only a model's), and the model's reading is not taken for the account's."""
    day = 86400
    for session_id, age, limit_id in (
        ("019d0000-0000-7000-8000-0000000000a1", 2 * day, "codex_bengalfox"),
        ("019d0000-0000-7000-8000-0000000000a2", 3 * day, "codex"),
    ):
        start = BASE - age
        lines = [
            r.session_meta(start, session_id),
            r.token_count(start + 5, r.usage(1000), None, r.limits(limit_id=limit_id)),
        ]
        codex_home.write(session_id, lines, started=start, mtime=start + 5)
    spark = r.limits((55.0, 300, int(BASE + 1200)), None, limit_id="codex_bengalfox")
    recent = [r.session_meta(BASE - 60, SID), r.token_count(BASE - 30, r.usage(1000), None, spark)]
    codex_home.write(SID, recent, started=BASE - 60, mtime=BASE - 30)
    from codex_presence_gui.core.dashboard import build_dashboard

    result = CodexReader([codex_home.root], clock=Clock(BASE)).refresh()
    board = build_dashboard(result)
    assert board.limits is not None
    assert board.limits.limit_id == "codex"
    assert [bucket.limit_id for bucket in board.other_limits] == ["codex_bengalfox"]
    assert board.other_limits[0].windows[0].used_percent == 55.0


def test_resumed_session_in_an_old_date_folder_is_recent(codex_home: CodexHome) -> None:
    """Resume appends to the original file in its old folder: mtime, not the folder, counts."""
    old_start = BASE - 30 * 86400
    path = codex_home.write(SID, simple_session(SID, old_start), started=old_start)
    CodexHome.append(path, [r.event(BASE - 5, "user_message", message="again")], mtime=BASE - 5)
    result = CodexReader([codex_home.root], clock=Clock(BASE)).refresh()
    snapshot = only(result.snapshots)
    assert snapshot.activity is not None
    assert snapshot.activity.kind is ActivityKind.THINKING


def test_compressed_archive_is_read(codex_home: CodexHome) -> None:
    """A .jsonl.zst rollout gives the same snapshot as its plain form."""
    zstandard = pytest.importorskip("zstandard")
    path = codex_home.write(SID, simple_session(), archived=True)
    compressed = path.with_name(path.name + ".zst")
    compressed.write_bytes(zstandard.ZstdCompressor(level=3).compress(path.read_bytes()))
    path.unlink()
    snapshot = only(
        CodexReader([codex_home.root], max_age=None, clock=Clock(BASE + 9)).refresh().snapshots
    )
    assert snapshot.file == compressed
    assert snapshot.session_total_tokens == 1100


def test_corrupt_compressed_file_is_a_warning(codex_home: CodexHome) -> None:
    """A damaged .zst is reported, not fatal."""
    pytest.importorskip("zstandard")
    archive = codex_home.root / "archived_sessions"
    archive.mkdir()
    broken = archive / f"rollout-2026-05-04T09-00-00-{SID}.jsonl.zst"
    broken.write_bytes(b"not zstd at all")
    result = CodexReader([codex_home.root], max_age=None, clock=Clock(BASE)).refresh()
    assert result.snapshots == ()
    assert any(str(w).startswith(f"cannot read {broken}") for w in result.warnings)


def test_huge_lines_are_skipped_without_loading_them(codex_home: CodexHome) -> None:
    """A 17 MB tool output (over the decode cap) is classified from its ends; totals hold."""
    lines = simple_session()
    big_output = r.call_output(BASE + 4, "c1", "x" * (17 * 1024 * 1024))
    codex_home.write(SID, [*lines[:4], big_output, lines[5]])
    reader = CodexReader([codex_home.root], max_age=None, clock=Clock(BASE + 10))
    snapshot = only(reader.refresh().snapshots)
    assert snapshot.session_total_tokens == 1100
    assert snapshot.pending_calls == 0
    assert (snapshot.bad_lines, snapshot.skipped_long_lines) == (0, 0)


def fields(snapshot: CodexSessionSnapshot) -> dict[str, object]:
    """What a backward load must get exactly right."""
    return {
        "total": snapshot.session_total_tokens,
        "last": snapshot.last_turn_tokens,
        "delta": snapshot.session_delta_tokens,
        "tokens": snapshot.tokens,
        "model": snapshot.model,
        "limits": snapshot.limits,
        "activity": snapshot.activity,
        "pending": snapshot.pending_calls,
        "context": snapshot.context,
        "started": snapshot.started_at,
        "id": snapshot.session_id,
        "last_token_event_at": snapshot.last_token_event_at,
    }


def forward_snapshot(path: Path, now: float) -> CodexSessionSnapshot:
    """A plain forward parse of every complete line."""
    session = SessionAccumulator(path)
    data = path.read_bytes()
    for line in data.split(b"\n")[:-1]:
        line = line.removesuffix(b"\r")
        if line:
            session.line(line)
    return session.snapshot(now)


@pytest.mark.parametrize("fixture", sorted(p.stem for p in ERAS.glob("*.jsonl")))
def test_backward_load_equals_a_forward_parse(fixture: str, tmp_path: Path) -> None:
    """With big filler history in front, the bounded backward scan still gets the state right."""
    lines = (ERAS / f"{fixture}.jsonl").read_bytes().split(b"\n")
    headers = 2 if b'"session_meta"' in lines[1][:200] else 1
    filler = [r.call_output(1e9, f"old{i}", "z" * 200_000).encode() for i in range(3)] + [
        r.token_count(1e9, r.usage(10, 0, 1)).encode()
    ]
    body = [*lines[:headers], *filler, *lines[headers:]]
    path = tmp_path / "sessions" / f"rollout-2026-05-04T09-00-00-{SID}.jsonl"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\n".join(body))
    now = parse_timestamp(json.loads((ERAS / f"{fixture}.expected.json").read_text())["now"])
    assert now is not None
    backward = only(CodexReader([tmp_path], max_age=None, clock=lambda: now).refresh().snapshots)
    expected = forward_snapshot(path, now)
    assert fields(backward) == fields(expected)


@pytest.mark.parametrize("fixture", sorted(p.stem for p in ERAS.glob("*.jsonl")))
@pytest.mark.parametrize("recording", [False, True])
@pytest.mark.parametrize("block", [None, 16 * 1024])
def test_a_small_file_read_whole_equals_the_backward_scan(
    fixture: str,
    recording: bool,
    block: int | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Small files are read forward in one go; the backward scan (forced by a whole-read size
    of 0) gives the same snapshot, the same tail position and the same identity, and the
    file then follows appends the same way. A recorder the scan calls whole holds the same
    events. With small blocks, the scan often has what it needs in the middle of the block
    that reaches the file's start (the head of a fork must still be read for its base)."""
    source = ERAS / f"{fixture}.jsonl"
    path = tmp_path / "sessions" / f"rollout-2026-05-04T09-00-00-{SID}.jsonl"
    path.parent.mkdir(parents=True)
    # An unfinished last line, to be read once its LF comes.
    path.write_bytes(source.read_bytes() + b'{"timestamp":"2026-05-04T09:')
    now = parse_timestamp(json.loads((ERAS / f"{fixture}.expected.json").read_text())["now"])
    assert now is not None
    days = 3650.0 if recording else None

    def read(whole: bool) -> tuple[object, ...]:
        if not whole:
            monkeypatch.setattr(reader_module, "ONE_READ_BYTES", 0)
            monkeypatch.setattr(reader_module, "SMALL_FILE_BYTES", 0)
            if block is not None:
                monkeypatch.setattr(reader_module, "RECORD_WHOLE_BYTES", 0)
                monkeypatch.setattr(tail_module, "FIRST_BACKWARD_BLOCK_BYTES", block)
        reader = CodexReader([tmp_path], max_age=None, clock=lambda: now, record_days=days)
        snapshot = only(reader.refresh().snapshots)
        (tracked,) = reader._tracked.values()
        recorded = [
            (recorder.usage_events, recorder.readings) for _, recorder in reader.recorded().values()
        ]
        monkeypatch.undo()
        return fields(snapshot), tracked.tail.offset, tracked.tail.identity, recorded

    forward, backward = read(whole=True), read(whole=False)
    assert forward[:3] == backward[:3]
    assert forward[1] == source.read_bytes().rfind(b"\n") + 1
    if backward[3] or block is None:  # else: the scan stopped short, and says so
        assert backward[3] == forward[3]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(
    fixture=st.sampled_from(sorted(p.stem for p in ERAS.glob("*.jsonl"))),
    first_block=st.integers(256, 96 * 1024),
    whole_floor=st.sampled_from([0, 8 * 1024, 64 * 1024]),
)
def test_a_backward_scan_from_any_block_size_agrees_with_a_whole_read(
    tmp_path_factory: pytest.TempPathFactory, fixture: str, first_block: int, whole_floor: int
) -> None:
    """Wherever the scan's blocks fall, and wherever it has what it needs, the snapshot is the
    whole read's, and a recorder it calls whole holds the whole read's events."""
    home = tmp_path_factory.mktemp("home")
    path = home / "sessions" / f"rollout-2026-05-04T09-00-00-{SID}.jsonl"
    path.parent.mkdir(parents=True)
    shutil.copyfile(ERAS / f"{fixture}.jsonl", path)
    now = parse_timestamp(json.loads((ERAS / f"{fixture}.expected.json").read_text())["now"])
    assert now is not None

    def read() -> tuple[dict[str, object], list[object]]:
        reader = CodexReader([home], max_age=None, clock=lambda: now, record_days=3650.0)
        snapshot = only(reader.refresh().snapshots)
        recorded = [(rec.usage_events, rec.readings) for _, rec in reader.recorded().values()]
        return fields(snapshot), recorded

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reader_module, "ONE_READ_BYTES", 1 << 30)  # every fixture in one read
        whole = read()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reader_module, "ONE_READ_BYTES", 0)
        patch.setattr(reader_module, "RECORD_WHOLE_BYTES", whole_floor)
        patch.setattr(tail_module, "FIRST_BACKWARD_BLOCK_BYTES", first_block)
        backward = read()
    assert backward[0] == whole[0]
    if backward[1]:  # else the scan stopped short of the start, and said so
        assert backward[1] == whole[1]


#: What a turn's lines may be, for the scan's unclassified calls: commands of each kind
#: (reading, editing, running), a patch, a question to the user, outputs (of the call
#: before, or of none), commentary, a final answer, a turn's start.
_STEPS = st.sampled_from(
    [
        ("exec", "cat src/app.py"),
        ("exec", "sed -i s/a/b/ src/app.py"),
        ("exec", "cargo test -q"),
        ("exec", "rg TODO src"),
        ("patch", "*** Begin Patch\n*** Update File: src/lib.rs\n@@\n-a\n+b\n*** End Patch"),
        ("ask", ""),
        ("output", ""),
        ("stray_output", ""),
        ("commentary", "looking"),
        ("final", "done"),
        ("turn", ""),
    ]
)


def _turns_file(path: Path, steps: list[tuple[str, str]], start: float) -> float:
    """A log of ``steps`` one second apart after a header, a turn context and a reading;
    the time of its last line."""
    lines = [r.session_meta(start, SID), r.turn_context(start)]
    lines.append(r.token_count(start + 0.5, r.usage(100, 0, 10), r.usage(100, 0, 10)))
    at = start + 1
    call = 0
    for kind, text in steps:
        if kind == "exec":
            call += 1
            lines.append(r.exec_call(at, f"c{call}", text))
        elif kind == "patch":
            call += 1
            lines.append(
                r.item(at, "custom_tool_call", name="apply_patch", input=text, call_id=f"c{call}")
            )
        elif kind == "ask":
            call += 1
            lines.append(
                r.item(
                    at,
                    "function_call",
                    name="request_user_input",
                    arguments="{}",
                    call_id=f"c{call}",
                )
            )
        elif kind == "output":
            lines.append(r.call_output(at, f"c{call}"))
        elif kind == "stray_output":
            lines.append(r.call_output(at, "none"))
        elif kind == "commentary":
            lines.append(r.assistant(at, text, phase="commentary"))
        elif kind == "final":
            lines.append(r.assistant(at, text))
        else:
            lines.append(r.event(at, "task_started", turn_id=f"t{at}"))
        at += 1
    lines.append(r.token_count(at, r.usage(200, 0, 20), r.usage(100, 0, 10)))
    path.write_bytes("\n".join(lines).encode() + b"\n")
    return at


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=80)
@given(steps=st.lists(_STEPS, max_size=30), after=st.sampled_from([0.0, 10.0, 44.0, 46.0, 3600.0]))
def test_a_backward_scan_classifies_only_the_last_call_and_agrees(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[str, str]], after: float
) -> None:
    """The backward scan works out only the last tool call's command (each call marks the
    activity anew, so only the last can stand), the older ones taken as working with no
    target: the activity, its target and the pending calls are a forward parse's, at any time
    after the last line (working kinds decay to Idle after 45 s)."""
    home = tmp_path_factory.mktemp("home")
    path = home / "sessions" / "2026" / "05" / "04" / f"rollout-2026-05-04T09-00-00-{SID}.jsonl"
    path.parent.mkdir(parents=True)
    now = _turns_file(path, steps, BASE) + after
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reader_module, "ONE_READ_BYTES", 0)
        patch.setattr(reader_module, "SMALL_FILE_BYTES", 0)
        reader = CodexReader([home], max_age=None, clock=lambda: now)
        backward = only(reader.refresh().snapshots)
    assert fields(backward) == fields(forward_snapshot(path, now))


def test_the_older_calls_of_a_backward_scan_are_not_classified(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long turn's older commands are not split into words: only the last one is (it had
    been a third of the first read of a turn of 200,000 lines)."""
    from codex_presence_gui.core import activity

    path = tmp_path / "sessions" / "2026" / "05" / "04" / f"rollout-2026-05-04T09-00-00-{SID}.jsonl"
    path.parent.mkdir(parents=True)
    steps = [step for n in range(50) for step in (("exec", f"cat f{n}.py"), ("output", ""))]
    now = _turns_file(path, [*steps, ("exec", "cat last.py")], BASE) + 5
    classified: list[object] = []
    classify = activity.classify_command
    monkeypatch.setattr(activity, "classify_command", lambda c: classified.append(c) or classify(c))
    monkeypatch.setattr(reader_module, "ONE_READ_BYTES", 0)
    monkeypatch.setattr(reader_module, "SMALL_FILE_BYTES", 0)
    snapshot = only(CodexReader([tmp_path], max_age=None, clock=lambda: now).refresh().snapshots)
    assert snapshot.activity is not None
    assert snapshot.activity.text == "Reading last.py"
    assert classified == ["cat last.py"]


#: A single turn's lines, for the scan's settled counts: usage readings (a new total, the same
#: again, a drop, a synthetic fill, none), of a bucket (the account's, a model's, one that
#: names none, one without a window, no limits), with or without the context window and the
#: last response, at a time that goes on, stays, goes back or lies in the future; calls,
#: outputs and ``token_usage_record`` lines between.
_COUNT_STEPS = st.one_of(
    st.tuples(
        st.just("count"),
        st.sampled_from(["new", "same", "drop", "synthetic", "none"]),
        st.sampled_from(["codex", "codex_bengalfox", "", "no window", None]),
        st.booleans(),  # the context window given
        st.booleans(),  # the last response given
        st.sampled_from([1.0, 1.0, 1.0, 0.0, -30.0, 10_000.0]),
    ),
    # A call, the output of the call so many back (2: of none), a commentary, a turn's start,
    # a ``token_usage_record`` without the thread's total (before ≈0.15x) or with it (a new
    # total, the same, a drop: 0, 1, 2), at a time that goes on, stays or goes back.
    st.tuples(
        st.sampled_from(
            ["exec", "output", "output", "commentary", "turn", "usage_record", "thread_record"]
        ),
        st.integers(0, 2),
        st.sampled_from([1.0, 1.0, 0.0, -30.0]),
    ),
)


def _single_turn(path: Path, steps: list[tuple[Any, ...]], start: float) -> float:
    """A log of one turn: a header, the turn's context, then ``steps`` (see ``_COUNT_STEPS``)
    after a first reading; the time of its last line."""
    lines = [r.session_meta(start, SID), r.turn_context(start)]
    lines.append(r.token_count(start + 0.5, r.usage(100, 0, 10), r.usage(100, 0, 10), r.limits()))
    at, total, call = start + 1, 110, 0
    for step in steps:
        if step[0] == "exec":
            call += 1
            lines.append(r.exec_call(at + step[2], f"c{call}", "cargo test"))
        elif step[0] == "output":
            lines.append(r.call_output(at + step[2], f"c{call - step[1]}"))
        elif step[0] == "commentary":
            lines.append(r.assistant(at + step[2], "looking", phase="commentary"))
        elif step[0] == "turn":
            lines.append(r.event(at + step[2], "task_started", turn_id=f"t{at}"))
        elif step[0] == "usage_record":
            payload = {"usage": r.usage(7, 0, 3), "thread_token_usage": None}
            lines.append(r.envelope(at, "token_usage_record", payload))
        elif step[0] == "thread_record":
            total = (total + 10, total, 40)[step[1]]
            payload = {"usage": r.usage(7, 0, 3), "thread_token_usage": r.usage(total - 10, 0, 10)}
            lines.append(r.envelope(at + step[2], "token_usage_record", payload))
        else:
            _, change, bucket, window, last, moved = step
            if change == "new":
                total += 50
            elif change == "drop":
                total = 40
            usage: dict[str, int] | None = r.usage(total - 10, 0, 10)
            if change == "synthetic":
                usage = {**r.usage(0), "total_tokens": 300_000}
            elif change == "none":
                usage = None
            if bucket is None:
                limits = None
            elif bucket == "no window":  # no reading: an older one of its bucket stands
                limits = r.limits(None, None)
            elif bucket:
                limits = r.limits((float(total % 97), 300, None), None, limit_id=bucket)
            else:  # named by none: the account's
                limits = r.limits((float(total % 89), 300, None), None)
                limits["limit_id"] = ""
            reading = r.token_count(
                at + moved if moved < 1000 else start + 10_000,
                usage,
                r.usage(50, 0, 5) if last else None,
                limits,
                window=258_400 if window else 0,
            )
            if not last and usage is not None:  # the helper gives the total for a missing last
                reading = reading.replace(',"last_token_usage":' + r.dumps(usage), "", 1)
            if not window:
                reading = reading.replace(',"model_context_window":0', "", 1)
            lines.append(reading)
        at += 1
    path.write_bytes("\n".join(lines).encode() + b"\n")
    return at


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=300)
@given(
    steps=st.lists(_COUNT_STEPS, max_size=30),
    after=st.sampled_from([0.0, 50.0]),
    recording=st.booleans(),
)
# A model's bucket read first at the total before it: its reading added nothing (the count
# before it must be decoded to tell, though its bucket has a newer reading).
@example(
    steps=[
        ("count", "new", "codex", True, True, 1.0),
        ("count", "same", "codex_bengalfox", True, True, 1.0),
        ("count", "new", "codex", True, True, 1.0),
    ],
    after=0.0,
    recording=False,
)
# Codex's usage written twice: the later added nothing (the first must be decoded to tell).
@example(
    steps=[("count", "new", "codex", True, True, 1.0), ("count", "same", "codex", True, True, 1.0)],
    after=0.0,
    recording=False,
)
# A reading without a window after one of the same usage: the older one stands.
@example(
    steps=[
        ("count", "new", "codex", True, True, 1.0),
        ("count", "new", "codex", True, True, 1.0),
        ("count", "same", "no window", True, True, 1.0),
    ],
    after=0.0,
    recording=False,
)
def test_a_single_turn_scanned_with_its_older_counts_passed_over_agrees(
    tmp_path_factory: pytest.TempPathFactory,
    steps: list[tuple[Any, ...]],
    after: float,
    recording: bool,
) -> None:
    """A single turn has no boundary for the backward scan to stop at: it reads to its budget,
    and passes over the older ``token_count`` lines once the newer ones settled what they
    could say. The snapshot is a forward parse's all the same (totals, "this update", context,
    every bucket's reading and whether it added usage, the times, activity, pending calls),
    whatever the totals did, whichever buckets the readings named, and whenever a line was
    stamped; a recorder the scan may read whole (the history takes it) still holds every
    usage and reading."""
    home = tmp_path_factory.mktemp("home")
    path = home / "sessions" / "2026" / "05" / "04" / f"rollout-2026-05-04T09-00-00-{SID}.jsonl"
    path.parent.mkdir(parents=True)
    now = _single_turn(path, steps, BASE) + after
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reader_module, "ONE_READ_BYTES", 0)
        patch.setattr(reader_module, "SMALL_FILE_BYTES", 0)
        patch.setattr(reader_module, "RECORD_WHOLE_BYTES", 0)
        reader = CodexReader(
            [home], max_age=None, clock=lambda: now, record_days=3650.0 if recording else None
        )
        backward = only(reader.refresh().snapshots)
        recorded = reader.recorded()
    session = SessionAccumulator(path, lambda: now)  # a forward parse, at the same clock
    session.recorder = EventRecorder(now - 3650 * 86400, merges=False)
    for line in path.read_bytes().split(b"\n")[:-1]:
        session.line(line)
    expected = session.snapshot(now)
    assert fields(backward) == fields(expected)
    # Each bucket's reading with what its line said (whether it added usage: not in ``==``).
    assert [tuple(bucket) for bucket in backward.limit_buckets] == [
        tuple(bucket) for bucket in expected.limit_buckets
    ]
    assert (backward.last_activity_at, backward.bad_lines) == (
        expected.last_activity_at,
        expected.bad_lines,
    )
    if recorded:  # (not when the scan stopped at a turn's start before the file's)
        ((_, recorder),) = recorded.values()
        assert (recorder.usage_events, recorder.readings) == (
            session.recorder.usage_events,
            session.recorder.readings,
        )


def test_a_single_turn_decodes_only_its_last_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A single turn's backward scan goes to its budget in search of the turn's start, but
    decodes only the lines that can still change the fold: the last two totals (decoding
    every one had been half of the first read of a turn of 200,000 lines), the last call and
    what came after it (the older calls and outputs had been most of the rest)."""
    from codex_presence_gui.core import jsonl

    path = tmp_path / "sessions" / "2026" / "05" / "04" / f"rollout-2026-05-04T09-00-00-{SID}.jsonl"
    path.parent.mkdir(parents=True)
    reading = ("count", "new", "codex", True, True, 1.0)
    steps = [step for _ in range(100) for step in (("exec", 0, 1.0), ("output", 0, 1.0), reading)]
    now = _single_turn(path, steps, BASE) + 5
    decoded: list[object] = []
    decode = jsonl._token_count_line
    monkeypatch.setattr(
        jsonl, "_token_count_line", lambda *args: decoded.append(args) or decode(*args)
    )
    parsed: list[bytes] = []
    parse = reader_module.parse_line
    monkeypatch.setattr(
        reader_module, "parse_line", lambda line, **kw: parsed.append(line) or parse(line, **kw)
    )
    monkeypatch.setattr(reader_module, "ONE_READ_BYTES", 0)
    monkeypatch.setattr(reader_module, "SMALL_FILE_BYTES", 0)
    snapshot = only(CodexReader([tmp_path], max_age=None, clock=lambda: now).refresh().snapshots)
    assert (snapshot.session_total_tokens, snapshot.session_delta_tokens) == (110 + 100 * 50, 50)
    assert (snapshot.activity, snapshot.pending_calls) == (
        Activity(ActivityKind.RUNNING, "cargo test"),
        0,
    )
    assert len(decoded) == 2
    # The last reading, its output and call, the reading before them, the turn's context at
    # the start: 5 of 302 lines.
    assert len(parsed) == 5


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40)
@given(
    fixture=st.sampled_from(sorted(p.stem for p in ERAS.glob("*.jsonl"))),
    cuts=st.lists(st.integers(0, 20_000), max_size=8),
)
def test_appending_in_any_chunks_equals_a_one_shot_read(
    tmp_path: Path, fixture: str, cuts: list[int]
) -> None:
    """Writing a log in random pieces, refreshing after each, ends where a single read does."""
    data = (ERAS / f"{fixture}.jsonl").read_bytes()
    home = tmp_path / f"home-{fixture}-{len(cuts)}-{sum(cuts)}"
    folder = home / "sessions" / "2026" / "05" / "04"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"rollout-2026-05-04T09-00-00-{SID}.jsonl"
    path.write_bytes(b"")
    # The fixture's own clock: a fixed one could fall before a fixture's lines, which the
    # reader then distrusts as written in the future while the forward parse (wall clock)
    # does not.
    now = parse_timestamp(json.loads((ERAS / f"{fixture}.expected.json").read_text())["now"])
    assert now is not None
    incremental = CodexReader([home], max_age=None, clock=lambda: now)
    written = 0
    for cut in [*sorted(min(c, len(data)) for c in cuts), len(data)]:
        with open(path, "ab") as handle:
            handle.write(data[written:cut])
        written = max(written, cut)
        incremental.refresh()
    final = only(incremental.refresh().snapshots)
    assert fields(final) == fields(forward_snapshot(path, now))
    assert final.bad_lines == forward_snapshot(path, now).bad_lines
    shutil.rmtree(home)


def test_usage_further_back_than_the_scan_budget_is_still_found(
    codex_home: CodexHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More tool output after the last reply than the backward scan may read (64 MB; here
    64 KiB): the file is read forward instead, and its usage, model and limits are there."""
    monkeypatch.setattr(reader_module, "BACKWARD_BUDGET_BYTES", 64 * 1024)
    lines = [
        r.session_meta(BASE, "019d0000-0000-7000-8000-00000000f001"),
        r.turn_context(BASE + 1, model="gpt-5.5"),
        r.token_count(BASE + 2, r.usage(5000, 1000, 50), r.usage(5000, 1000, 50), r.limits()),
    ]
    lines += [r.call_output(BASE + 3 + n, f"c{n}", "y" * 40_000) for n in range(4)]
    codex_home.write("019d0000-0000-7000-8000-00000000f001", lines)
    (snapshot,) = (
        CodexReader([codex_home.root], max_age=None, clock=lambda: BASE + 60).refresh().snapshots
    )
    assert snapshot.session_total_tokens == 5050
    assert snapshot.model == "gpt-5.5"
    assert snapshot.limits is not None


def test_a_turn_longer_than_the_scan_budget_still_names_its_model(
    codex_home: CodexHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One turn longer than the backward scan may read (64 MB; here 64 KiB), usage near its
    end: the scan never reached the turn's context, and the window and `status` said "model
    not logged yet". The last line naming the model before the scan's reach is found by its
    bytes; the older turn's model, and the type quoted in a tool's output, are not taken."""
    monkeypatch.setattr(reader_module, "BACKWARD_BUDGET_BYTES", 64 * 1024)
    sid = "019d0000-0000-7000-8000-00000000f003"
    lines = [
        r.session_meta(BASE, sid),
        r.turn_context(BASE + 1, model="gpt-5.4"),
        r.token_count(BASE + 2, r.usage(1000, 0, 10), r.usage(1000, 0, 10), r.limits()),
        r.turn_context(BASE + 3, model="gpt-5.5"),  # the long turn's, after /model
    ]
    quoted = 'cat log: {"type":"turn_context","payload":{"model":"gpt-4o"}}'  # escaped in JSON
    lines += [r.call_output(BASE + 4 + n, f"c{n}", quoted + "y" * 20_000) for n in range(6)]
    # The type's bytes unescaped, far into a line: an object within its payload.
    nested = {"type": "message", "text": "x" * 300, "meta": {"type": "turn_context"}}
    lines.append(r.envelope(BASE + 10, "response_item", nested))
    lines.append(r.token_count(BASE + 20, r.usage(5000, 0, 50), r.usage(4000, 0, 40), r.limits()))
    lines += [r.call_output(BASE + 21 + n, f"d{n}", "z" * 20_000) for n in range(4)]
    lines.append(r.token_count(BASE + 30, r.usage(9000, 0, 90), r.usage(4000, 0, 40), r.limits()))
    path = codex_home.write(sid, lines)
    assert path.stat().st_size > 2 * 64 * 1024  # the scan stops well after the context
    (snapshot,) = (
        CodexReader([codex_home.root], max_age=None, clock=lambda: BASE + 60).refresh().snapshots
    )
    assert snapshot.session_total_tokens == 9090
    assert snapshot.model == "gpt-5.5"
    assert fields(snapshot) == fields(forward_snapshot(path, BASE + 60))


def test_a_turn_longer_than_the_scan_budget_passes_over_a_context_that_names_none(
    codex_home: CodexHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search for the model before the scan's reach looks at each line once: a turn's
    context cut short by a crash (the next line written onto it), or the type's bytes far into
    a line, had been found again and again, the read never ending. The model is the one a
    forward parse gives, the older turn's."""
    monkeypatch.setattr(reader_module, "BACKWARD_BUDGET_BYTES", 64 * 1024)
    looked: list[int] = []
    context_at = reader_module._context_at

    def counted(handle: Any, at: int) -> Any:
        looked.append(at)
        assert looked.count(at) <= 2, "the same line looked at again and again"  # (two blocks)
        return context_at(handle, at)

    monkeypatch.setattr(reader_module, "_context_at", counted)
    sid = "019d0000-0000-7000-8000-00000000f004"
    torn = r.turn_context(BASE + 3, model="gpt-5.5")[:80]
    nested = {"type": "message", "text": "x" * 300, "meta": {"type": "turn_context"}}
    lines = [
        r.session_meta(BASE, sid),
        r.turn_context(BASE + 1, model="gpt-5.4"),
        r.token_count(BASE + 2, r.usage(1000, 0, 10), r.usage(1000, 0, 10), r.limits()),
        torn + r.event(BASE + 3, "task_started", turn_id="t2"),
        r.envelope(BASE + 4, "response_item", nested),
        r.token_count(BASE + 20, r.usage(5000, 0, 50), r.usage(4000, 0, 40), r.limits()),
    ]
    lines += [r.call_output(BASE + 21 + n, f"d{n}", "z" * 20_000) for n in range(8)]
    lines.append(r.token_count(BASE + 30, r.usage(9000, 0, 90), r.usage(4000, 0, 40), r.limits()))
    lines.append(r.exec_call(BASE + 31, "c9", "cargo test"))
    path = codex_home.write(sid, lines)
    (snapshot,) = (
        CodexReader([codex_home.root], max_age=None, clock=lambda: BASE + 60).refresh().snapshots
    )
    assert looked  # the search ran, past the scan's reach
    assert snapshot.model == "gpt-5.4"
    assert fields(snapshot) == fields(forward_snapshot(path, BASE + 60))


def test_a_copy_over_a_followed_log_is_read_again_from_the_first_change(
    codex_home: CodexHome,
) -> None:
    """The window loaded the file, then a copy that keeps its first 4 KiB and is longer
    replaced its content in place: read again, not taken for an append."""
    sid = "019d0000-0000-7000-8000-00000000f002"
    header = r.session_meta(BASE, sid, cwd="/w/" + "x" * 5000)
    first = [
        header,
        r.turn_context(BASE + 1, model="gpt-5.4"),
        r.token_count(BASE + 2, r.usage(5000, 0, 50), r.usage(5000, 0, 50)),
        r.call_output(BASE + 3, "c1", "y" * 40_000),  # past the whole-file read
    ]
    path = codex_home.write(sid, first)
    reader = CodexReader([codex_home.root], max_age=None, clock=lambda: BASE + 60)
    (before,) = reader.refresh().snapshots
    assert before.session_total_tokens == 5050
    other = [
        header,
        r.turn_context(BASE + 1, model="gpt-5.5"),  # the same length: only the model differs
        r.token_count(BASE + 2, r.usage(7000, 0, 70), r.usage(7000, 0, 70)),
        r.call_output(BASE + 3, "c1", "z" * 40_000),
        r.token_count(BASE + 4, r.usage(9000, 0, 90), r.usage(2000, 0, 20)),
    ]
    with open(path, "r+b") as handle:
        handle.write(("\n".join(other) + "\n").encode())
    later = os.stat(path).st_mtime + 100
    os.utime(path, (later, later))
    (after,) = reader.refresh().snapshots
    assert after.session_total_tokens == 9090
    assert after.model == "gpt-5.5"  # an append would have kept the old model


def test_a_flood_of_lines_that_say_nothing_is_scanned_in_little_memory(
    codex_home: CodexHome,
) -> None:
    """150,000 ``{}`` lines (3 bytes each) before a log's last reply: the backward scan kept
    a record of each until it folded them (72 bytes a line: 440 MB for a 15 MB file,
    gigabytes within its 64 MiB budget). Such lines one after the other fold as one, and
    the state is the same as a forward read's."""
    import time
    import tracemalloc

    now = time.time()
    path = codex_home.write(
        SID,
        [
            r.session_meta(now - 60, SID, cwd="/w/shop"),
            r.turn_context(now - 59),
            r.token_count(now - 50, r.usage(100, 0, 1)),
            *["{}"] * 150_000,
            r.token_count(now - 5, r.usage(1000, 0, 10)),
        ],
        started=now - 60,
        mtime=now - 1,
    )
    tracemalloc.start()
    try:
        snapshot = only(CodexReader([codex_home.root]).refresh().snapshots)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (snapshot.session_total_tokens, snapshot.session_delta_tokens) == (1010, 909)
    assert peak < 4 << 20
    assert fields(snapshot) == fields(forward_snapshot(path, now))


def test_a_flood_of_bare_lines_ends_the_search_for_limits_as_other_lines_do(
    codex_home: CodexHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A log with no limits at all (an API key) and ``{}`` by the hundred thousand before
    its last turn: the backward scan stops looking for limits ``LIMITS_SEARCH_BYTES`` back,
    as through any other lines. The bare lines it folds as one had not been weighed against
    that search, and the scan read on to its whole budget (64 MiB, seconds of parsing)."""
    import time

    monkeypatch.setattr(reader_module, "LIMITS_SEARCH_BYTES", 64 * 1024)
    scans: list[tail_module.BackwardLines] = []

    class Watched(tail_module.BackwardLines):
        def __iter__(self) -> Iterator[bytes | tail_module.LongLine]:
            scans.append(self)
            return super().__iter__()

    monkeypatch.setattr(reader_module, "BackwardLines", Watched)
    now = time.time()
    codex_home.write(
        SID,
        [
            r.session_meta(now - 60, SID, cwd="/w/shop"),
            *["{}"] * 300_000,  # 900 KB
            r.event(now - 30, "task_started", turn_id="t1"),
            r.turn_context(now - 29),
            r.token_count(now - 20, r.usage(100, 0, 1)),
            r.token_count(now - 10, r.usage(1000, 0, 10)),
            r.event(now - 5, "task_complete", turn_id="t1"),
        ],
        started=now - 60,
        mtime=now - 1,
    )
    snapshot = only(CodexReader([codex_home.root]).refresh().snapshots)
    assert snapshot.session_total_tokens == 1010
    assert snapshot.model == "gpt-5.3-codex"
    (scan,) = scans
    assert scan.bytes_read < 256 * 1024, scan.bytes_read


def fresh_snapshots(reader: CodexReader, now: float) -> list[CodexSessionSnapshot]:
    """Every followed session snapshotted anew, as the reader took them before it kept any."""
    found = []
    for tracked in reader._tracked.values():
        if tracked.loaded:
            stat = tracked.tail.stat or tracked.rollout.stat
            found.append(
                tracked.session.snapshot(
                    now, file_mtime=stat.mtime, branch_of=reader._branches.branch
                )
            )
    return found


def fresh_warnings(reader: CodexReader) -> list[Problem]:
    """What every followed file's reading skipped or left out, said anew."""
    return [w for tracked in reader._tracked.values() for w in reader._line_warnings(tracked)]


def by_file(snapshots: Iterable[CodexSessionSnapshot]) -> list[CodexSessionSnapshot]:
    return sorted(snapshots, key=lambda s: str(s.file))


def test_a_file_not_written_since_the_last_refresh_is_not_snapshotted_again(
    codex_home: CodexHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A thousand sessions today, one writing: each refresh had snapshotted every file anew
    (a third of the feed's time), for the same values. Only the file written is now."""
    paths = [
        codex_home.write(f"019de1a2-0000-7000-8000-00000000010{n}", simple_session(start=BASE + n))
        for n in range(3)
    ]
    reader = CodexReader([codex_home.root], max_age=None, clock=Clock(BASE + 20))
    first = {s.file: s for s in reader.refresh().snapshots}
    taken: list[Path] = []
    original = SessionAccumulator.snapshot

    def counted(self: SessionAccumulator, *args: Any, **options: Any) -> CodexSessionSnapshot:
        taken.append(self.path)
        return original(self, *args, **options)

    monkeypatch.setattr(SessionAccumulator, "snapshot", counted)
    CodexHome.append(paths[0], [r.token_count(BASE + 6, r.usage(2000, 0, 100))])
    second = {s.file: s for s in reader.refresh().snapshots}
    assert taken == [paths[0]]
    assert second[paths[0]].session_total_tokens == 2100
    assert all(second[path] is first[path] for path in paths[1:])


def test_the_warnings_of_a_file_not_written_since_the_last_refresh_are_kept(
    codex_home: CodexHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each refresh had asked every followed file what its reading skipped (a tenth of the
    feed's time with a thousand sessions today, after the snapshots were kept); only the
    file written is asked now, and the others' warnings are said as before."""
    paths = [
        codex_home.write(
            f"019de1a2-0000-7000-8000-00000000010{n}", [*simple_session(start=BASE + n), "{oops"]
        )
        for n in range(3)
    ]
    reader = CodexReader([codex_home.root], max_age=None, clock=Clock(BASE + 20))
    first = reader.refresh().warnings
    assert len(first) == 3
    asked: list[Path] = []
    original = reader_module.line_problems

    def counted(session: SessionAccumulator, path: str | Path) -> list[Problem]:
        asked.append(Path(path))
        return original(session, path)

    monkeypatch.setattr(reader_module, "line_problems", counted)
    CodexHome.append(paths[0], ["{again"])
    second = reader.refresh().warnings
    assert asked == [paths[0]]
    (written,) = [w for w in second if w.path == paths[0]]
    assert "2 malformed lines" in written.detail
    assert set(second) - {written} == {w for w in first if w.path != paths[0]}


_REPO_SID = "019de1a2-0000-7000-8000-0000000000e2"


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(
    steps=st.lists(
        st.one_of(
            # Either side of the 45 s to Idle and of the branch's 30 s in the cache.
            st.tuples(st.just("wait"), st.sampled_from([0.5, 20.0, 29.0, 44.0, 46.0, 90.0])),
            st.tuples(
                st.just("write"),
                st.sampled_from(
                    ["call", "output", "tokens", "answer", "turn", "commentary", "malformed"]
                ),
                st.integers(0, 1),
                st.booleans(),  # the mtime kept (a coarse clock): only the size tells
            ),
            st.tuples(st.just("checkout"), st.sampled_from(["main", "fix", "release"])),
            st.tuples(st.just("archive"), st.integers(0, 1)),
        ),
        max_size=14,
    ),
    walks=st.lists(st.booleans(), min_size=14, max_size=14),
)
def test_a_kept_snapshot_equals_a_fresh_one_at_every_refresh(
    tmp_path: Path, steps: list[tuple[Any, ...]], walks: list[bool]
) -> None:
    """Whatever is written (the mtime moved or not), however the clock moves (activity
    decays to Idle), the folder's branch changes (looked up every 30 s) or a file is
    archived, what a refresh returns equals every session snapshotted anew, and its
    warnings those said anew."""
    home = CodexHome(tmp_path / f"home-{len(list(tmp_path.iterdir()))}")
    repo = home.root / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    clock = Clock(BASE + 10)
    paths = [
        home.write(SID, simple_session()[:3], mtime=BASE + 2),  # its branch is in its header
        home.write(
            _REPO_SID,
            [r.session_meta(BASE, _REPO_SID, cwd=str(repo), branch=None)],
            started=BASE + 1,
            mtime=BASE + 1,
        ),
    ]
    reader = CodexReader([home.root], max_age=None, clock=clock)
    reader.refresh()
    calls = 0
    for step, walk in zip(steps, walks, strict=False):
        if step[0] == "wait":
            clock.now += step[1]
        elif step[0] == "checkout":
            (repo / ".git" / "HEAD").write_text(f"ref: refs/heads/{step[1]}\n")
        elif step[0] == "archive":
            archive = home.root / "archived_sessions"
            archive.mkdir(exist_ok=True)
            moved = archive / paths[step[1]].name
            os.rename(paths[step[1]], moved)
            paths[step[1]] = moved
        else:
            calls += step[1] == "call"  # an output answers the last call
            at, call = clock.now, f"c{calls}"
            line = {
                "call": r.exec_call(at, call, "cargo test"),
                "output": r.call_output(at, call),
                "tokens": r.token_count(at, r.usage(1000 + int(at - BASE), 0, 10)),
                "answer": r.assistant(at, "done"),
                "turn": r.event(at, "task_started", turn_id=f"t{at}"),
                "commentary": r.assistant(at, "looking", phase="commentary"),
                "malformed": '{"timestamp": oops',
            }[step[1]]
            path = paths[step[2]]
            CodexHome.append(path, [line], mtime=path.stat().st_mtime if step[3] else at)
        result = reader.refresh(discover_files=walk or step[0] == "archive")
        assert by_file(result.snapshots) == by_file(fresh_snapshots(reader, clock.now))
        assert list(result.warnings) == fresh_warnings(reader)
    shutil.rmtree(home.root)
