"""The saver's new file, known to the GUI thread so that a save given up leaves none behind."""

from __future__ import annotations

from pathlib import Path

from codex_presence_gui.services.file_saver import NewFile


def test_a_new_file_given_up_is_removed(tmp_path: Path) -> None:
    new = tmp_path / ".usage.csv.0a1b2c3d.tmp"
    new.write_text("half")
    user = tmp_path / "usage.csv"
    user.write_text("kept,1\n")
    new_file = NewFile()
    new_file.made(str(new))
    new_file.discard()
    assert [path.name for path in tmp_path.iterdir()] == ["usage.csv"]


def test_a_new_file_made_after_the_save_was_given_up_is_removed_at_once(tmp_path: Path) -> None:
    """The quit came while the save's thread was making the file (its path not known yet):
    the thread removes it itself as soon as it is told."""
    new_file = NewFile()
    new_file.discard()
    new = tmp_path / ".usage.csv.0a1b2c3d.tmp"
    new.write_text("")
    new_file.made(str(new))
    assert not new.exists()


def test_a_save_that_ended_has_nothing_to_remove(tmp_path: Path) -> None:
    """Once renamed, the new file's path is free: a later give-up removes nothing there
    (a file made at that path since is someone else's)."""
    new_file = NewFile()
    new = tmp_path / ".usage.csv.0a1b2c3d.tmp"
    new_file.made(str(new))
    new_file.done()
    new.write_text("someone else's")
    new_file.discard()
    assert new.exists()
