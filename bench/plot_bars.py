#!/usr/bin/env python3
"""Grouped bar chart as a self-contained SVG, no dependencies (the machine has no plotting
library). Input CSV on stdin: group,series,value. Usage: plot_bars.py TITLE UNIT OUT.svg"""
import csv
import sys

def main():
    title, unit, out = sys.argv[1:4]
    rows = [r for r in csv.reader(sys.stdin) if r]
    groups = list(dict.fromkeys(r[0] for r in rows))
    series = list(dict.fromkeys(r[1] for r in rows))
    val = {(r[0], r[1]): float(r[2]) for r in rows}
    top = max(val.values()) * 1.15 or 1
    colors = ["#3b6ea5", "#e08a2e", "#5aa469", "#b04a5a", "#7a5cb0"]
    w, h, left, bottom, plot_h = 140 + 170 * len(groups), 360, 70, 60, 240
    bar = 130 / max(1, len(series))
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
           f'<text x="{w/2}" y="20" text-anchor="middle" font-size="15">{title}</text>']
    for i in range(5):
        y = h - bottom - plot_h * i / 4
        svg.append(f'<line x1="{left}" y1="{y}" x2="{w-20}" y2="{y}" stroke="#ddd"/>')
        svg.append(f'<text x="{left-6}" y="{y+4}" text-anchor="end">{fmt(top*i/4)}</text>')
    svg.append(f'<text x="16" y="{h/2}" transform="rotate(-90 16 {h/2})" text-anchor="middle">{unit}</text>')
    for gi, g in enumerate(groups):
        x0 = left + 20 + gi * 170
        for si, s in enumerate(series):
            v = val.get((g, s))
            if v is None:
                continue
            bh = plot_h * v / top
            x = x0 + si * bar
            svg.append(f'<rect x="{x}" y="{h-bottom-bh}" width="{bar-4}" height="{bh}" fill="{colors[si % len(colors)]}"/>')
            svg.append(f'<text x="{x+(bar-4)/2}" y="{h-bottom-bh-4}" text-anchor="middle" font-size="10">{fmt(v)}</text>')
        svg.append(f'<text x="{x0+65}" y="{h-bottom+18}" text-anchor="middle">{g}</text>')
    for si, s in enumerate(series):
        svg.append(f'<rect x="{left+20+si*150}" y="{h-22}" width="12" height="12" fill="{colors[si % len(colors)]}"/>')
        svg.append(f'<text x="{left+36+si*150}" y="{h-12}">{s}</text>')
    svg.append('</svg>')
    open(out, "w").write("\n".join(svg))

def fmt(v):
    return f"{v/1e6:.1f}M" if v >= 1e6 else f"{v/1e3:.0f}k" if v >= 1e4 else f"{v:.3g}"

main()
