"""Reports: the managers' dashboard, the Flycapture return and the scrutiny performance report."""
