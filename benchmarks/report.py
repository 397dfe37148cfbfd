"""What the benchmark loads, and how it is judged: the pages, the budgets (each a ratio within
one run) and the table it prints (benchmarks/http_bench.py)."""

PAGES_DEEP = 50

# The pages, in the order of each round. `who`: whose session loads it. `kind`: the ceiling
# (the cheapest signed-in request: every middleware, the session and the user, then a
# redirect, no template), a static file for scale, the recruiters' pages, and the admin's
# changelist as the fixed reference.
PAGES = [
    ("ceiling", "signed-in redirect (ceiling)", "recruiter", "ceiling"),
    ("static", "static file (whitenoise)", "recruiter", "info"),
    ("queue", "queue, default view", "recruiter", "recruiter"),
    ("search", "queue, search", "recruiter", "recruiter"),
    ("filtered", "queue, ?view=answered", "recruiter", "recruiter"),
    ("deep", f"queue, {PAGES_DEEP} pages deep", "recruiter", "recruiter"),
    ("request", "one request's page", "recruiter", "recruiter"),
    ("analytics", "analytics", "recruiter", "recruiter"),
    ("clients", "clients", "recruiter", "recruiter"),
    ("applications", "applications", "recruiter", "recruiter"),
    ("admin", "admin changelist (reference)", "admin", "reference"),
]
LABELS = {key: label for key, label, _, _ in PAGES}


def budget(name: str, value: float | None, goal: float, at_least: bool = True, why: str = "") -> dict:
    if value is None:
        return {"name": name, "value": None, "goal": goal, "pass": None, "note": why or "not measured"}
    ok = value >= goal if at_least else value <= goal
    return {"name": name, "value": round(value, 3), "goal": goal, "pass": ok, "note": why}


def budgets(runs: dict, small: int, big: int) -> list[dict]:
    def rps(size, key):
        page = runs[str(size)]["pages"].get(key)
        return page["rps"] if page and page["rps"] > 0 and not page["bad_responses"] else None

    def ratio(a, b):
        return a / b if a is not None and b else None

    def why(*pairs):
        gone = [f"{LABELS[key]} at {size:,}" for size, key in pairs if rps(size, key) is None]
        reasons = [runs[str(size)]["missing"].get(key, "") for size, key in pairs if rps(size, key) is None]
        return (
            (
                "not measured: "
                + "; ".join(f"{g} ({r})" if r else g for g, r in zip(gone, reasons, strict=True))
            )
            if gone
            else ""
        )

    b = f"{big // 1000}k"

    def of(name, goal, top, bottom):
        """A budget on rps(*top) / rps(*bottom)."""
        return budget(name, ratio(rps(*top), rps(*bottom)), goal, why=why(top, bottom))

    out = [
        of(f"queue default view at {b} ≥ 8× the admin changelist", 8, (big, "queue"), (big, "admin")),
        of(f"queue default view at {b} ≥ 0.04 of the ceiling", 0.04, (big, "queue"), (big, "ceiling")),
        of(f"queue search at {b} ≥ 0.5 of the default view", 0.5, (big, "search"), (big, "queue")),
        of(
            f"queue {PAGES_DEEP} pages deep at {b} ≥ 0.5 of the default view",
            0.5,
            (big, "deep"),
            (big, "queue"),
        ),
    ]
    for key, label, _, kind in PAGES:
        if kind == "recruiter":
            out.append(of(f"{label} at {b} ≥ 0.9× itself at {small // 1000}k", 0.9, (big, key), (small, key)))
    for name in runs[str(big)]["sweeps"]:
        t_big = runs[str(big)]["sweeps"][name]["seconds"]
        t_small = runs[str(small)]["sweeps"].get(name, {}).get("seconds")
        out.append(
            budget(f"sweep '{name}' at {b} ≤ 1.2× itself at {small // 1000}k", ratio(t_big, t_small), 1.2,
                   at_least=False)
        )  # fmt: skip
    return out


def table(runs: dict, sizes: list[int], results_budgets: list[dict]) -> str:
    lines = []
    head = "".join(f"{f'{s:,}':>12}" for s in sizes)
    lines.append(f"{'page (requests/second, median)':<36}{head}{'ratio':>8}")
    for key, label, *_ in PAGES:
        cells, values = "", []
        for s in sizes:
            page = runs[str(s)]["pages"].get(key)
            if page:
                flag = "!" if page["bad_responses"] else ""
                cells += f"{page['rps']:>11.1f}{flag or ' '}"
                values.append(page["rps"])
            else:
                cells += f"{'—':>11} "
        ratio = f"{values[-1] / values[0]:>8.2f}" if len(values) == len(sizes) and values[0] else ""
        lines.append(f"{label:<36}{cells}{ratio}")
    lines.append("")
    lines.append(
        f"{'sweep (seconds, median; due → done)':<36}"
        + "".join(f"{f'{s:,}':>22}" for s in sizes)
        + f"{'ratio':>8}"
    )
    for name in runs[str(sizes[-1])]["sweeps"]:
        cells, values = "", []
        for s in sizes:
            sweep = runs[str(s)]["sweeps"].get(name)
            cells += (
                f"{sweep['seconds']:>8.2f} s {sweep['due']:>5} → {sweep['done']:>4}"
                if sweep
                else f"{'—':>22}"
            )
            values.append(sweep["seconds"] if sweep else None)
        ratio = f"{values[-1] / values[0]:>8.2f}" if None not in values and values[0] else ""
        lines.append(f"{name:<36}{cells}{ratio}")
    lines.append("")
    lines.append("budgets")
    for item in results_budgets:
        verdict = {True: "pass", False: "SHORT", None: "not measured"}[item["pass"]]
        value = "—" if item["value"] is None else f"{item['value']:.3g}"
        lines.append(f"  {verdict:<13}{item['name']:<62} {value:>8}  (goal {item['goal']})")
        if item.get("note"):
            lines.append(f"  {'':<13}{item['note']}")
    return "\n".join(lines)
