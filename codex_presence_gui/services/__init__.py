"""Qt services (QtCore and QtNetwork only): the session feed, later the Discord worker."""
