"""Comments and docs cite only documents that are in this repository: every `*.md` a source
file or a document names exists, and nothing cites numbered sections (`§`) of documents kept
elsewhere."""

import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = (
    *("server", "desktop", "devtools", "tests", "bench"),
    *("docs", "installer", ".ci", "resources"),
)
TEXT = {".py", ".md", ".sh", ".ps1", ".spec", ".toml", ".txt", ".yml", ".yaml", ".json"}
# A document name: a path of word characters ending in .md, not inside a URL or a longer name.
DOCUMENT = re.compile(r"(?<![\w.:/-])((?:\.\.?/)*[\w-]+(?:[./][\w-]+)*\.md)(?![\w-])")
# Documents of other public repositories, cited with their repository's name beside them.
ELSEWHERE = {"MANIFEST.md": "anthropics/mcpb"}
URL = re.compile(r"\b(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|io|dev|net)/\S*")


def sources() -> Iterator[Path]:
    yield ROOT / "README.md"
    yield ROOT / "pyproject.toml"
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*")):
            # Skip what tools put there (virtual environments, caches, installed packages).
            hidden = any(part.startswith(".") for part in path.relative_to(ROOT).parts[1:])
            generated = {"__pycache__", "node_modules"} & set(path.parts)
            if hidden or generated or not path.is_file():
                continue
            if (path.suffix in TEXT or path.name == "run") and path != Path(__file__):
                yield path


def cited_documents(text: str) -> Iterator[str]:
    yield from DOCUMENT.findall(URL.sub(" ", text))


def exists(document: str, cited_in: Path, text: str) -> bool:
    if ELSEWHERE.get(document, "\0") in text:
        return True
    return (cited_in.parent / document).is_file() or (ROOT / document).is_file()


def test_every_cited_document_is_in_the_repository():
    missing = []
    for path in sources():
        text = path.read_text(encoding="utf-8", errors="replace")
        missing += [
            f"{path.relative_to(ROOT)}: {document}"
            for document in cited_documents(text)
            if not exists(document, path, text)
        ]
    assert missing == []


def test_nothing_cites_numbered_sections_of_outside_documents():
    citing = [
        str(path.relative_to(ROOT))
        for path in sources()
        if "§" in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert citing == []


def test_the_scan_finds_document_names_and_skips_urls():
    text = (
        "see docs/wechat-formats.md, desktop-stack.md §2.3 and ../shared/reference/wechat-data.md;"
        " [a](time-ranges.md#queries), https://example.com/README.md, github.com/o/r/blob/x.md"
    )
    assert list(cited_documents(text)) == [
        "docs/wechat-formats.md",
        "desktop-stack.md",
        "../shared/reference/wechat-data.md",
        "time-ranges.md",
    ]
