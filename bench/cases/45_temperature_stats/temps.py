def summarize(readings):
    """readings: list of (city, celsius). Returns per-city min/max/mean."""
    stats = {}
    for city, temp in readings:
        s = stats.get(city)
        if s is None:
            stats[city] = {"min": temp, "max": temp, "sum": temp, "n": 1}
            continue
        if temp < s["min"]:
            s["min"] = temp
        if temp < s["max"]:
            s["max"] = temp
        s["sum"] += temp
        s["n"] += 1
    return {
        city: {"min": s["min"], "max": s["max"], "mean": round(s["sum"] / s["n"], 2)}
        for city, s in stats.items()
    }


def hottest_city(readings):
    summary = summarize(readings)
    return max(summary, key=lambda c: summary[c]["max"]) if summary else None
