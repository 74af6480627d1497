"""An agency's timeline as TimelineJS JSON, CSV and iCalendar, and facts as Atom feeds.

The modules render entries that were already queried and do no I/O. Exports yield their text
in chunks, so that the HTTP layer can stream a large one.
"""
