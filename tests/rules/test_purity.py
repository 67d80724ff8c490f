"""The rules package stays pure: no Flask, no SQLAlchemy, no binary floating point."""

import ast
import inspect
import pathlib

import scoring.rules as rules

PACKAGE = pathlib.Path(rules.__file__).parent
SOURCES = sorted(PACKAGE.glob("*.py"))


def test_no_web_or_database_imports_and_no_float():
    assert SOURCES
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        assert "float(" not in text, path
        for node in ast.walk(ast.parse(text)):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.split(".")[0].lower().startswith(("flask", "sqlalchemy")), path


def test_every_public_function_has_a_docstring():
    assert "never touches the database" in rules.__doc__.replace("\n", " ")
    for name in rules.__all__:
        obj = getattr(rules, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert obj.__doc__ and obj.__doc__.strip(), name


def test_message_templates_are_marked_for_extraction():
    # Every RuleError/ScoreError/problem message literal goes through N_(...), so that
    # Babel finds it; a bare string passed as a message would stay English forever.
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in (
                    "RuleError", "ScoreError"):
                assert node.args and isinstance(node.args[0], ast.Call), (path, node.lineno)
                assert node.args[0].func.id == "N_", (path, node.lineno)
