"""Cross-cutting pieces every area uses: types, access control, CSRF, security headers, dates."""
