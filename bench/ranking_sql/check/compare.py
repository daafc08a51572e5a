#!/usr/bin/env python3
"""Compares two ranking outputs (header line first, '|'- or ','-separated, e.g. ranking.sql via
`psql -A -F,` like sample/expected.txt, and engine_port.py): same products in the same order, equal ranks, stars and
flags, floats within a tolerance (default 1e-9). Exit 1 and a report of the differences.

Usage: compare.py A B [TOL]"""
import sys


def rows(path):
    with open(path) as f:
        lines = [l.rstrip('\n') for l in f if l.strip() and not l.startswith('(')]
    sep = '|' if '|' in lines[0] else ','
    return lines[0].split(sep), [l.split(sep) for l in lines[1:]]


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    tol = float(sys.argv[3]) if len(sys.argv) == 4 else 1e-9
    ha, a = rows(sys.argv[1])
    hb, b = rows(sys.argv[2])
    if ha != hb:
        sys.exit('headers differ:\n  %s\n  %s' % (ha, hb))
    bad = 0
    if [r[0] for r in a] != [r[0] for r in b]:
        print('product order differs (first difference shown)')
        for i, (x, y) in enumerate(zip(a, b)):
            if x[0] != y[0]:
                print('  position %d: %s vs %s' % (i + 1, '|'.join(x), '|'.join(y)))
                break
        bad += 1
    db = {r[0]: r for r in b}
    worst = 0.0
    for r in a:
        s = db.get(r[0])
        if s is None:
            print('only in A:', r[0])
            bad += 1
            continue
        for col, x, y in zip(ha, r, s):
            if col in ('product_id', 'stars', 'eligible', 'floors_passed', 'rank'):
                if x != y:
                    print('%s %s: %s vs %s' % (r[0], col, x, y))
                    bad += 1
            else:
                d = abs(float(x) - float(y))
                worst = max(worst, d)
                if d > tol:
                    print('%s %s: %s vs %s (diff %.3g)' % (r[0], col, x, y, d))
                    bad += 1
    if len(a) != len(b):
        print('row counts differ: %d vs %d' % (len(a), len(b)))
        bad += 1
    print('%d rows, %d difference(s), largest float difference %.3g' % (len(a), bad, worst))
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
