"""Widgets: the only layer that imports QtWidgets (besides the composition root)."""
