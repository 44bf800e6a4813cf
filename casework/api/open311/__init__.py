"""Open311 GeoReport v2 with mySociety's update extension, for FixMyStreet and council web forms."""
