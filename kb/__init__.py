"""Knowledge: the help center's articles and every rule for reading them — text, index,
search, rendering, lint. Pure Python: no Flask, no database, nothing from bot/ or web/."""
