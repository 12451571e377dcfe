"""Item models and view state for the widgets (QtCore and QtGui, never QtWidgets)."""
