"""The RQ worker ``fieldwork worker`` runs: RQ's SimpleWorker, with a shutdown that is prompt.

RQ 3.0 listens for its commands (stop a job, shut down) on a Redis channel in a thread that
waits up to 60 s for a message, and on shutdown it unsubscribes and then waits for that thread
(redis-py 8's ``PubSubWorkerThread.stop`` joins without a limit). When the thread has already
taken the unsubscribe reply and gone back to waiting, the warm shutdown hangs for up to a
minute: longer than a service manager's patience, so the worker is killed instead of leaving
cleanly. Here the listener wakes every second, which bounds that wait.
"""

from __future__ import annotations

from rq import SimpleWorker

LISTEN_SECONDS = 1.0


class Worker(SimpleWorker):
    """Runs jobs in this process (no fork); stops within about a second once idle."""

    def subscribe(self) -> None:
        """Subscribe to this worker's command channel, with a listener that wakes every
        ``LISTEN_SECONDS``."""
        self.log.info("Worker %s: subscribing to channel %s", self.name,
                      self.pubsub_channel_name)
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(
            sleep_time=LISTEN_SECONDS, daemon=True,
            exception_handler=self._pubsub_exception_handler)
