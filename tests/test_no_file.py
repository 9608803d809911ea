"""`tgfix solve --tests tests` without FILES: the failing tests' tracebacks and coverage choose the file.

Each project is a real git repository: a small package `shop` of three modules, the bug in one of
them, its tests in tests/. The model's replies are scripted.
"""

import json
import shutil
from pathlib import Path

import git
import pytest

from conftest import cli, commit_all, fenced
from test_editable import make_venv, pip

PRICING = '''\
"""Prices and discounts."""


def discounted(total, percent):
    if percent < 0 or percent >= 100:
        raise ValueError(f"discount out of range: {percent}")
    return round(total * (100 - percent) / 100, 2)


def with_tax(amount, rate=0.2):
    return round(amount * (1 + rate), 2)
'''
FIXED_PRICING = PRICING.replace("percent >= 100", "percent > 100")
CART = '''\
"""A shopping cart."""

from shop.pricing import discounted, with_tax


class Cart:
    def __init__(self):
        self.items = []

    def add(self, name, price, quantity=1):
        self.items.append((name, price, quantity))

    def subtotal(self):
        return sum(price * quantity for _, price, quantity in self.items)

    def total(self, percent=0):
        return with_tax(discounted(self.subtotal(), percent))
'''
LABELS = '''\
"""Price labels."""


def label(name, price):
    return f"{name}: {price:.2f}"
'''
TESTS = {
    "test_pricing.py": '''\
from shop.pricing import discounted, with_tax


def test_half_price():
    assert discounted(80, 50) == 40


def test_free():
    assert discounted(80, 100) == 0


def test_tax():
    assert with_tax(10) == 12
''',
    "test_cart.py": '''\
from shop.cart import Cart


def test_subtotal():
    cart = Cart()
    cart.add("pen", 2, quantity=3)
    assert cart.subtotal() == 6


def test_total():
    cart = Cart()
    cart.add("pen", 10)
    assert cart.total() == 12


def test_total_free():
    cart = Cart()
    cart.add("pen", 10)
    assert cart.total(percent=100) == 0
''',
    "test_labels.py": '''\
from shop.labels import label


def test_label():
    assert label("pen", 2) == "pen: 2.00"
''',
}
PRICING_EVIDENCE = "2 of 2 failing tests' tracebacks end here, Ochiai 1.00 (line 6)"

# A cart whose bug makes a correct validator raise: the traceback ends in the validator, one step past the bug.
CHECKS = '''\
"""Checks of the values a cart is given."""


def require_positive(value, what):
    if value <= 0:
        raise ValueError(f"{what} must be positive, got {value}")
    return value
'''
CHECKED_CART = '''\
"""A shopping cart."""

from {checks} import require_positive


class Cart:
    def __init__(self):
        self.items = []

    def add(self, name, price, quantity=1):
        self.items.append((name, price, require_positive(quantity - 1, "quantity")))

    def count(self):
        return sum(quantity for _, _, quantity in self.items)
'''
CHECKED_TESTS = {
    "test_cart.py": '''\
from shop.cart import Cart


def test_add_one():
    cart = Cart()
    cart.add("pen", 2)
    assert cart.count() == 1


def test_add_three():
    cart = Cart()
    cart.add("pen", 2, quantity=3)
    assert cart.count() == 3
''',
    "test_checks.py": '''\
import pytest

from {checks} import require_positive


def test_rejects_zero():
    with pytest.raises(ValueError):
        require_positive(0, "quantity")
''',
}
TGFIX = '[tool.tgfix]\ntests = "tests"\ncache = false\n'


def solve(*args):
    return cli("solve", *args, "--model", "openai/scripted")


def make_project(root: Path, modules: dict[str, str], tests: dict[str, str]) -> Path:
    (root / "shop").mkdir(parents=True)
    (root / "shop" / "__init__.py").write_text('"""A shop."""\n')
    for name, source in modules.items():
        (root / "shop" / name).write_text(source)
    (root / "tests").mkdir()
    for name, source in tests.items():
        (root / "tests" / name).write_text(source)
    (root / "pyproject.toml").write_text(TGFIX)
    (root / ".gitignore").write_text("build/\n")
    commit_all(root, "a shop with a bug")
    return root


@pytest.fixture
def shop(tmp_path, monkeypatch):
    """The bug in shop/pricing.py: 2 of 7 tests fail, both with a traceback that ends there."""
    root = make_project(tmp_path / "shop", {"pricing.py": PRICING, "cart.py": CART, "labels.py": LABELS}, TESTS)
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def checked_shop(tmp_path, monkeypatch):
    """The bug in shop/cart.py (2 of 3 tests fail), but one failing test's traceback ends in shop/checks.py,
    which is correct."""
    checks = {"checks": "shop.checks"}
    root = make_project(tmp_path / "checked", {"checks.py": CHECKS, "cart.py": CHECKED_CART.format(**checks)},
                        {name: source.format(**checks) for name, source in CHECKED_TESTS.items()})
    monkeypatch.chdir(root)
    return root


@pytest.mark.slow
def test_without_files_repairs_the_file_the_failing_tests_point_at(shop, scripted):
    scripted += [fenced(FIXED_PRICING)]
    result = solve("--tests", "tests")
    assert result.exit_code == 0, result.output
    assert f"repairing shop/pricing.py (score 1.00: {PRICING_EVIDENCE})" in result.stderr
    assert "next, if tests still fail: shop/cart.py (score 0.25: Ochiai 0.50 (line 17))" in result.stderr
    assert (shop / "shop" / "pricing.py").read_text() == FIXED_PRICING
    assert "shop/pricing.py" in scripted.requests[0]["messages"][-1]["content"]
    assert len(scripted.requests) == 1  # every test passes after the first file: the next is not tried
    assert git.Repo(shop).git.log("--format=%s", "-1").startswith("tgfix: ")
    assert git.Repo(shop).git.status("--porcelain") == ""


@pytest.mark.slow
def test_json_names_the_chosen_files_and_why(shop, scripted):
    scripted += [fenced(FIXED_PRICING)]
    result = solve("--tests", "tests", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["files"] == ["shop/pricing.py"] and summary["exit_code"] == 0
    assert summary["tests"] == {"start": {"passed": 5, "total": 7}, "end": {"passed": 7, "total": 7}}
    assert summary["localized"] == [
        {"file": "shop/pricing.py", "score": 1.0, "evidence": PRICING_EVIDENCE},
        {"file": "shop/cart.py", "score": 0.25, "evidence": "Ochiai 0.50 (line 17)"}]


@pytest.mark.slow
def test_without_files_and_no_failing_test_nothing_to_repair(shop, scripted):
    (shop / "shop" / "pricing.py").write_text(FIXED_PRICING)
    git.Repo(shop).git.commit("-am", "fixed by hand")
    result = solve("--tests", "tests", "--json")
    assert result.exit_code == 0, result.output
    assert scripted.requests == []
    summary = json.loads(result.stdout)
    assert summary["files"] == [] and summary["tests"]["end"] == {"passed": 7, "total": 7}
    assert "tests 7/7 -> 7/7: all tests pass.\n0 iterations, 0 accepted and committed; 0 model calls" in result.stderr


def test_without_files_a_test_command_is_a_usage_error(shop, scripted):
    result = solve("--test-cmd", "python -m pytest -q tests")
    assert result.exit_code == 2
    assert result.stderr.strip() == ("tgfix: error: name the FILES to repair: with --test-cmd tgfix has no "
                                     "coverage to choose them by")


@pytest.mark.slow
def test_the_next_file_when_the_first_is_not_the_bug(checked_shop, scripted):
    """checks.py comes first (the traceback ends there); its run finds nothing, and cart.py is repaired
    next, within the same time budget."""
    fixed_cart = CHECKED_CART.format(checks="shop.checks").replace("quantity - 1", "quantity")
    scripted += ["I see no bug.", fenced(fixed_cart)]
    result = solve("--tests", "tests", "--max-iters", "1", "--no-second-opinion", "--json")
    assert result.exit_code == 0, result.output
    assert ("repairing shop/checks.py (score 0.66: 1 of 2 failing tests' tracebacks end here, Ochiai 0.82 (line 5))"
            in result.stderr)
    assert "next, if tests still fail: shop/cart.py (score 0.50: Ochiai 1.00 (line 11))" in result.stderr
    assert "tests 1/3 pass: repairing shop/cart.py next" in result.stderr
    assert "shop/checks.py" in scripted.requests[0]["messages"][-1]["content"]
    assert "shop/cart.py" in scripted.requests[1]["messages"][-1]["content"]
    summary = json.loads(result.stdout)
    assert summary["files"] == ["shop/checks.py", "shop/cart.py"]
    assert summary["iterations"] == 2 and summary["model_calls"] == 2
    assert (checked_shop / "shop" / "cart.py").read_text() == fixed_cart
    assert (checked_shop / "shop" / "checks.py").read_text() == CHECKS


@pytest.mark.slow
def test_max_files_from_the_environment(checked_shop, scripted, monkeypatch):
    monkeypatch.setenv("TGFIX_MAX_FILES", "1")
    scripted += ["I see no bug."]
    result = solve("--tests", "tests", "--max-iters", "1", "--no-second-opinion")
    assert result.exit_code == 3, result.output
    assert "shop/cart.py" not in result.stderr and len(scripted.requests) == 1


@pytest.fixture(scope="module")
def venv_with_strictcheck(tmp_path_factory) -> Path:
    """A real virtualenv with pytest and `strictcheck` (checks.py as a package) installed into site-packages."""
    base = tmp_path_factory.mktemp("installed")
    package = base / "strictcheck"
    (package / "strictcheck").mkdir(parents=True)
    (package / "strictcheck" / "__init__.py").write_text(CHECKS)
    (package / "pyproject.toml").write_text('[build-system]\nrequires = ["setuptools>=64"]\n'
                                            'build-backend = "setuptools.build_meta"\n'
                                            '[project]\nname = "strictcheck"\nversion = "1.0"\n')
    python = make_venv(base / "venv", "pytest", "setuptools>=70.1")
    pip(python, base, "install", "--quiet", "--no-index", "--no-build-isolation", str(package))
    shutil.rmtree(package)  # only the installed copy is left
    return python


@pytest.mark.slow
def test_a_traceback_into_an_installed_package_does_not_choose_it(tmp_path, monkeypatch, scripted,
                                                                   venv_with_strictcheck):
    checks = {"checks": "strictcheck"}
    root = make_project(tmp_path / "installed", {"cart.py": CHECKED_CART.format(**checks)},
                        {"test_cart.py": CHECKED_TESTS["test_cart.py"]})
    monkeypatch.chdir(root)
    fixed_cart = CHECKED_CART.format(**checks).replace("quantity - 1", "quantity")
    scripted += [fenced(fixed_cart)]
    result = solve("--tests", "tests", "--python", str(venv_with_strictcheck), "--json")
    assert result.exit_code == 0, result.output
    assert ("repairing shop/cart.py (score 0.75: 1 of 2 failing tests' tracebacks end here, Ochiai 1.00 (line 11))"
            in result.stderr)
    assert "strictcheck" not in result.stderr
    assert [f["file"] for f in json.loads(result.stdout)["localized"]] == ["shop/cart.py"]
    assert (root / "shop" / "cart.py").read_text() == fixed_cart


def test_the_sources_tgfix_may_choose_from(shop):
    """Not tests, not what git ignores, not virtualenvs or installed packages, not symlinks."""
    from tgfix.config import Settings
    from tgfix.session import project_sources

    for path in ("build/lib/shop/pricing.py", "vendor/site-packages/six.py", "env/lib/mod.py"):
        (shop / path).parent.mkdir(parents=True, exist_ok=True)
        (shop / path).write_text("x = 1\n")
    (shop / "env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (shop / "tests" / "helpers.py").write_text("x = 1\n")
    (shop / "linked.py").symlink_to(shop / "shop" / "labels.py")
    found = project_sources(shop, Settings(tests=("tests",)))
    assert sorted(path.relative_to(shop).as_posix() for path in found) == [
        "shop/__init__.py", "shop/cart.py", "shop/labels.py", "shop/pricing.py"]
