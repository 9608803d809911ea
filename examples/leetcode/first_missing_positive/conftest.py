# At the folder root so pytest puts this folder on sys.path: tests import solution.py with a plain import.
