#!/usr/bin/env python3
"""Turn `tmux capture-pane -e -p` output (text with SGR colour codes) into a
self-contained HTML page, for the README screenshot. Only SGR is understood;
the cockpit itself never emits anything else into a pane's text."""
import html
import re
import sys

PALETTE = ["#1d1f21", "#cc6666", "#b5bd68", "#f0c674", "#81a2be", "#b294bb", "#8abeb7", "#c5c8c6",
           "#666666", "#d54e53", "#b9ca4a", "#e7c547", "#7aa6da", "#c397d8", "#70c0b1", "#eaeaea"]
FG, BG = "#c5c8c6", "#1d1f21"
SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def style(state):
    fg, bg = state["fg"] or FG, state["bg"] or BG
    if state["reverse"]:
        fg, bg = bg, fg
    css = f"color:{fg};background:{bg};"
    if state["bold"]:
        css += "font-weight:bold;"
    if state["dim"]:
        css += "opacity:0.6;"
    return css


def apply(state, params):
    codes = [int(p) if p.isdigit() else 0 for p in params.replace(":", ";").split(";")] if params else [0]
    i = 0
    while i < len(codes):
        c = codes[i]
        if c == 0:
            state.update(fg=None, bg=None, bold=False, dim=False, reverse=False)
        elif c == 1:
            state["bold"] = True
        elif c == 2:
            state["dim"] = True
        elif c == 7:
            state["reverse"] = True
        elif c in (22,):
            state["bold"] = state["dim"] = False
        elif c == 27:
            state["reverse"] = False
        elif 30 <= c <= 37:
            state["fg"] = PALETTE[c - 30]
        elif 90 <= c <= 97:
            state["fg"] = PALETTE[c - 90 + 8]
        elif 40 <= c <= 47:
            state["bg"] = PALETTE[c - 40]
        elif 100 <= c <= 107:
            state["bg"] = PALETTE[c - 100 + 8]
        elif c == 39:
            state["fg"] = None
        elif c == 49:
            state["bg"] = None
        elif c in (38, 48) and i + 2 < len(codes) and codes[i + 1] == 5:
            state["fg" if c == 38 else "bg"] = PALETTE[codes[i + 2] % 16]
            i += 2
        i += 1


def main():
    text = sys.stdin.read()
    state = dict(fg=None, bg=None, bold=False, dim=False, reverse=False)
    out, pos = [], 0
    for m in SGR.finditer(text):
        if m.start() > pos:
            out.append(f'<span style="{style(state)}">{html.escape(text[pos:m.start()])}</span>')
        apply(state, m.group(1))
        pos = m.end()
    out.append(f'<span style="{style(state)}">{html.escape(text[pos:])}</span>')
    print(f"""<!doctype html><meta charset="utf-8"><body style="margin:0;background:{BG}">
<pre style="margin:0;padding:8px;font:14px/1.2 'DejaVu Sans Mono',monospace;color:{FG};background:{BG}">{''.join(out)}</pre>""")


main()
