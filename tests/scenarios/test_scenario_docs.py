"""docs/scenario-format.md: the generated reference is current and covers every key."""

from __future__ import annotations

import pytest
from scenario_samples import DOCS_PAGE

from gauntlet.scenarios import introspect, schema
from gauntlet.scenarios.reference import (
    BEGIN_MARKER,
    END_MARKER,
    main,
    markdown_reference,
    replace_generated,
    type_text,
)
from gauntlet.scenarios.references import iter_with_paths


def test_docs_reference_is_up_to_date():
    page = DOCS_PAGE.read_text(encoding="utf-8")
    assert replace_generated(page, markdown_reference()) == page, (
        "docs/scenario-format.md is out of date; run "
        "python3 -m gauntlet.scenarios.reference --write docs/scenario-format.md"
    )
    assert main(["--check", str(DOCS_PAGE)]) == 0


def test_reference_lists_every_class_and_key():
    reference = markdown_reference()
    classes = {type(obj) for _, obj in iter_with_paths(_every_class_scenario())}
    for cls in classes:
        assert f"\n### {cls.__name__}\n" in reference
        for field in introspect.schema_fields(cls):
            assert f"| `{field.name}` |" in reference
    for union in ("Position", "MapSource", "Behaviour", "Trigger", "Action", "Criterion"):
        assert f"\n### {union}\n" in reference


def test_reference_rows():
    reference = markdown_reference()
    assert "| `dt_s` | number | `0.05` | > 0, <= 0.5 | Fixed simulation step. |" in reference
    assert (
        "| `initial` | [InitialState](#initialstate) | *required* |  | Start pose and speed. |"
        in reference
    )
    assert "Written as `{after_event: {...}}` or `{after_event: <event>}`." in reference
    assert "Written as `{idle: {...}}` or `idle`." in reference


def test_type_text():
    assert type_text(tuple[schema.Position, ...]) == "list of [Position](#position)"
    assert type_text(float | None) == "number or null"
    assert type_text(schema.Rule) == "one of `<`, `<=`, `>`, `>=`"


def test_check_reports_a_stale_file(tmp_path, capsys):
    stale = tmp_path / "page.md"
    stale.write_text(f"# Intro\n\n{BEGIN_MARKER}\nold\n{END_MARKER}\n", encoding="utf-8")
    assert main(["--check", str(stale)]) == 1
    assert "out of date" in capsys.readouterr().out
    assert main(["--write", str(stale)]) == 0
    assert main(["--check", str(stale)]) == 0
    assert stale.read_text(encoding="utf-8").startswith("# Intro\n")


def test_replace_generated_needs_markers():
    with pytest.raises(ValueError, match="markers"):
        replace_generated("no markers here", "x")


def _every_class_scenario():
    from scenario_samples import EVERY_CLASS

    from gauntlet.scenarios import parse_scenario

    return parse_scenario(EVERY_CLASS)
