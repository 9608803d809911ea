# At the folder root so pytest puts this folder on sys.path: tests import solution.py with a plain import.
# tgfix's plugin runs tests/test_visible.py, a file of top-level asserts, as one test.
pytest_plugins = ["tgfix.pytest_plugin"]
