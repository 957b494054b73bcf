"""Anomaly alerts on deliveries: rules (rules.py) find what looks wrong in the metering
and the audit log, services.py raises one alert per finding and window (and may suspend
a key or the grant), pages.py shows them in the console and the portal."""
