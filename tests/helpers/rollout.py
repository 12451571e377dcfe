"""Builders of Codex rollout lines and homes for tests (compact JSON, keys in Codex's order)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BASE = datetime(2026, 5, 4, 9, 0, 0, tzinfo=UTC).timestamp()


def iso(epoch: float) -> str:
    """Unix seconds to Codex's timestamp text (3 fractional digits, Z)."""
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def dumps(obj: Any) -> str:
    """Compact JSON as Codex writes it."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def envelope(ts: float, kind: str, payload: dict[str, Any], ordinal: int | None = None) -> str:
    """One envelope line (without LF)."""
    obj: dict[str, Any] = {"timestamp": iso(ts)}
    if ordinal is not None:
        obj["ordinal"] = ordinal
    obj["type"] = kind
    obj["payload"] = payload
    return dumps(obj)


def usage(
    input_tokens: int,
    cached: int = 0,
    output: int = 0,
    reasoning: int = 0,
    total: int | None = None,
) -> dict[str, int]:
    """A TokenUsage object; ``total`` defaults to input + output."""
    return {
        "input_tokens": input_tokens,
        "cached_input_tokens": cached,
        "output_tokens": output,
        "reasoning_output_tokens": reasoning,
        "total_tokens": input_tokens + output if total is None else total,
    }


def limits(
    primary: tuple[float, int | None, int | None] | None = (10.0, 300, 1_777_900_000),
    secondary: tuple[float, int | None, int | None] | None = (20.0, 10080, 1_778_300_000),
    *,
    limit_id: str | None = "codex",
    limit_name: str | None = None,
    credits: dict[str, Any] | None = None,
    plan_type: str | None = None,
) -> dict[str, Any]:
    """An R5 rate_limits object; windows are (used_percent, window_minutes, resets_at)."""

    def window(spec: tuple[float, int | None, int | None] | None) -> dict[str, Any] | None:
        if spec is None:
            return None
        used, minutes, resets = spec
        return {"used_percent": used, "window_minutes": minutes, "resets_at": resets}

    obj: dict[str, Any] = {}
    if limit_id is not None:
        obj["limit_id"] = limit_id
        obj["limit_name"] = limit_name
    obj["primary"] = window(primary)
    obj["secondary"] = window(secondary)
    obj["credits"] = credits
    obj["plan_type"] = plan_type
    return obj


def session_meta(
    ts: float,
    session_id: str,
    *,
    cwd: str = "/home/dev/proj",
    originator: str = "codex_cli_rs",
    cli_version: str = "0.125.0",
    branch: str | None = "main",
    **extra: Any,
) -> str:
    """A session_meta line."""
    payload: dict[str, Any] = {
        "id": session_id,
        "timestamp": iso(ts),
        "cwd": cwd,
        "originator": originator,
        "cli_version": cli_version,
        "source": "cli",
        "model_provider": "openai",
        "base_instructions": {"text": "You are Codex, a coding agent."},
    }
    if branch is not None:
        payload["git"] = {"commit_hash": "3f2a9d0c", "branch": branch}
    payload.update(extra)
    return envelope(ts, "session_meta", payload)


def turn_context(ts: float, model: str = "gpt-5.3-codex", cwd: str = "/home/dev/proj") -> str:
    """A turn_context line."""
    return envelope(ts, "turn_context", {"turn_id": "t1", "cwd": cwd, "model": model})


def token_count(
    ts: float,
    total: dict[str, int] | None,
    last: dict[str, int] | None = None,
    rate_limits: dict[str, Any] | None = None,
    *,
    window: int = 258400,
    ordinal: int | None = None,
) -> str:
    """A token_count event; ``total=None`` writes ``info: null``."""
    info = None
    if total is not None:
        info = {
            "total_token_usage": total,
            "last_token_usage": last if last is not None else total,
            "model_context_window": window,
        }
    payload = {"type": "token_count", "info": info, "rate_limits": rate_limits}
    return envelope(ts, "event_msg", payload, ordinal)


def event(ts: float, kind: str, ordinal: int | None = None, **fields: Any) -> str:
    """An event_msg line of ``kind``."""
    return envelope(ts, "event_msg", {"type": kind, **fields}, ordinal)


def item(ts: float, kind: str, ordinal: int | None = None, **fields: Any) -> str:
    """A response_item line of ``kind``."""
    return envelope(ts, "response_item", {"type": kind, **fields}, ordinal)


def exec_call(ts: float, call_id: str, command: str) -> str:
    """A function_call of ``exec_command``."""
    return item(
        ts,
        "function_call",
        name="exec_command",
        arguments=json.dumps({"cmd": command}),
        call_id=call_id,
    )


def call_output(ts: float, call_id: str, output: str = "ok") -> str:
    """A function_call_output."""
    return item(ts, "function_call_output", call_id=call_id, output=output)


def assistant(ts: float, text: str, phase: str | None = "final_answer") -> str:
    """An assistant message response_item."""
    fields: dict[str, Any] = {
        "role": "assistant",
        "content": [{"type": "output_text", "text": text}],
    }
    if phase is not None:
        fields["phase"] = phase
    return item(ts, "message", **fields)


def rollout_name(ts: float, session_id: str) -> str:
    """``rollout-YYYY-MM-DDThh-mm-ss-<uuid>.jsonl`` (local time in real life; UTC here)."""
    moment = datetime.fromtimestamp(ts, tz=UTC)
    return f"rollout-{moment.strftime('%Y-%m-%dT%H-%M-%S')}-{session_id}.jsonl"


@dataclass
class CodexHome:
    """A temporary Codex home that tests write rollout files into."""

    root: Path
    files: list[Path] = field(default_factory=list)

    def write(
        self,
        session_id: str,
        lines: Iterable[str | bytes],
        *,
        started: float = BASE,
        mtime: float | None = None,
        archived: bool = False,
        newline: bytes = b"\n",
        trailing_newline: bool = True,
    ) -> Path:
        """Write a rollout file in the date folder of ``started`` and return its path."""
        moment = datetime.fromtimestamp(started, tz=UTC)
        if archived:
            folder = self.root / "archived_sessions"
        else:
            folder = self.root / "sessions" / moment.strftime("%Y/%m/%d")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / rollout_name(started, session_id)
        encoded = [line.encode() if isinstance(line, str) else line for line in lines]
        data = newline.join(encoded)
        if trailing_newline and encoded:
            data += newline
        path.write_bytes(data)
        if mtime is not None:
            os.utime(path, (mtime, mtime))
        self.files.append(path)
        return path

    @staticmethod
    def append(path: Path, lines: Iterable[str], *, mtime: float | None = None) -> None:
        """Append complete lines to a rollout file."""
        with open(path, "ab") as handle:
            for line in lines:
                handle.write(line.encode() + b"\n")
        if mtime is not None:
            os.utime(path, (mtime, mtime))


def running_session(
    home: CodexHome,
    session_id: str,
    *,
    cwd: str = "/w/shop",
    tokens: bool = True,
    now: float | None = None,
) -> Path:
    """A live session in ``cwd`` running ``cargo test`` now, with fresh limits (``tokens``:
    with one usage report; the Discord card then reads "Running cargo test · shop (main)")."""
    import time

    now = time.time() if now is None else now
    lines = [session_meta(now - 100, session_id, cwd=cwd), turn_context(now - 99, cwd=cwd)]
    if tokens:
        lines.append(token_count(now - 5, usage(1000, 0, 10), None, limits()))
    lines.append(exec_call(now - 2, "c1", "cargo test"))
    return home.write(session_id, lines, started=now - 100, mtime=now - 2)
