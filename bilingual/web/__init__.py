"""The web page: library, edition preview and downloads, upload, glossary.

``app`` holds the routes, ``files`` serves edition files safely, ``jobs`` translates uploads in
the background through the same ``Pipeline`` as the CLI.
"""

from .app import create_app

__all__ = ["create_app"]
