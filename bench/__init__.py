"""The tgfix benchmark: repair methods compared over bench/cases/ (python -m bench --help)."""
