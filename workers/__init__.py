"""The Celery side: the Celery app bound to Flask, task modules and the beat schedule."""
