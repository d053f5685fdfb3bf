"""Server-rendered pages for citizens and officers."""
