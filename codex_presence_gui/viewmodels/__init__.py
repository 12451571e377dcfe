"""Item models and view state for the widgets (QtCore and QtGui only, no widgets)."""
