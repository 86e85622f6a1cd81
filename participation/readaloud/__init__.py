"""Read-aloud audio made on the server, for devices that have no voice for the page's language.

The browser's own speech synthesis comes first (static/js/child.js); this area is the fallback:
`service` makes speech with espeak-ng and keeps it in a small cache, `routes` serves it to an
unlocked child session.
"""
