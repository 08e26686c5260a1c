"""Home page for each role, and the public landing page."""
