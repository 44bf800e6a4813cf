"""The outbox: every outbound e-mail is a row, sent by a Celery task through a configured sender."""
