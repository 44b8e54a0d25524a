from tests._browser import browser  # noqa: F401
