def flatten_dict(data, sep="."):
    """{"a": {"b": 1}} -> {"a.b": 1}. Empty nested dicts are dropped."""
    flat = {}

    def walk(node, prefix):
        for key, value in node.items():
            full_key = f"{prefix}{sep}{key}" if prefix else str(key)
            if isinstance(value, dict):
                walk(value, full_key)
            else:
                flat[full_key] = value

    walk(data, "")
    return flat


def unflatten_dict(flat, sep="."):
    """Inverse of flatten_dict."""
    data = {}
    for compound, value in flat.items():
        node = data
        *parents, last = compound.split(sep)
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return data
