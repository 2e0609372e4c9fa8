"""docs/benchmarks.md is written by several scripts, each its own section between
markers: one script's run never erases another's figures.

    write_section("docs/benchmarks.md", "scale", "Scale: synthetic knowledge bases", text)
"""
import os

__all__ = ["write_section"]


def write_section(path, name, title, text):
    """Put ``text`` between the markers of section ``name`` in the Markdown file ``path``
    (a new section headed ``title`` at the end when the markers are missing)."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    document = open(path, encoding="utf-8").read() if os.path.exists(path) else "# Benchmarks\n"
    block = f"{begin}\n{text.rstrip()}\n{end}"
    if begin in document and end in document:
        document = (document[:document.index(begin)] + block +
                    document[document.index(end) + len(end):])
    else:
        document = document.rstrip() + f"\n\n## {title}\n\n{block}\n"
    with open(path, "w", encoding="utf-8") as f:
        f.write(document)
