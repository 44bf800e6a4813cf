"""The running system: worker heartbeats and health."""
