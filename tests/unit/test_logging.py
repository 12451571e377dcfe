"""Logs: a size-capped file, Qt's messages in it, and errors reported without dying."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import ClassVar

import pytest
from PySide6.QtCore import qWarning
from pytestqt.qtbot import QtBot

from codex_presence_gui import logging_setup
from codex_presence_gui.app import ErrorReporter
from codex_presence_gui.services import qt_logging
from tests.helpers.special_files import full_device, unblocked


@pytest.fixture
def restore_logging() -> object:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield None
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


def test_rotating_log_file(tmp_path: Path, restore_logging: object) -> None:
    """The log goes to a file in the log folder and rotates before growing large."""
    path = logging_setup.configure(tmp_path / "log")
    assert path == tmp_path / "log" / "codex-presence.log"
    logger = logging.getLogger("codex_presence_gui.test")
    for _ in range(3000):
        logger.info("x" * 500)
    files = sorted(p.name for p in (tmp_path / "log").iterdir())
    assert files[:2] == ["codex-presence.log", "codex-presence.log.1"]
    assert len(files) <= 1 + logging_setup.BACKUPS
    assert all(
        (tmp_path / "log" / f).stat().st_size <= logging_setup.MAX_BYTES + 1000 for f in files
    )


def test_unwritable_log_folder_is_not_fatal(tmp_path: Path, restore_logging: object) -> None:
    """A log folder that cannot be created: no file, no crash."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert logging_setup.configure(blocker / "log") is None


@pytest.mark.qt_no_exception_capture
def test_qt_messages_reach_the_log(qtbot: QtBot, caplog: pytest.LogCaptureFixture) -> None:
    """Qt's warnings arrive in Python logging; harmless ones quietly: offscreen notes, and no
    file manager to open a folder with (which the window itself says, with the folder)."""
    qt_logging.install()
    try:
        with caplog.at_level(logging.DEBUG, logger="qt"):
            qWarning("something odd in Qt")
            qWarning("This plugin does not support raise()")
            qWarning("Unable to detect a launcher for 'file:///home/me/log'")
            qWarning('Detected locale "C" with character encoding "ANSI_X3.4-1968", which')
    finally:
        from PySide6.QtCore import qInstallMessageHandler

        qInstallMessageHandler(None)
    records = {
        (r.levelno, r.getMessage().split(": ", 1)[1]) for r in caplog.records if r.name == "qt"
    }
    assert (logging.WARNING, "something odd in Qt") in records
    assert (logging.DEBUG, "This plugin does not support raise()") in records
    assert (logging.DEBUG, "Unable to detect a launcher for 'file:///home/me/log'") in records
    # Handled by Qt itself (it switches to C.UTF-8): logged, not printed at each start.
    assert (
        logging.INFO,
        'Detected locale "C" with character encoding "ANSI_X3.4-1968", which',
    ) in records


def test_uncaught_errors_are_logged_and_survived(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    """The excepthook writes the traceback to the log and returns (the app keeps running)."""
    reporter = ErrorReporter(tmp_path / "codex-presence.log")
    try:
        raise ValueError("boom")
    except ValueError as error:
        with caplog.at_level(logging.ERROR):
            reporter(ValueError, error, error.__traceback__)
    assert "unexpected error" in caplog.text
    assert "ValueError: boom" in caplog.text


def test_the_error_dialog_stays_open_until_closed(
    monkeypatch: pytest.MonkeyPatch, qtbot: QtBot, tmp_path: Path
) -> None:
    """On a desktop the user is shown the error in a dialog that stays until they close it.
    Held only by a local, the parentless dialog had been deleted the moment it opened, so
    nobody ever saw it; a second error within 10 s opens none."""
    import shiboken6
    from PySide6.QtWidgets import QApplication, QMessageBox

    from codex_presence_gui import app

    monkeypatch.setattr(app, "offscreen", lambda: False)
    reporter = ErrorReporter(tmp_path / "codex-presence.log")

    def report(message: str) -> None:
        try:
            raise OSError(message)
        except OSError as error:
            reporter(OSError, error, error.__traceback__)

    def open_boxes() -> list[QMessageBox]:
        return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]

    report("disk on fire")
    QApplication.processEvents()
    (box,) = open_boxes()
    assert box.isVisible()
    assert "Something went wrong: disk on fire" in box.text()
    assert "The app keeps running." in box.text()
    report("again")  # within 10 s: logged, no second dialog
    assert open_boxes() == [box]
    box.close()  # deleted on close
    qtbot.waitUntil(lambda: not shiboken6.isValid(box))
    assert open_boxes() == []
    monkeypatch.setattr(reporter, "_last_dialog", 0.0)
    report("later")
    (later,) = open_boxes()
    assert "later" in later.text()
    assert reporter.dialogs == [later]  # the closed one is not kept
    later.close()
    qtbot.waitUntil(lambda: not shiboken6.isValid(later))


def test_closing_the_error_dialog_leaves_the_app_running_in_the_tray(
    monkeypatch: pytest.MonkeyPatch, qtbot: QtBot, tmp_path: Path
) -> None:
    """With the window hidden to the tray, the error dialog is the one window shown: closed,
    it had been taken for the app's last window closed, and the app quit (while it said
    "The app keeps running")."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    from codex_presence_gui import app

    monkeypatch.setattr(app, "offscreen", lambda: False)
    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    window.hide()  # to the tray
    reporter = ErrorReporter(tmp_path / "codex-presence.log")
    try:
        raise OSError("disk on fire")
    except OSError as error:
        reporter(OSError, error, error.__traceback__)
    (box,) = reporter.dialogs
    assert [w for w in qapp.topLevelWidgets() if w.isVisible()] == [box]
    QTimer.singleShot(50, box.accept)  # the user clicks OK
    ending = QTimer(singleShot=True, interval=1000)  # still running then: the test's end
    ending.timeout.connect(lambda: qapp.exit(7))
    ending.start()
    try:
        assert qapp.exec() == 7
    finally:
        ending.stop()  # (an app that quit: no later test's wait is ended by it)


class FakeBox:
    """Records where a message box would have been built."""

    built_on: ClassVar[list[bool]] = []

    class Icon:
        Warning = 0

    def __init__(self, *_args: object) -> None:
        FakeBox.built_on.append(threading.current_thread() is threading.main_thread())

    def setAttribute(self, *_args: object) -> None:
        pass

    def open(self) -> None:
        pass


@pytest.fixture
def fake_box(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Dialogs as on a desktop (not offscreen), but recorded instead of shown."""
    from codex_presence_gui import app

    FakeBox.built_on = []
    monkeypatch.setattr(app, "QMessageBox", FakeBox)
    monkeypatch.setattr(app, "offscreen", lambda: False)
    return FakeBox.built_on


@pytest.mark.parametrize("hook", ["sys.excepthook", "threading.excepthook"])
def test_errors_on_other_threads_are_told_on_the_gui_thread(
    hook: str, fake_box: list[bool], qtbot: QtBot, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    """A worker's error is logged there; the message box is built on the GUI thread only."""
    reporter = ErrorReporter(tmp_path / "codex-presence.log")

    def fail() -> None:
        try:
            raise OSError("pipe refused")
        except OSError as error:
            if hook == "sys.excepthook":
                reporter(OSError, error, error.__traceback__)
            else:
                reporter.thread_hook(
                    threading.ExceptHookArgs([OSError, error, error.__traceback__, None])
                )

    with caplog.at_level(logging.ERROR), qtbot.waitSignal(reporter.reported) as told:
        worker = threading.Thread(target=fail, name="discord")
        worker.start()
        worker.join()
        assert fake_box == []  # nothing built on the worker
    assert told.args == ["pipe refused"]
    assert fake_box == [True]
    assert "thread discord" in caplog.text
    assert "OSError: pipe refused" in caplog.text


def test_a_thread_that_exits_on_purpose_is_not_an_error(
    fake_box: list[bool], caplog: pytest.LogCaptureFixture
) -> None:
    reporter = ErrorReporter(None)
    with caplog.at_level(logging.ERROR):
        reporter.thread_hook(threading.ExceptHookArgs([SystemExit, SystemExit(0), None, None]))
    assert caplog.text == ""
    assert fake_box == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_log_file_that_is_a_fifo_is_refused_not_waited_on(
    tmp_path: Path, restore_logging: object, capsys: pytest.CaptureFixture[str]
) -> None:
    """Opening a FIFO to append waits for a reader for ever: the window never opened. It is
    refused, in words, and the app runs without a log file."""
    os.mkfifo(tmp_path / logging_setup.LOG_FILE)
    with unblocked(tmp_path / logging_setup.LOG_FILE) as hung:
        path = logging_setup.configure(tmp_path)
    assert not hung
    assert path is None
    assert (
        f"cannot write the log file {tmp_path / logging_setup.LOG_FILE}: it is not a regular file"
        in capsys.readouterr().err
    )


def test_a_log_folder_that_is_a_file_is_said_in_words(
    tmp_path: Path, restore_logging: object, capsys: pytest.CaptureFixture[str]
) -> None:
    """Which path is in the way, not Python's "[Errno 17] File exists: '...'"."""
    (tmp_path / "log").write_text("")
    assert logging_setup.configure(tmp_path / "log") is None
    err = capsys.readouterr().err
    assert f"{tmp_path / 'log'} is not a folder" in err
    assert "Errno" not in err


@pytest.mark.skipif(not full_device(), reason="needs /dev/full, the device")
def test_a_log_that_cannot_be_written_is_said_once(
    tmp_path: Path, restore_logging: object, capsys: pytest.CaptureFixture[str]
) -> None:
    """A full disk (here ``/dev/full`` behind the log file's name, refused as it is no file,
    then swapped in under the open handler): one line on standard error, not logging's
    traceback for every record, and the app goes on."""
    path = logging_setup.configure(tmp_path)
    assert path is not None
    handler = next(h for h in logging.getLogger().handlers if hasattr(h, "baseFilename"))
    assert isinstance(handler, logging.FileHandler)
    handler.close()
    handler.stream = open("/dev/full", "w", encoding="utf-8")  # noqa: SIM115 - closed by it
    logger = logging.getLogger("codex_presence_gui.test")
    for _ in range(3):
        logger.warning("a line the disk has no room for")
    handler.close()
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.count(f"cannot write the log file {path}: No space left on device") == 1


def test_the_terminal_gets_each_message_on_one_line_without_escapes(
    tmp_path: Path, restore_logging: object, capsys: pytest.CaptureFixture[str]
) -> None:
    """Messages name files in folders whose names may hold anything: the console shows them
    cleaned (the window's warnings had sent a base folder's escape sequence to the
    terminal); the log file keeps them as they were."""
    path = logging_setup.configure(tmp_path)
    assert path is not None
    logging.getLogger("codex_presence_gui.test").warning("in /a/\x1b[2Jb\nc")
    assert capsys.readouterr().err == "WARNING codex_presence_gui.test: in /a/b c\n"
    assert "in /a/\x1b[2Jb\nc" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("verbosity", [0, 2])
def test_what_the_caller_printed_goes_to_the_log_file_only(
    tmp_path: Path, restore_logging: object, capsys: pytest.CaptureFixture[str], verbosity: int
) -> None:
    """A refusal the window prints in its own words is logged too: kept in the file, not
    said on the terminal a second time (it had been, at any verbosity)."""
    path = logging_setup.configure(tmp_path, verbosity)
    assert path is not None
    logger = logging.getLogger("codex_presence_gui.test")
    logger.warning("printed already", extra=logging_setup.PRINTED)
    logger.info("printed too", extra=logging_setup.PRINTED)
    logger.warning("not printed")
    assert capsys.readouterr().err == "WARNING codex_presence_gui.test: not printed\n"
    kept = path.read_text(encoding="utf-8")
    assert "printed already" in kept
    assert "printed too" in kept


def test_a_locale_qt_changes_itself_is_not_printed_at_each_start(tmp_path: Path) -> None:
    """``LC_ALL=C``: Qt switches to C.UTF-8 and says so in four lines; the app's handler is in
    place before Qt starts, so they go to the log only (a screenshot prints its one line)."""
    home = tmp_path / "codex"
    (home / "sessions").mkdir(parents=True)
    env = {**os.environ, "LC_ALL": "C", "CODEX_PRESENCE_BASE_DIR": str(tmp_path / "base")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    out = tmp_path / "shot.png"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "codex_presence_gui",
            "screenshot",
            str(out),
            "--codex-home",
            str(home),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Detected locale" not in done.stderr
    assert out.is_file()
