"""Static file storage that works before `collectstatic` has run."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class CollectedOrSourceStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed, cached-for-ever names once collected; the files' own names before.

    Without a manifest, pages link to the plain names and WhiteNoise serves them from the
    package (settings.WHITENOISE_USE_FINDERS), so a server started before `collectstatic`
    still serves every page instead of failing on a missing manifest entry.
    """

    def stored_name(self, name):
        if not self.hashed_files:
            return name
        return super().stored_name(name)
