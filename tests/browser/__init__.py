"""Browser tests: officers' pages driven in headless Chromium through Playwright."""
