"""The flycapture report's pages."""
