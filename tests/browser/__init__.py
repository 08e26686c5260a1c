"""Browser tests: the real pages in Debian's chromium, driven through Playwright."""
