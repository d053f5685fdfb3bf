"""Pure domain rules of Aduan: no Django, no I/O; the services and channels build on these."""
