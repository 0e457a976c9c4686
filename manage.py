#!/usr/bin/env python
"""Django's command-line utility for a checkout; installed, the same is the `tracker` command."""

from tracker_project.manage import main

if __name__ == "__main__":
    main()
