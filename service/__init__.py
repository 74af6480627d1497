"""Policy Timeline: an event-sourced timeline of AI policy facts."""
