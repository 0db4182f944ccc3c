"""Checked by mypy and pyright (tests/test_typing.py), never run: the tags known before run time."""
