"""Widgets: with the composition root, the only layer that may build widgets."""
