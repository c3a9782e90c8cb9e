"""The command line front end: `citebot` / `python -m bot`."""
