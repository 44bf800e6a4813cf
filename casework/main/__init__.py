"""Start pages for each role, navigation and the site's fixed pages."""
