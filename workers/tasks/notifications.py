"""Outbox tasks: dispatch due messages (beat runs it every MAIL_DISPATCH_SECONDS; commits trigger it)."""

from __future__ import annotations

from celery import shared_task
from flask import current_app

from casework.notifications import services


@shared_task(bind=True, name="casework.notifications.dispatch", ignore_result=True)
def dispatch(self) -> int:
    """Send due outbox messages; if some were sent and more are due, run again at once.

    Returns how many were sent. A run that sent nothing does not requeue itself (the provider may
    be down: the rows wait for their backoff and beat's next run). The next run goes to the queue
    this one came from, so a deployment that routes dispatching to its own queue keeps it there.
    """
    sent = services.dispatch_pending(limit=current_app.config["MAIL_DISPATCH_LIMIT"])
    if sent and services.has_due_messages():
        queue = (self.request.delivery_info or {}).get("routing_key")
        self.apply_async(queue=queue, expires=max(current_app.config["MAIL_DISPATCH_SECONDS"], 30))
    return sent
