"""Minimal INI reader with typed getters.

Syntax: [section] headers, "key = value" or "key: value" pairs, ';' or '#'
comment lines, and indented continuation lines appended to the previous value.
Keys are case-insensitive. Keys before any section go to the "DEFAULT"
section, whose values are visible from every section.
"""

_TRUE = {"1", "yes", "true", "on"}
_FALSE = {"0", "no", "false", "off"}
_NO_FALLBACK = object()


class ConfigError(Exception):
    pass


class MissingOption(ConfigError, KeyError):
    pass


class Config:
    def __init__(self):
        self._sections = {"DEFAULT": {}}

    # -- parsing ------------------------------------------------------------------
    @classmethod
    def parse(cls, text):
        cfg = cls()
        section = "DEFAULT"
        last_key = None
        for lineno, raw in enumerate(text.splitlines(), start=1):
            if not raw.strip() or raw.lstrip()[0] in ";#":
                continue
            if raw[0] in " \t" and last_key is not None:
                current = cfg._sections[section][last_key]
                cfg._sections[section][last_key] = (current + "\n" + raw.strip()).strip()
                continue
            line = raw.strip()
            if line.startswith("["):
                if not line.endswith("]") or len(line) < 3:
                    raise ConfigError(f"line {lineno}: bad section header {line!r}")
                section = line[1:-1].strip()
                cfg._sections.setdefault(section, {})
                last_key = None
                continue
            sep_positions = [p for p in (line.find("="), line.find(":")) if p > 0]
            if not sep_positions:
                raise ConfigError(f"line {lineno}: expected key = value")
            pos = min(sep_positions)
            key = line[:pos].strip().lower()
            cfg._sections[section][key] = line[pos + 1:].strip()
            last_key = key
        return cfg

    # -- access -----------------------------------------------------------------------
    def sections(self):
        return [name for name in self._sections if name != "DEFAULT"]

    def has_option(self, section, key):
        key = key.lower()
        return key in self._sections.get(section, {}) or key in self._sections["DEFAULT"]

    def get(self, section, key, fallback=_NO_FALLBACK):
        key = key.lower()
        if section not in self._sections:
            if fallback is not _NO_FALLBACK:
                return fallback
            raise ConfigError(f"no section {section!r}")
        for source in (self._sections[section], self._sections["DEFAULT"]):
            if key in source:
                return source[key]
        if fallback is not _NO_FALLBACK:
            return fallback
        raise MissingOption(f"{section}.{key}")

    def getint(self, section, key, fallback=_NO_FALLBACK):
        """Integer value. A missing option returns fallback when given; a value
        that is present but not an integer always raises ConfigError."""
        try:
            raw = self.get(section, key)
        except ConfigError:
            if fallback is _NO_FALLBACK:
                raise
            return fallback
        try:
            return int(raw)
        except ValueError:
            if fallback is _NO_FALLBACK:
                raise ConfigError(f"{section}.{key}: {raw!r} is not an integer") from None
            return fallback

    def getbool(self, section, key, fallback=_NO_FALLBACK):
        try:
            raw = self.get(section, key)
        except ConfigError:
            if fallback is _NO_FALLBACK:
                raise
            return fallback
        value = raw.lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ConfigError(f"{section}.{key}: {raw!r} is not a boolean")

    def getlist(self, section, key, fallback=_NO_FALLBACK):
        """Comma- or newline-separated list of non-empty items."""
        try:
            raw = self.get(section, key)
        except ConfigError:
            if fallback is _NO_FALLBACK:
                raise
            return fallback
        items = raw.replace("\n", ",").split(",")
        return [item.strip() for item in items if item.strip()]

    def items(self, section):
        merged = dict(self._sections["DEFAULT"])
        merged.update(self._sections.get(section, {}))
        return sorted(merged.items())
