"""Activity: tool calls in plain words without leaking arguments, decaying against the clock."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codex_presence_gui.core.activity import (
    IDLE_AFTER_SECONDS,
    MAX_TARGET_CHARS,
    ActivityTracker,
    classify_command,
    classify_custom_tool_call,
    classify_tool_call,
    sanitize_file_target,
)
from codex_presence_gui.core.models import Activity, ActivityKind

R, E, X, W = ActivityKind.READING, ActivityKind.EDITING, ActivityKind.RUNNING, ActivityKind.WAITING


@pytest.mark.parametrize(
    ("command", "kind", "target"),
    [
        ("cat README.md", R, "README.md"),
        ("Get-Content -Path C:\\repo\\src\\main.rs -TotalCount 40", R, "main.rs"),
        ("Get-Content src/lib.rs", R, "lib.rs"),
        ("type notes.txt", R, "notes.txt"),
        ("rg -n 'secret pattern' src/app", R, "app"),
        ("rg -g '*.py' -n TODO", R, None),
        ("rg --files tests", R, "tests"),
        ("Select-String -Path .\\x\\log.txt -Pattern password", R, "log.txt"),
        ("Get-ChildItem -Path C:\\work\\proj -Recurse", R, "proj"),
        ("sed -n '1,200p' src/codex_presence_gui/app.py", R, "app.py"),
        ("head -n 40 /etc/hosts", R, "hosts"),
        ("cargo test --all", X, "cargo test"),
        ("git commit -m 'private message'", X, "git commit"),
        ("git rebase -i HEAD~3", X, "git"),
        ("./scripts/deploy-acme.sh --token abc", X, "command"),
        ("curl -s https://internal.example.com/api?key=1", X, "curl"),
        ("$env:API_KEY='sk-123'; npm test", X, "npm test"),
        ("$x = 5; pytest -q", X, "pytest"),
        ("npm run build", X, "npm run build"),
        ("pnpm run lint -- --fix", X, "pnpm run lint"),
        ("npm run --prefix test deploy-acme", X, "npm run"),  # an option's value, not a script
        ("uv run --with build pytest", X, "uv run"),
        ("npm run deploy-acme-prod", X, "npm run"),  # an unusual script name stays private
        ("uv run pytest -q", X, "uv run pytest"),
        ("uv run ./scripts/acme.py", X, "uv run"),
        ("go run ./cmd/acme", X, "go run"),
        ("cd /home/me/secret && make build", X, "make"),
        ("FOO=bar BAZ=1 python -m pytest", X, "python"),
        ("bash -lc 'cd repo && cargo build --release'", X, "cargo build"),
        ("C:\\Python311\\python.exe -V", X, "python"),
        ("cat > src/new_module.py <<'EOF'\nprint('hi')\nEOF", E, "new_module.py"),
        ("apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: a/b/c.py\nEOF", E, "c.py"),
        ("unbalanced 'quote", X, "command"),
        ("", X, None),
    ],
)
def test_command_classification(command: str, kind: ActivityKind, target: str | None) -> None:
    """Reads show the file's basename; commands their first word; nothing else leaks."""
    assert classify_command(command) == Activity(kind, target)


def test_array_commands_use_the_shell_script() -> None:
    """local_shell_call / legacy shell: [bash, -lc, script] is classified from the script."""
    assert classify_command(["bash", "-lc", "rg -n x lib/z.rs"]) == Activity(R, "z.rs")
    assert classify_command(["ls", "-la"]) == Activity(X, "ls")


def test_tool_calls() -> None:
    """Tool names map to kinds; MCP and plan tools run without a target."""
    assert classify_tool_call("exec_command", json.dumps({"cmd": "cat a/b.txt"})) == Activity(
        R, "b.txt"
    )
    assert classify_tool_call("shell_command", {"command": "git status"}) == Activity(
        X, "git status"
    )
    assert classify_tool_call("shell", json.dumps({"command": ["bash", "-lc", "ls"]})) == (
        Activity(X, "ls")
    )
    assert classify_tool_call("view_image", '{"path": "/tmp/shot.png"}') == Activity(R, "shot.png")
    assert classify_tool_call("request_user_input", "{}") == Activity(W, None)
    assert classify_tool_call("mcp__github__create_issue", "{}") == Activity(X, None)
    assert classify_tool_call("update_plan", "not json") == Activity(X, None)
    patch = "*** Begin Patch\n*** Add File: docs\\guide.md\n+hi\n*** End Patch"
    assert classify_custom_tool_call("apply_patch", patch) == Activity(E, "guide.md")
    assert classify_custom_tool_call("other", patch) == Activity(X, None)


def test_targets_are_basenames_without_urls() -> None:
    """Targets never carry directories, URLs or more than 72 characters."""
    assert sanitize_file_target("C:\\Users\\me\\secret\\plan.md") == "plan.md"
    assert sanitize_file_target("https://example.com/x") is None
    assert sanitize_file_target("'`quoted.txt`'") == "quoted.txt"
    assert sanitize_file_target("-flag") is None
    assert len(sanitize_file_target("é" * 200) or "") == MAX_TARGET_CHARS


@given(st.text(max_size=300))
def test_any_command_gives_a_safe_activity(command: str) -> None:
    """No command crashes the classifier; targets are short and have no path separators."""
    activity = classify_command(command)
    assert activity.kind in (R, E, X)
    if activity.target is not None:
        assert len(activity.target) <= MAX_TARGET_CHARS
        if activity.kind in (R, E):
            assert "/" not in activity.target
            assert "\\" not in activity.target
        else:
            assert activity.target == "command" or activity.target.split()[0].isascii()


def test_working_kind_decays_to_idle_after_45_seconds() -> None:
    """A silent working session becomes Idle when re-evaluated, even with no new line."""
    tracker = ActivityTracker()
    tracker.mark(Activity(ActivityKind.THINKING), 100.0)
    assert tracker.current(100.0 + IDLE_AFTER_SECONDS - 1) == Activity(ActivityKind.THINKING)
    assert tracker.current(100.0 + IDLE_AFTER_SECONDS) == Activity(ActivityKind.IDLE)


def test_pending_call_keeps_the_kind_and_output_starts_the_idle_clock() -> None:
    """A long-running command stays Running; after its output the idle clock starts."""
    tracker = ActivityTracker()
    tracker.call_started("c1", Activity(X, "cargo test"), 100.0)
    assert tracker.current(10_000.0) == Activity(X, "cargo test")
    tracker.call_finished("c1", 200.0)
    tracker.saw_line(230.0)  # a token_count line is not a signal
    assert tracker.current(244.0) == Activity(X, "cargo test")
    assert tracker.current(245.0) == Activity(ActivityKind.IDLE)


def test_waiting_never_decays_and_commentary_keeps_working_kind() -> None:
    """Waiting for input stays; commentary refreshes a working kind without changing it."""
    tracker = ActivityTracker()
    tracker.turn_ended(100.0)
    assert tracker.current(1e9) == Activity(W)
    tracker.commentary(200.0)
    assert tracker.current(201.0) == Activity(ActivityKind.THINKING)
    tracker.call_started(None, Activity(R, "a.py"), 210.0)
    tracker.commentary(240.0)
    assert tracker.current(280.0) == Activity(R, "a.py")
    assert tracker.current(285.0) == Activity(ActivityKind.IDLE)


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("project/.env", None),
        (".env.local", None),
        ("config/credentials.json", None),
        ("~/.ssh/id_ed25519", None),
        ("certs/server.key", None),
        ("github-token.txt", None),
        ("docs/my-secret-plan.md", None),
        ("src/tokenizer.py", "tokenizer.py"),
        ("src/app.py", "app.py"),
        # Whatever the position of the tell-tale part (issue 11).
        ("deploy/production.env", None),
        ("env.production", None),
        (".envrc", None),
        ("id_rsa", None),
        ("id_ed25519.pub", None),
        ("server.key", None),
        ("server.key.bak", None),
        ("private.pem.old", None),
        ("x.pem", None),
        ("credentials.json", None),
        ("gcp-credentials.json", None),
        ("secrets.yaml", None),
        ("my.token.txt", None),
        ("apikey", None),
        ("APIKEY.txt", None),
        ("openai_api_key", None),
        ("db_password.txt", None),
        (".netrc", None),
        (".git-credentials", None),
        ("~/.codex/auth.json", None),
        ("keystore.jks", None),
        ("cert.p12", None),
        ("prod.tfvars", None),
        ("service-account.json", None),
        ("htpasswd", None),
        # Ordinary names that merely contain such letters stay visible.
        ("keyboard.py", "keyboard.py"),
        ("monkey_patch.py", "monkey_patch.py"),
        ("environment.ts", "environment.ts"),
        ("tokens_test.py", None),  # a word "tokens": hidden, privacy over completeness
        ("README.md", "README.md"),
        ("authors.txt", "authors.txt"),
    ],
)
def test_files_that_hold_secrets_are_not_named(name: str, shown: str | None) -> None:
    """Reading .env or a key file shows only "Reading"."""
    assert sanitize_file_target(name) == shown
