"""Collects benchmark figures so that the run prints them (not timed assertions)."""

FIGURES: list[tuple[str, str]] = []


def report(name: str, figure: str) -> None:
    FIGURES.append((name, figure))
    print(f"\n[bench] {name}: {figure}")
