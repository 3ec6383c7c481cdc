"""What pyproject.toml cannot say about building fieldwork (the rest is there).

- ``print_templates/`` stays at the top of the repository and is installed as the package
  ``fieldwork.print_templates`` (read with importlib.resources, never through the source tree).
- The translation catalogues (``fieldwork/**/translations/*/LC_MESSAGES/messages.po``) are
  compiled to ``.mo`` when a wheel, sdist-built wheel or editable install is built, so an
  installed fieldwork speaks Vietnamese; the ``.mo`` files are never committed (many people
  edit the ``.po`` files at once). An editable install compiles them beside the ``.po`` files,
  as ``make`` does.
"""

from pathlib import Path

from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


def catalogues() -> list[Path]:
    """Every .po catalogue of the package, relative to the project root."""
    return sorted(p.relative_to(HERE)
                  for p in HERE.glob("fieldwork/**/translations/*/LC_MESSAGES/*.po"))


def compile_catalogue(po: Path, mo: Path) -> None:
    """Compile one catalogue as ``pybabel compile`` does (fuzzy entries left out)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(po, "rb") as fh:
        catalog = read_po(fh)
    mo.parent.mkdir(parents=True, exist_ok=True)
    tmp = mo.with_name(mo.name + ".tmp")
    with open(tmp, "wb") as fh:
        write_mo(fh, catalog, use_fuzzy=False)
    tmp.replace(mo)


class BuildPyWithCatalogues(build_py):
    """build_py, then the compiled catalogues into the build (or the tree, if editable)."""

    def run(self):
        super().run()
        editable = getattr(self, "editable_mode", False)
        root = HERE if editable else Path(self.build_lib)
        for po in catalogues():
            compile_catalogue(HERE / po, root / po.with_suffix(".mo"))

    def get_outputs(self, include_bytecode=True):
        outputs = super().get_outputs(include_bytecode)
        if not getattr(self, "editable_mode", False):
            outputs += [str(Path(self.build_lib) / po.with_suffix(".mo")) for po in catalogues()]
        return outputs


if __name__ == "__main__":  # as setuptools' build backend runs it (tests import the above)
    setup(
        packages=[*find_namespace_packages(include=["fieldwork", "fieldwork.*"]),
                  "fieldwork.print_templates"],
        package_dir={"fieldwork.print_templates": "print_templates"},
        cmdclass={"build_py": BuildPyWithCatalogues},
    )
