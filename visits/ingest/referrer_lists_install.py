"""Refreshing the referrer lists from newer copies of Matomo's files, checked before they
replace the lists in use."""

import os
import shutil
import tempfile
from pathlib import Path

from visits.ingest.referrer_lists import (
    SPAM_FILE,
    ReferrerList,
    ReferrerListError,
    lists_directory,
    referrer_list,
    referrer_list_read,
)

# Matomo's file names (searchengine-and-social-list, referrer-spam-list) -> ours.
UPSTREAM_NAMES = {
    "SearchEngines.yml": "matomo-search-engines.yml",
    "Socials.yml": "matomo-socials.yml",
    "AIAssistants.yml": "matomo-ai-assistants.yml",
    "spammers.txt": SPAM_FILE,
}
# A refresh that loses these is a broken file, not a newer list.
MUST_KNOW = {"google.com": "Google", "facebook.com": "Facebook"}


def referrer_lists_install(
    *, source_dir: Path | None, spam_file: Path | None, into: Path
) -> ReferrerList:
    """Copy Matomo's lists found in `source_dir` (and the spam list `spam_file`) into `into`,
    the files not given kept from the lists in use; nothing is replaced unless all of them
    read. Raises ReferrerListError."""
    given: dict[str, Path] = {}
    if source_dir is not None:
        given = {
            ours: source_dir / theirs
            for theirs, ours in UPSTREAM_NAMES.items()
            if (source_dir / theirs).is_file()
        }
        if not given:
            names = ", ".join(UPSTREAM_NAMES)
            raise ReferrerListError(f"{source_dir} holds none of {names}.")
    if spam_file is not None:
        if not spam_file.is_file():
            raise ReferrerListError(f"No such file: {spam_file}")
        given[SPAM_FILE] = spam_file
    if not given:
        raise ReferrerListError("Name the new lists with --from DIR or --spam FILE.")
    current = lists_directory()
    into.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=into) as staging:
        staged = Path(staging)
        for name in UPSTREAM_NAMES.values():
            shutil.copyfile(given.get(name, current / name), staged / name)
        lists = referrer_list_read(staged)
        for host, name in MUST_KNOW.items():
            found = lists.source_for(host)
            if not found or found.name != name:
                raise ReferrerListError(f"The new lists don't know {host} as {name}.")
        for name in UPSTREAM_NAMES.values():
            os.replace(staged / name, into / name)
    referrer_list.cache_clear()
    return lists
