"""Codex homes for the layout matrix: one per state the window must lay out well."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.helpers import rollout as r
from tests.helpers.rollout import CodexHome
from tests.helpers.usage import write_usage_session

HOUR = 3600
DAY = 86400
LONG = 200

#: A reading of the account: (5h used %, 5h reset in s from now) and the same for the week;
#: ``None`` leaves the window out.
Window = tuple[float, float] | None


@dataclass(frozen=True)
class Session:
    """One live session's look: where, which branch, what it does now, how long ago."""

    cwd: str = "/home/dev/shop"
    branch: str | None = "feature/cart"
    model: str = "gpt-5.3-codex"
    activity: str = "patch"  # patch, exec, answer or none
    target: str = "src/cart/checkout.py"
    age: float = 8.0


def _activity(session: Session, at: float, index: int) -> list[str]:
    if session.activity == "patch":
        patch = f"*** Begin Patch\n*** Update File: {session.target}\n"
        call = f"p{index}"
        return [r.item(at, "custom_tool_call", call_id=call, name="apply_patch", input=patch)]
    if session.activity == "exec":
        return [r.exec_call(at, f"e{index}", session.target)]
    if session.activity == "answer":
        return [r.assistant(at, "Updated the install guide.")]
    return []


def _rate_limits(now: float, five: Window, week: Window, **options: Any) -> dict[str, Any] | None:
    if five is None and week is None:
        return None
    primary = (five[0], 300, int(now + five[1])) if five is not None else None
    secondary = (week[0], 10080, int(now + week[1])) if week is not None else None
    if primary is None:  # a weekly-only account sends its one window as the primary
        primary, secondary = secondary, None
    return r.limits(primary, secondary, **options)


def write_session(
    home: CodexHome,
    index: int,
    now: float,
    session: Session,
    readings: list[dict[str, Any] | None],
    *,
    reading_age: float | None = None,
) -> None:
    """A session with an hour of turns (a reading every 10 minutes, use rising to the last
    one), its last turn ``session.age`` ago (the last reading ``reading_age`` ago), then its
    current activity."""
    session_id = f"019ad000-0000-7000-8000-{index:012x}"
    last = now - (reading_age if reading_age is not None else session.age)
    started = last - HOUR
    lines = [
        r.session_meta(started, session_id, cwd=session.cwd, branch=session.branch),
        r.turn_context(started + 1, model=session.model, cwd=session.cwd),
    ]
    steps = 6
    for step in range(1, steps + 1):
        at = started + step * (last - started) / steps
        total = r.usage(20_000 * step + 1_300 * index, 8_192 * step, 400 * step, 128 * step)
        turn = r.usage(20_000, 8_192, 400, 128)
        for reading in readings:
            lines.append(r.token_count(at, total, turn, _scaled(reading, step / steps)))
    lines += _activity(session, now - session.age, index)
    mtime = max(last, now - session.age)
    home.write(session_id, lines, started=started, mtime=mtime)


def _scaled(reading: dict[str, Any] | None, share: float) -> dict[str, Any] | None:
    """An earlier reading of the same windows: use was ``share`` of today's."""
    if reading is None:
        return None
    earlier = dict(reading)
    for key in ("primary", "secondary"):
        window = reading.get(key)
        if isinstance(window, dict):
            earlier[key] = {**window, "used_percent": round(window["used_percent"] * share, 1)}
    return earlier


def _home(root: Path) -> CodexHome:
    shutil.rmtree(root, ignore_errors=True)
    (root / "sessions").mkdir(parents=True)
    return CodexHome(root)


def _standard(
    five: Window = (36.0, 2 * HOUR + 13 * 60),
    week: Window = (71.0, 2 * DAY + 19 * HOUR),
    *,
    sessions: tuple[Session, ...] = (Session(),),
    reading_age: float | None = None,
    extra: bool = False,
) -> Callable[[Path, float], None]:
    def write(root: Path, now: float) -> None:
        home = _home(root)
        credits = {"has_credits": True, "unlimited": False, "balance": "12.25"} if extra else None
        readings = [_rate_limits(now, five, week, plan_type="plus", credits=credits)]
        if extra:
            readings.append(
                _rate_limits(
                    now,
                    (62.0, 3 * HOUR),
                    (18.0, 5 * DAY),
                    limit_id="codex_bengalfox",
                    limit_name="GPT-5.3-Codex-Spark",
                )
            )
        for index, session in enumerate(sessions):
            write_session(home, index + 1, now, session, readings, reading_age=reading_age)

    return write


def _missing(root: Path, now: float) -> None:
    shutil.rmtree(root, ignore_errors=True)  # the window is pointed at a folder that is not


def _empty(root: Path, now: float) -> None:
    _home(root)


def _old_only(root: Path, now: float) -> None:
    """Only a session from yesterday: no live session, an old reading."""
    home = _home(root)
    readings = [_rate_limits(now, (12.0, -20 * HOUR), (40.0, 4 * DAY))]
    write_session(home, 1, now, Session(age=DAY), readings)


def _many(count: int) -> tuple[Session, ...]:
    kinds = ("patch", "exec", "answer", "none")
    return tuple(
        Session(
            cwd=f"/home/dev/project-{index:02d}",
            branch=None if index % 5 == 4 else f"feature/task-{index}",
            model=("gpt-5.3-codex", "gpt-5.5", "o4-mini")[index % 3],
            activity=kinds[index % 4],
            target="cargo test --workspace" if index % 4 == 1 else f"src/module_{index}.py",
            age=5.0 + 7 * index,
        )
        for index in range(count)
    )


_LONG_PROJECT = "p" + "roject-with-a-very-long-name-" * 7


#: The seven models of a month's use (two without a known price).
_MONTH_MODELS = (
    "gpt-5.3-codex",
    "gpt-5.5",
    "gpt-5.4",
    "o4-mini",
    "gpt-5.2-codex",
    "codex-experimental-9",
    "gpt-5-codex-mini",
)


def _usage_month(root: Path, now: float) -> None:
    """Thirty days of use: many projects (one with a very long name), seven models (two
    without a known price), big and small days; and two live sessions today."""
    _standard(sessions=_many(2))(root, now)
    home = CodexHome(root)
    models = _MONTH_MODELS
    projects = (*(f"/home/dev/service-{n:02d}" for n in range(11)), "/home/dev/" + _LONG_PROJECT)
    for day in range(30):
        if day % 5 == 4:
            continue  # a day off now and then
        at = now - day * DAY - 2 * HOUR
        size = 40_000 * (1 + (day * 7) % 11) ** 2
        calls = [(at + step * 60, size, size * 8 // 10, size // 40) for step in range(3)]
        cwd = projects[(day * 5) % len(projects)]
        write_usage_session(home, 100 + day, calls, cwd=cwd, model=models[day % len(models)])
        if day % 3 == 0:  # a second model that day, in a project of its own
            small = [(at + HOUR, size // 3, size // 4, size // 100)]
            other = models[(day + 3) % len(models)]
            write_usage_session(home, 200 + day, small, cwd=projects[day % 5], model=other)


def _usage_quarter(root: Path, now: float) -> None:
    """Ninety days of use, as the page's longest period shows them: the month's projects and
    models, a day off now and then, older days as busy as recent ones; and a live session."""
    _standard(sessions=_many(1))(root, now)
    home = CodexHome(root)
    projects = (*(f"/home/dev/service-{n:02d}" for n in range(6)), "/home/dev/" + _LONG_PROJECT)
    for day in range(90):
        if day % 6 == 5:
            continue
        at = now - day * DAY - 2 * HOUR
        size = 30_000 * (1 + (day * 5) % 13) ** 2
        calls = [(at + step * 60, size, size * 8 // 10, size // 40) for step in range(2)]
        cwd = projects[day % len(projects)]
        model = _MONTH_MODELS[(day // 7) % len(_MONTH_MODELS)]
        write_usage_session(home, 500 + day, calls, cwd=cwd, model=model)


def _usage_extremes(root: Path, now: float) -> None:
    """A month at the edges of what the Usage page shows: fourteen models (one of them named
    in 300 characters, one without a price), projects named in 300 characters, with a
    right-to-left override and in Arabic and Hebrew; a day of a quadrillion tokens beside
    days of a few hundred; and a live session today."""
    _standard(sessions=_many(1))(root, now)
    home = CodexHome(root)
    models = (
        *_MONTH_MODELS,
        "gpt-5.1",
        "gpt-4.1",
        "o3",
        "gpt-5-mini",
        "gpt-4o",
        "acme-local-1",
        ("custom-model-" * 24)[:300],
    )
    projects = (
        "/home/dev/" + ("very-long-project-name-" * 14)[:300],
        "/home/dev/evil\u202etxt.exe",
        "/home/dev/مشروع-المتجر",
        "/home/dev/פרויקט-חנות",
        "/home/dev/shop",
    )
    for day in range(30):
        at = now - day * DAY - 3 * HOUR
        size = 10**15 if day == 3 else 300 + 97 * day
        for step, model in enumerate(models):
            if (day + step) % 4:
                continue
            calls = [(at + step * 60, size, size * 8 // 10, max(size // 40, 1))]
            cwd = projects[(day + step) % len(projects)]
            write_usage_session(home, 300 + day * 20 + step, calls, cwd=cwd, model=model)


_LONG_BRANCH = "feature/" + "branch-name-that-goes-on-" * 8
#: A session that went quiet 20 minutes ago, nothing running: ended, listed until tonight.
_ENDED = Session(cwd="/home/dev/docs", branch="main", activity="none", age=20 * 60)

STATES: dict[str, Callable[[Path, float], None]] = {
    "fresh": _standard(sessions=_many(3)),
    "stale": _standard(reading_age=35 * 60),
    "past-reset-5h": _standard(five=(88.0, -10 * 60)),
    "past-reset-both": _standard(five=(88.0, -10 * 60), week=(97.0, -HOUR)),
    "limit-reached": _standard(five=(100.0, 47 * 60)),
    "below-10-left": _standard(five=(93.5, 3 * HOUR), week=(91.0, DAY)),
    "weekly-only": _standard(five=None, week=(40.0, 3 * DAY)),
    "extra-bucket-credits": _standard(extra=True),
    # The common state of a model with its own limits: two sessions, two sets of limits.
    "sessions-2-extra-bucket": _standard(sessions=_many(2), extra=True),
    "no-rate-limits": _standard(five=None, week=None),
    "no-codex-folder": _missing,
    "empty-folder": _empty,
    "sessions-0": _old_only,
    "sessions-1": _standard(sessions=_many(1)),
    # The automatic compact layout's table (a window made small, tall enough for a row):
    # left out with one session (the card shows it), kept with an ended one beside it, and
    # with an ended one alone (the card then says none runs). The compact layout chosen
    # (Ctrl+2, ``screenshot --compact``) lists no table, as tall as the limits and the card.
    "sessions-1-and-ended": _standard(sessions=(*_many(1), _ENDED)),
    "ended-only": _standard(sessions=(_ENDED,)),
    "sessions-3": _standard(sessions=_many(3)),
    "sessions-40": _standard(sessions=_many(40)),
    "usage-month": _usage_month,
    "usage-quarter": _usage_quarter,
    "usage-extremes": _usage_extremes,
    "long-names": _standard(
        sessions=(
            Session(
                cwd="/home/dev/" + _LONG_PROJECT[:LONG],
                branch=_LONG_BRANCH[:LONG],
                target="src/" + "deeply_nested_module_name_" * 8 + ".py",
            ),
            Session(cwd="/home/dev/short", age=20.0, activity="exec", target="pytest -q"),
        )
    ),
    "right-to-left": _standard(
        sessions=(
            Session(
                cwd="/home/dev/פרויקט-חנות",
                branch="ענף/עגלת-קניות",
                activity="exec",
                target="npm run اختبار-الواجهة",
            ),
            Session(cwd="/home/dev/مشروع-المتجر", branch="فرع/سلة", age=30.0),
        )
    ),
}


#: The states whose Usage page the layout matrix checks too (the others show the same page).
USAGE_STATES = (
    "usage-month",
    "usage-quarter",
    "usage-extremes",
    "fresh",
    "empty-folder",
    "no-codex-folder",
    "long-names",
    "right-to-left",
    "sessions-40",
)


#: The periods, in days, the matrix checks a state's Usage page at besides the default 30
#: (the page's other periods: two totals and seven bars, or 90 bars labelled every few weeks).
USAGE_PERIODS: dict[str, tuple[int, ...]] = {
    "usage-quarter": (7, 90),
    "usage-extremes": (7, 90),
}


def write_state(name: str, root: Path, now: float | None = None) -> Path:
    """Write the Codex home of state ``name`` at ``root`` (replacing what is there); readings
    are relative to ``now`` (default: the clock), so they are fresh when the window reads."""
    STATES[name](root, time.time() if now is None else now)
    return root


def write_states(folder: Path, now: float | None = None) -> dict[str, Path]:
    """Every state's home under ``folder``, by name."""
    return {name: write_state(name, folder / name, now) for name in STATES}
