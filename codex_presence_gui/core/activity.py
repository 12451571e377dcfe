"""Activity detection: classify tool calls into plain words and decay to Idle against the clock.

Targets are reduced on purpose: a file's basename or a command's first word (two for a few
well-known tools), never arguments, URLs, patterns or environment assignments.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from functools import cache

from codex_presence_gui.core.models import Activity, ActivityKind

TYPE_CHECKING = False  # typing is not imported at run time: see records
if TYPE_CHECKING:
    from typing import Any

#: A working session with no new signal for this long is shown as Idle.
IDLE_AFTER_SECONDS = 45.0
MAX_TARGET_CHARS = 72

_SHELLS = frozenset({"bash", "sh", "zsh", "dash", "fish", "pwsh", "powershell", "cmd"})
_SHELL_SCRIPT_FLAGS = frozenset({"-c", "-lc", "-ic", "-command", "/c", "-encodedcommand"})
_PREFIX_WORDS = frozenset({"sudo", "time", "env", "nohup", "exec", "command", "builtin"})
_SETUP_WORDS = frozenset({"cd", "pushd", "set", "export", "source", ".", "set-location", "setopt"})

#: Commands shown by name; anything else is shown as "command" so private tool names never leak.
_ALLOWED_COMMANDS = frozenset(
    [
        "bash",
        "bun",
        "cargo",
        "cat",
        "clang",
        "cmake",
        "cmd",
        "composer",
        "cp",
        "curl",
        "dart",
        "deno",
        "diff",
        "docker",
        "dotnet",
        "echo",
        "find",
        "flutter",
        "g++",
        "gcc",
        "gh",
        "git",
        "go",
        "gradle",
        "grep",
        "java",
        "jq",
        "just",
        "kubectl",
        "ls",
        "make",
        "mkdir",
        "mv",
        "mvn",
        "mypy",
        "node",
        "npm",
        "npx",
        "php",
        "pip",
        "pip3",
        "pnpm",
        "powershell",
        "pwsh",
        "pytest",
        "python",
        "python3",
        "rg",
        "rm",
        "ruby",
        "ruff",
        "rustc",
        "sed",
        "sh",
        "swift",
        "tsc",
        "type",
        "uv",
        "uvx",
        "wc",
        "yarn",
        "zig",
    ]
)
_SUBCOMMANDS: Mapping[str, frozenset[str]] = {
    "cargo": frozenset({"build", "check", "clippy", "fmt", "run", "test"}),
    "git": frozenset(
        {"add", "branch", "commit", "diff", "fetch", "log", "pull", "push", "show", "status", "tag"}
    ),
    "npm": frozenset({"install", "test", "run", "ci", "build"}),
    "pnpm": frozenset({"install", "test", "run", "build"}),
    "yarn": frozenset({"install", "test", "run", "build"}),
    "bun": frozenset({"install", "test", "run", "build"}),
    "uv": frozenset({"run", "sync", "pip", "lock"}),
    "go": frozenset({"build", "test", "run", "vet"}),
    "docker": frozenset({"build", "run", "compose", "ps"}),
}

#: Package managers whose ``run`` names a script, and the script names common enough to show
#: (``npm run build``); any other name stays private (``npm run``: a script's name can tell
#: a client or a deploy target).
_SCRIPT_RUNNERS = frozenset({"npm", "pnpm", "yarn", "bun", "uv"})
_COMMON_SCRIPTS = frozenset(
    {
        "build",
        "check",
        "coverage",
        "dev",
        "e2e",
        "fmt",
        "format",
        "lint",
        "preview",
        "serve",
        "start",
        "test",
        "typecheck",
        "watch",
    }
)

#: Commands that read a file; the value lists the flags that take a value (lower-case).
_READ_COMMANDS: Mapping[str, frozenset[str]] = {
    "cat": frozenset(),
    "type": frozenset(),
    "bat": frozenset({"-l", "--language", "-r", "--line-range"}),
    "less": frozenset(),
    "more": frozenset(),
    "nl": frozenset({"-b", "-w", "-s", "-v", "-i"}),
    "head": frozenset({"-n", "-c"}),
    "tail": frozenset({"-n", "-c"}),
    "get-content": frozenset(
        {"-totalcount", "-head", "-tail", "-encoding", "-delimiter", "-readcount", "-first"}
    ),
    "gc": frozenset({"-totalcount", "-head", "-tail", "-encoding"}),
    "select-string": frozenset({"-pattern", "-encoding", "-context", "-include", "-exclude"}),
    "sls": frozenset({"-pattern", "-encoding", "-context"}),
    "get-childitem": frozenset({"-filter", "-include", "-exclude", "-depth"}),
    "gci": frozenset({"-filter", "-include", "-exclude", "-depth"}),
}
_RG_VALUE_FLAGS = frozenset(
    [
        "--glob",
        "--iglob",
        "--type",
        "--type-not",
        "--max-filesize",
        "--sort",
        "--sortr",
        "--engine",
        "--replace",
        "--file",
        "--max-count",
        "--context",
        "--before-context",
        "--after-context",
        "--threads",
        "--max-depth",
        "-g",
        "-t",
        "-T",
        "-m",
        "-A",
        "-B",
        "-C",
        "-j",
        "-M",
        "-S",
        "-e",
        "-f",
        "-r",
    ]
)
#: File names that say what they hold are never shown as a target. A name is cut into words at
#: dots, dashes, underscores and spaces, so that the tell-tale word counts wherever it stands:
#: "production.env", ".env.local" and "env.production" alike, "server.key" and "key.pem.bak".
_SECRET_WORDS = frozenset(
    {
        "env",
        "envrc",
        "dotenv",
        "pem",
        "key",
        "keys",
        "privkey",
        "privatekey",
        "apikey",
        "apikeys",
        "p12",
        "pfx",
        "jks",
        "keystore",
        "kdbx",
        "gpg",
        "asc",
        "ppk",
        "token",
        "tokens",
        "netrc",
        "npmrc",
        "pypirc",
        "pgpass",
        "htpasswd",
        "passwd",
        "shadow",
        "kubeconfig",
        "tfvars",
        "tfstate",
    }
)


# Patterns in functions are compiled when first used (50 µs each at import otherwise): a
# report that reads a few new lines needs few of them.
# Parts of words that give a secret away inside longer words ("my-secrets", "apikey.txt",
# "db_password", "gcp-credentials"), and the names of SSH keys ("id_rsa", "id_ed25519.pub").
@cache
def _secret_parts() -> re.Pattern[str]:
    return re.compile(
        r"secret|credential|passw|apikey|api_key|api-key|access_key|private_key|auth_token"
        r"|^id_(rsa|dsa|ecdsa|ed25519)|^auth\.json$|^\.git-credentials$|service[-_]?account",
        re.IGNORECASE,
    )


@cache
def _name_words() -> re.Pattern[str]:
    return re.compile(r"[._\-\s]+")


def is_secret_name(name: str) -> bool:
    """True for a file name that looks like it holds secrets (keys, tokens, ``.env`` files)."""
    if _secret_parts().search(name):
        return True
    return any(word in _SECRET_WORDS for word in _name_words().split(name.lower()) if word)


@cache
def _patch_path() -> re.Pattern[str]:
    return re.compile(r"^\*\*\* (?:Update File|Add File|Delete File|Move to): (.+)$", re.M)


@cache
def _assignment() -> re.Pattern[str]:
    return re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def sanitize_file_target(path: str) -> str | None:
    """Reduce a path to its basename (``/`` and ``\\`` on every host), at most 72 characters;
    None for names that look like they hold secrets (``.env``, keys, credentials)."""
    text = path.strip().strip("\"'`")
    if not text or "://" in text or text.startswith("-"):
        return None
    base = re.split(r"[\\/]", text.rstrip("/\\"))[-1].strip()
    if not base or base in (".", "..") or is_secret_name(base):
        return None
    return base[:MAX_TARGET_CHARS]


def patch_target(patch_text: str) -> str | None:
    """The first file an ``apply_patch`` text touches, as a basename."""
    match = _patch_path().search(patch_text)
    return sanitize_file_target(match.group(1)) if match else None


def _split_words(statement: str) -> list[str]:
    # Backslashes are path separators on Windows, not escapes: lex those lines non-POSIX.
    import shlex  # only needed once a command is seen; keeps start-up light

    posix = "\\" not in statement
    try:
        lexer = shlex.shlex(statement, posix=posix, punctuation_chars=True)
        lexer.whitespace_split = True
        words = list(lexer)
    except ValueError:
        words = statement.split()
    return words if posix else [word.strip("\"'") for word in words]


def _statements(script: str) -> list[list[str]]:
    """Split a shell script into simple commands (lines, then ``;``, ``&&``, ``||``, ``|``)."""
    statements: list[list[str]] = []
    for line in script.splitlines():
        current: list[str] = []
        for word in _split_words(line):
            if word and set(word) <= set(";&|()"):
                if current:
                    statements.append(current)
                current = []
            else:
                current.append(word)
        if current:
            statements.append(current)
    return statements


def _quote(word: str) -> str:
    import shlex

    return shlex.quote(word)


def _command_name(word: str) -> str:
    base = re.split(r"[\\/]", word)[-1].lower()
    return base[:-4] if base.endswith(".exe") else base


def _meaningful(words: list[str]) -> list[str]:
    """Drop environment assignments and wrappers such as ``sudo``; empty for setup statements."""
    index = 0
    while index < len(words) and (
        _assignment().match(words[index]) or _command_name(words[index]) in _PREFIX_WORDS
    ):
        index += 1
    words = words[index:]
    if not words:
        return []
    first = words[0]
    if first.startswith("$") or _command_name(first) in _SETUP_WORDS:
        return []  # PowerShell `$x = …`, `$env:X=…`, `cd dir`: setup, not the work itself
    return words


def _positionals(args: Sequence[str], value_flags: frozenset[str]) -> list[str]:
    positionals: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg == "--":
            continue
        if arg.startswith("-") and len(arg) > 1:
            skip = arg.lower() in value_flags
            continue
        positionals.append(arg)
    return positionals


def _flag_value(args: Sequence[str], *names: str) -> str | None:
    for index, arg in enumerate(args[:-1]):
        if arg.lower() in names:
            return args[index + 1]
    return None


def _read_target(verb: str, args: Sequence[str]) -> str | None:
    if verb == "rg":
        positionals = _positionals(args, _RG_VALUE_FLAGS)
        if "--files" in args:
            return sanitize_file_target(positionals[0]) if positionals else None
        # The first positional is the pattern: never shown.
        return sanitize_file_target(positionals[1]) if len(positionals) > 1 else None
    if verb == "sed":
        positionals = _positionals(args, frozenset({"-e", "-f", "--expression", "--file"}))
        has_script_flag = any(arg in ("-e", "--expression", "-f", "--file") for arg in args)
        files = positionals if has_script_flag else positionals[1:]
        return sanitize_file_target(files[0]) if files else None
    path = _flag_value(args, "-path", "-literalpath")
    if path is not None:
        return sanitize_file_target(path)
    positionals = _positionals(args, _READ_COMMANDS[verb])
    if verb in ("select-string", "sls") and "-pattern" not in {a.lower() for a in args}:
        positionals = positionals[1:]  # the pattern came first, positionally
    return sanitize_file_target(positionals[0]) if positionals else None


def _is_read(verb: str, args: Sequence[str]) -> bool:
    if verb == "sed":
        return "-n" in args and not any(arg.startswith("-i") for arg in args)
    return verb in _READ_COMMANDS or verb == "rg"


def _strip_redirections(words: Sequence[str]) -> tuple[list[str], str | None]:
    """Drop redirections (``> file``, ``2>&1``, heredocs); return the words and the output file."""
    kept: list[str] = []
    output: str | None = None
    skip_next = False
    for index, word in enumerate(words):
        if skip_next:
            skip_next = False
            continue
        is_operator = bool(word) and set(word) <= set("<>&") and ("<" in word or ">" in word)
        if is_operator:
            if word in (">", ">>") and index + 1 < len(words) and output is None:
                output = words[index + 1]
            skip_next = True
            continue
        next_is_operator = index + 1 < len(words) and set(words[index + 1]) <= set("<>&")
        if word.isdigit() and next_is_operator and words[index + 1]:
            continue  # the "2" of "2> file"
        kept.append(word)
    return kept, output


def _running_target(verb: str, args: Sequence[str]) -> str:
    if verb not in _ALLOWED_COMMANDS:
        return "command"
    subcommands = _SUBCOMMANDS.get(verb)
    if subcommands and args and args[0] in subcommands:
        if args[0] == "run" and verb in _SCRIPT_RUNNERS and len(args) > 1:
            # The script (or, for uv, the program) it runs, when common enough to show and
            # right after "run": after an option it could be that option's value
            # ("uv run --with build pytest").
            name = args[1]
            shown = _command_name(name) if verb == "uv" else name
            if shown in _COMMON_SCRIPTS or (verb == "uv" and shown in _ALLOWED_COMMANDS):
                return f"{verb} run {shown}"
        return f"{verb} {args[0]}"
    if verb == "rg" and "--files" in args:
        return "rg --files"
    return verb


def _shell_script(words: Sequence[str]) -> str | None:
    """The script of ``bash -lc "…"`` style wrappers, else None."""
    if len(words) >= 3 and _command_name(words[0]) in _SHELLS:
        for index, word in enumerate(words[1:-1], start=1):
            if word.lower() in _SHELL_SCRIPT_FLAGS:
                return words[index + 1]
    return None


def classify_command(command: str | Sequence[str]) -> Activity:
    """Classify a shell command into Reading/Editing/Running with a sanitized target."""
    if isinstance(command, str):
        script = command
    else:
        words = [str(word) for word in command]
        script = _shell_script(words) or " ".join(_quote(word) for word in words)
    for _depth in range(3):
        statements = [words for words in map(_meaningful, _statements(script)) if words]
        if not statements:
            return Activity(ActivityKind.RUNNING, None)
        inner = _shell_script(statements[0])
        if inner is None:
            break
        script = inner
    words, output_file = _strip_redirections(statements[0])
    if not words:
        return Activity(ActivityKind.RUNNING, None)
    verb = _command_name(words[0])
    args = words[1:]
    if verb == "apply_patch":
        return Activity(ActivityKind.EDITING, patch_target(script))
    if verb in ("cat", "echo", "printf") and output_file and not output_file.startswith("/dev/"):
        return Activity(ActivityKind.EDITING, sanitize_file_target(output_file))
    if _is_read(verb, args):
        return Activity(ActivityKind.READING, _read_target(verb, args))
    return Activity(ActivityKind.RUNNING, _running_target(verb, args))


def _decode_arguments(arguments: Any) -> Any:
    if isinstance(arguments, str):
        try:
            return json.loads(arguments)
        except ValueError:
            return arguments
    return arguments


#: The tools that run a shell command.
SHELL_TOOLS = frozenset({"shell", "shell_command", "exec_command", "container.exec", "local_shell"})

#: A shell command's call whose kind and target were not worked out (see ``classify_tool_call``):
#: working, as every command's classification is, so that the tracker's state after it (idle
#: clock, commentary) is the same.
COMMAND_NOT_CLASSIFIED = Activity(ActivityKind.RUNNING, None)


def classify_tool_call(name: str, arguments: Any, *, exact: bool = True) -> Activity:
    """Classify a ``function_call`` by tool name and its (JSON-string) arguments. Without
    ``exact``, a shell command is ``COMMAND_NOT_CLASSIFIED``, its arguments not even decoded:
    a backward scan's older calls, whose kind and target a later call overrides (splitting
    every command of a long turn had been a third of a first read's time)."""
    if not exact and name in SHELL_TOOLS:
        return COMMAND_NOT_CLASSIFIED
    args = _decode_arguments(arguments)
    mapping = args if isinstance(args, Mapping) else {}
    if name in SHELL_TOOLS:
        command = mapping.get("command")
        if command is None:
            command = mapping.get("cmd")
        if command is None and isinstance(args, str):
            command = args
        if isinstance(command, (str, list)) and command:
            return classify_command(command)
        return Activity(ActivityKind.RUNNING, None)
    if name == "apply_patch":
        text = (
            mapping.get("input") or mapping.get("patch") or (args if isinstance(args, str) else "")
        )
        return Activity(ActivityKind.EDITING, patch_target(text) if isinstance(text, str) else None)
    if name == "view_image":
        path = mapping.get("path") or mapping.get("image_path")
        return Activity(
            ActivityKind.READING, sanitize_file_target(path) if isinstance(path, str) else None
        )
    if name == "request_user_input":
        return Activity(ActivityKind.WAITING, None)
    return Activity(ActivityKind.RUNNING, None)


def classify_custom_tool_call(name: str, tool_input: Any) -> Activity:
    """Classify a ``custom_tool_call``: ``apply_patch`` edits a file, anything else runs."""
    if name == "apply_patch":
        return Activity(
            ActivityKind.EDITING,
            patch_target(tool_input) if isinstance(tool_input, str) else None,
        )
    return Activity(ActivityKind.RUNNING, None)


class ActivityTracker:
    """Per-session activity state, fed in log order and finalised against the clock.

    A plain class with slots (dataclasses is not imported by the usage index's reader)."""

    __slots__ = (
        "idle_candidate_at",
        "kind",
        "last_active_at",
        "last_effective_at",
        "last_event_at",
        "observed_at",
        "pending",
        "target",
    )

    def __init__(self) -> None:
        self.kind: ActivityKind | None = None
        self.target: str | None = None
        self.observed_at: float | None = None
        self.last_active_at: float | None = None
        self.last_effective_at: float | None = None
        self.idle_candidate_at: float | None = None
        self.last_event_at: float | None = None
        self.pending: dict[str, Activity] = {}

    def saw_line(self, ts: float | None) -> None:
        """Every line advances "last event"."""
        if ts is not None and (self.last_event_at is None or ts > self.last_event_at):
            self.last_event_at = ts

    def _effective(self, ts: float | None) -> None:
        if ts is not None and (self.last_effective_at is None or ts > self.last_effective_at):
            self.last_effective_at = ts

    def mark(self, activity: Activity, ts: float | None) -> None:
        """Set the current activity from a signal at ``ts``."""
        self.kind = activity.kind
        self.target = activity.target
        if ts is not None:
            self.observed_at = ts
            self.last_active_at = ts
        self._effective(ts)
        self.idle_candidate_at = None

    def call_started(self, call_id: str | None, activity: Activity, ts: float | None) -> None:
        """A tool call began: it is pending until its output arrives."""
        if call_id:
            self.pending[call_id] = activity
        self.mark(activity, ts)

    def call_finished(self, call_id: str | None, ts: float | None) -> None:
        """A tool call's output arrived: the kind stays, the idle clock may start."""
        if call_id:
            self.pending.pop(call_id, None)
        self._effective(ts)
        if not self.pending and self.kind is not None and self.kind.is_working:
            self.idle_candidate_at = ts

    def turn_started(self, ts: float | None) -> None:
        """A new turn began: calls of an earlier turn (killed mid-call) are over."""
        self.pending.clear()
        self.mark(Activity(ActivityKind.THINKING), ts)

    def commentary(self, ts: float | None) -> None:
        """An assistant progress message: Codex is still working."""
        if ts is not None and self.current(ts) == Activity(ActivityKind.IDLE):
            self.kind = ActivityKind.IDLE  # it had gone quiet: this is a fresh start
        if self.kind is None or not self.kind.is_working:
            self.mark(Activity(ActivityKind.THINKING), ts)
            return
        if ts is not None:
            self.last_active_at = ts
        self._effective(ts)

    def turn_ended(self, ts: float | None) -> None:
        """A final answer, completed or aborted turn: Codex waits for the user."""
        self.pending.clear()
        self.mark(Activity(ActivityKind.WAITING), ts)

    def effective_signal(self, ts: float | None) -> None:
        """A sign of life that does not change the activity (paginated ``item_completed``)."""
        self._effective(ts)

    def current(self, now: float) -> Activity | None:
        """The activity as of ``now``: a working kind decays to Idle after 45 s without signals."""
        if self.kind is None:
            return None
        if self.pending or self.kind is ActivityKind.WAITING:
            return Activity(self.kind, self.target)
        if self.kind is ActivityKind.IDLE:
            return Activity(ActivityKind.IDLE)
        reference = self.reference_time()
        if reference is not None and now - reference >= IDLE_AFTER_SECONDS:
            return Activity(ActivityKind.IDLE)
        return Activity(self.kind, self.target)

    def reference_time(self) -> float | None:
        """The time the idle clock counts from."""
        if self.idle_candidate_at is not None:
            base: float | None = self.idle_candidate_at
        else:
            candidates = [
                t for t in (self.last_active_at, self.observed_at, self.last_event_at) if t
            ]
            base = max(candidates) if candidates else None
        times = [t for t in (base, self.last_effective_at) if t is not None]
        return max(times) if times else None

    def recency(self) -> float | None:
        """Newest of the signals that make a session recent (not mere log lines)."""
        times = [t for t in (self.last_effective_at, self.last_active_at, self.observed_at) if t]
        return max(times) if times else None
