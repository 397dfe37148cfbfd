"""The agency's applicant-tracking system talking to the portal: CSV imports, the REST API and
webhooks. It sits above the domain apps: it calls their services and listens to their events;
nothing below imports it."""
