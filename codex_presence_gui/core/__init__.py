"""Qt-free domain core: Codex log reading, session snapshots and display formatting.

NOTE: nothing in this package may import PySide6, shiboken6 or pypresence; a test enforces it.
"""
