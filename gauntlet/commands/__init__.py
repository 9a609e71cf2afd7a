"""The implementations of the ``gauntlet`` subcommands (parsed in :mod:`gauntlet.cli`)."""
