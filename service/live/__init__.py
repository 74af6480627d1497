"""Live delivery of new events: one database listener per process, fanned out to subscribers."""

from service.live.hub import Batch, LiveFeed, NotConnected, Subscription, TooManySubscribers

__all__ = ["Batch", "LiveFeed", "NotConnected", "Subscription", "TooManySubscribers"]
