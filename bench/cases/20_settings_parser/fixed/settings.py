class SettingsError(Exception):
    """Raised for malformed settings text."""

    def __init__(self, lineno, message):
        super().__init__(f"line {lineno}: {message}")
        self.lineno = lineno


def parse_settings(text):
    """Parse 'key = value' lines. Blank lines and '#' comments are ignored.

    Values that look like integers become ints. Any other non-blank line is an
    error reported with its 1-based line number.
    """
    result = {}
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            key, value = line.split("=", 1)
        except ValueError:
            raise SettingsError(lineno, f"expected key = value, got {line!r}") from None
        key, value = key.strip(), value.strip()
        if not key:
            raise SettingsError(lineno, "empty key")
        try:
            result[key] = int(value)
        except ValueError:
            result[key] = value
    return result
