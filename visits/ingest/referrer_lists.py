"""The vendored referrer lists: which named source a referrer host belongs to, and which hosts
send referrer spam. Read once per process from `visits/ingest/data/` (see its README.md)."""

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings

DATA = Path(__file__).parent / "data"
# Matomo's files, then ours: a host listed in a later file wins.
SOURCE_FILES = (
    ("search", "matomo-search-engines.yml"),
    ("social", "matomo-socials.yml"),
    ("ai", "matomo-ai-assistants.yml"),
)
SUPPLEMENT_FILE = "supplement.yml"
SPAM_FILE = "matomo-referrer-spam.txt"
# The files a refresh replaces; the supplement is ours and always read from the package.
UPSTREAM_FILES = (*(file for _, file in SOURCE_FILES), SPAM_FILE)
CATEGORIES = ("search", "social", "ai", "email", "video", "shopping", "other")
WILDCARD = "{}"
# Second-level labels a `name.{}` entry also spans (google.co.uk), as Matomo reads them.
SECOND_LEVELS = frozenset({"com", "org", "net", "co", "it", "edu", "ac", "gov", "ne", "or"})
# The safe loader, in C where PyYAML was built with libyaml (ten times faster).
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Source:
    name: str
    category: str  # one of CATEGORIES


class ReferrerListError(ValueError):
    """A list file that is not laid out as expected."""


@dataclass
class ReferrerList:
    hosts: dict[str, Source]  # a host and its subdomains
    stems: dict[str, Source]  # `name.{}`: the host without its top-level domain
    names: dict[str, Source]  # lower-case source name, for utm_source=google
    spam: frozenset[str]

    def source_for(self, host: str) -> Source | None:
        """The named source of a normalised host (subdomains included), or None."""
        labels = host.split(".")
        for start in range(len(labels)):
            found = self.hosts.get(".".join(labels[start:]))
            if found:
                return found
            for tld in (1, 2):
                stem = labels[start:-tld]
                if stem and (tld == 1 or labels[-2] in SECOND_LEVELS):
                    found = self.stems.get(".".join(stem))
                    if found:
                        return found
        return None

    def is_spam(self, host: str) -> bool:
        labels = host.split(".")
        return any(".".join(labels[start:]) in self.spam for start in range(len(labels) - 1))

    def add(self, pattern: str, source: Source) -> None:
        pattern = pattern.strip().lower().rstrip(".")
        if not pattern or "/" in pattern:
            return  # Matomo's path entries (apollo.lv/portal/search/) are not host names
        if pattern.startswith("www."):
            pattern = pattern[4:]
        if pattern.startswith(WILDCARD + "."):
            pattern = pattern[3:]  # any subdomain: hosts match their suffixes anyway
        if pattern.endswith("." + WILDCARD):
            self.stems[pattern[:-3]] = source
        elif WILDCARD not in pattern:
            self.hosts[pattern] = source
        self.names.setdefault(source.name.lower(), source)


def _source_entries(category: str, tree: object, file: str):
    """(pattern, Source) pairs of one Matomo file: `Name: [hosts]` or, for search engines,
    `Name: [{urls: [hosts], ...}]`."""
    if not isinstance(tree, dict):
        raise ReferrerListError(f"{file}: expected a mapping of source names.")
    for name, entries in tree.items():
        if not isinstance(entries, list):
            raise ReferrerListError(f"{file}: {name!r} has no list of hosts.")
        source = Source(str(name), category)
        for entry in entries:
            patterns = entry.get("urls", []) if isinstance(entry, dict) else [entry]
            for pattern in patterns:
                yield str(pattern), source


def _yaml(path: Path) -> object:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)  # noqa: S506
    except yaml.YAMLError as error:
        raise ReferrerListError(f"{path.name}: not readable YAML ({error}).") from error


def lists_directory() -> Path:
    """REFERRER_LISTS_DIR once `referrer_lists_update` filled it, else the packaged lists."""
    refreshed = Path(settings.REFERRER_LISTS_DIR)
    return refreshed if all((refreshed / file).is_file() for file in UPSTREAM_FILES) else DATA


def referrer_list_read(directory: Path = DATA) -> ReferrerList:
    """Read the upstream lists in `directory` and our supplement; raises ReferrerListError
    (or OSError) if unusable."""
    found = ReferrerList(hosts={}, stems={}, names={}, spam=frozenset())
    for category, file in SOURCE_FILES:
        for pattern, source in _source_entries(category, _yaml(directory / file), file):
            found.add(pattern, source)
    supplement = _yaml(DATA / SUPPLEMENT_FILE)
    if not isinstance(supplement, dict):
        raise ReferrerListError(f"{SUPPLEMENT_FILE}: expected a mapping of kinds of source.")
    for category, tree in supplement.items():
        if category not in CATEGORIES:
            raise ReferrerListError(f"{SUPPLEMENT_FILE}: unknown kind of source {category!r}.")
        for pattern, source in _source_entries(category, tree, SUPPLEMENT_FILE):
            found.add(pattern, source)
            found.names[source.name.lower()] = source
    lines = (directory / SPAM_FILE).read_text(encoding="utf-8").split()
    found.spam = frozenset(line.strip().lower().removeprefix("www.") for line in lines)
    return found


@functools.cache
def referrer_list() -> ReferrerList:
    """The lists in use, read on first use (a refresh takes effect when processes restart)."""
    return referrer_list_read(lists_directory())
