"""Renderers: the terminal (tables, lines, JSON) here and in :mod:`views`, spreadsheets in
:mod:`xlsx`. They take plain objects and never query; only the command line uses them."""

from tsms.render.terminal import (  # noqa: F401
    CUT,
    KEEP,
    SPACES,
    WORDS,
    FIELDS,
    colour,
    console,
    is_terminal,
    label,
    line,
    no_colour,
    pairs,
    print_json,
    region_text,
    table,
    value_text,
    width,
)
