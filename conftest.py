"""The fixtures of every test, in the feature packages and in tests/."""

pytest_plugins = ["tests.fixtures"]
