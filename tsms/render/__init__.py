"""Renderers: the terminal (tables, lines, JSON) here and in :mod:`views`, spreadsheets in
:mod:`xlsx`. They take plain objects and never query; only the command line uses them."""

from tsms.render.terminal import (  # noqa: F401
    FIELDS,
    console,
    is_terminal,
    label,
    line,
    pairs,
    print_json,
    table,
    value_text,
)
