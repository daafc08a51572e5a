#!/usr/bin/env python3
"""A line-by-line Python port of the SPUP engine, for checking ranking.sql without a C++ build.

Reads the benchmark CSVs (schema.sql) from a directory, builds what the C++ side builds
(services/aggregator/rollup/rollup.cc monthly rollups per (product, month), the inputs of
services/aggregator/core/ranking_core.cc incl. the previous-period revenue rule), then follows
services/aggregator/ranking/engine.cc RankProducts() (GatherFacts, EvaluateGate, RawValue,
CohortCapOf, normalisation, Weigh, StarsForTotal, RanksBefore) with the model read from
services/aggregator/ranking/spup-1.0.json (so the SQL's hard-coded weights are checked too).

This is NOT the engine: it is a second, independent reading of it. The authoritative check is
the C++ engine on the same data.

Usage: engine_port.py CSV_DIR START_MONTH END_MONTH   (months as YYYY-MM)
Prints the rows of ranking.sql ('|'-separated, repr() floats, same order and columns).
"""
import csv
import functools
import json
import math
import os
import sys

EPS = 1e-9
HERE = os.path.dirname(os.path.abspath(__file__))
MODEL_JSON = os.path.join(HERE, '..', '..', '..', 'services', 'aggregator', 'ranking',
                          'spup-1.0.json')


def month_index(text):
    # "YYYY-MM" or "YYYY-MM-DD" -> year * 12 + month - 1 (engine MonthIndex).
    if not text or len(text) < 7 or text[4] != '-' or (len(text) > 7 and text[7] != '-'):
        return None
    year, month = int(text[0:4]), int(text[5:7])
    if year < 1970 or month < 1 or month > 12:
        return None
    return year * 12 + month - 1


def month_text(index):
    return '%04d-%02d' % (index // 12, index % 12 + 1)


def days_in_month(index):
    days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    year, month = index // 12, index % 12
    leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0
    return 29 if month == 1 and leap else days[month]


def read(dirname, name):
    with open(os.path.join(dirname, name + '.csv'), newline='') as f:
        return list(csv.reader(f))


def boolean(text):
    return text in ('t', 'true', 'TRUE', '1')


class Rollup:
    __slots__ = ('month', 'batches', 'qty_produced', 'qty_rejected', 'person_days',
                 'direct_cost', 'input_cost', 'local_cost', 'sales', 'sales_qty', 'revenue',
                 'by_channel', 'by_region', 'labour_reports', 'distinct', 'small_cells')

    def __init__(self, month):
        self.month = month
        self.batches = 0
        self.qty_produced = self.qty_rejected = self.person_days = 0.0
        self.direct_cost = self.input_cost = self.local_cost = 0
        self.sales = 0
        self.sales_qty = 0.0
        self.revenue = 0
        self.by_channel = {}
        self.by_region = {}
        self.labour_reports = self.distinct = self.small_cells = 0


def round6(v):
    # std::round(v * 1e6) / 1e6 (half away from zero), as rollup.cc keeps double sums.
    x = v * 1e6
    r = math.floor(abs(x) + 0.5)
    return math.copysign(r, x) / 1e6


def load(dirname):
    upts = {r[0]: (r[1], boolean(r[2])) for r in read(dirname, 'upts')}
    products = {}
    for r in read(dirname, 'products'):
        products[r[0]] = dict(id=r[0], upt=r[1], category=r[2], launch=r[3], packaged=boolean(r[4]),
                              submitted=int(r[5]), rollups={}, certs=[], trainings=[],
                              verified=set())

    def at(pid, date):
        p = products.get(pid)
        m = month_index(date)
        if p is None or m is None:
            return None
        key = month_text(m)
        if key not in p['rollups']:
            p['rollups'][key] = Rollup(key)
        return p['rollups'][key]

    for r in read(dirname, 'batches'):
        ro = at(r[1], r[2])
        if ro is None:
            continue
        ro.batches += 1
        ro.qty_produced = round6(ro.qty_produced + float(r[3]))
        ro.qty_rejected = round6(ro.qty_rejected + float(r[4]))
        ro.person_days = round6(ro.person_days + float(r[5]))
        ro.direct_cost += int(r[6])
        ro.input_cost += int(r[7])
        ro.local_cost += int(r[8])
    for r in read(dirname, 'sales'):
        ro = at(r[1], r[2])
        if ro is None:
            continue
        ro.sales += 1
        ro.sales_qty = round6(ro.sales_qty + float(r[3]))
        rev = int(r[4])
        ro.revenue += rev
        ro.by_channel[r[5]] = ro.by_channel.get(r[5], 0) + rev
        ro.by_region[r[6]] = ro.by_region.get(r[6], 0) + rev
    for r in read(dirname, 'certifications'):
        if r[1] in products:
            at(r[1], r[4])
            products[r[1]]['certs'].append(dict(type=r[2], number=r[3], issued=r[4], until=r[5]))
    for r in read(dirname, 'trainings'):
        if r[1] in products:
            at(r[1], r[2])
            products[r[1]]['trainings'].append(dict(start=r[2], end=r[3], completed=int(r[5]),
                                                    certificates=int(r[6]), scheme=r[7]))
    for r in read(dirname, 'labour'):
        ro = at(r[1], r[2])
        if ro is None:
            continue
        ro.labour_reports += 1
        ro.distinct += int(r[3])
        ro.small_cells += 1 if boolean(r[4]) else 0
        if boolean(r[5]):
            products[r[1]]['verified'].add(ro.month)
    return upts, products


def inputs(upts, products, start_month, end_month):
    """ranking_core.cc Inputs(): previous-period revenue, monthly reports."""
    start, end = month_index(start_month), month_index(end_month)
    length = end - start + 1
    prev_start = month_text(start - length)
    out = []
    for p in products.values():
        upt_type, active = upts.get(p['upt'], ('', True))
        history = False
        previous = 0
        for m in p['rollups'].values():
            if m.month < start_month:
                history = True
            if prev_start <= m.month < start_month:
                previous += m.revenue
        prev = None
        if history:
            prev = previous
        elif p['launch'] and p['launch'] >= start_month:
            prev = 0
        reports = []
        for m in p['rollups'].values():
            if m.labour_reports <= 0:
                continue
            reports.append(dict(month=m.month, distinct=m.distinct, small=m.small_cells > 0,
                                verified=m.month in p['verified']))
        out.append(dict(p=p, upt_type=upt_type, upt_active=active, prev=prev, reports=reports))
    return out


def cohort_cap(values, rule):
    if not values:
        return 0.0
    values = sorted(values)
    if len(values) < rule.get('minCohortForPercentile', 0):
        return values[-1]
    h = (float(len(values)) - 1) * rule['percentile']
    lo = int(math.floor(h))
    hi = min(len(values) - 1, lo + 1)
    return values[lo] + (h - float(lo)) * (values[hi] - values[lo])


def strip(enum_name, prefix):
    return enum_name[len(prefix):] if enum_name.startswith(prefix) else enum_name


def rank(model, start_month, end_month, ins):
    first, last = month_index(start_month), month_index(end_month)
    months = last - first + 1
    start_date = month_text(first) + '-01'
    end_date = '%s-%02d' % (month_text(last), days_in_month(last))
    indicators = model['indicators']
    pillar_codes = [p['code'] for p in model['pillars']]
    results = []
    for inp in ins:
        p = inp['p']
        service = p['category'] == 'JASA'
        # GatherFacts
        f = dict(person_days=0.0, batches=0, qty_produced=0.0, qty_rejected=0.0, direct=0,
                 input=0, local=0, sales=0, revenue=0, by_channel={}, by_region={}, active={})
        for r in p['rollups'].values():
            m = month_index(r.month)
            if not (first <= m <= last):
                continue
            f['person_days'] += r.person_days
            f['batches'] += r.batches
            f['qty_produced'] += r.qty_produced
            f['qty_rejected'] += r.qty_rejected
            f['direct'] += r.direct_cost
            f['input'] += r.input_cost
            f['local'] += r.local_cost
            f['sales'] += r.sales
            f['revenue'] += r.revenue
            for k, v in r.by_channel.items():
                f['by_channel'][k] = f['by_channel'].get(k, 0) + v
            for k, v in r.by_region.items():
                f['by_region'][k] = f['by_region'].get(k, 0) + v
            if (r.sales > 0) if service else (r.batches > 0):
                f['active'][m] = f['active'].get(m, 0.0) + (r.sales_qty if service else r.qty_produced)
        reports = verified = person_months = 0
        for rep in inp['reports']:
            m = month_index(rep['month'])
            if not (first <= m <= last):
                continue
            reports += 1
            person_months += rep['distinct']
            verified += 1 if rep['verified'] else 0
        first_required = first
        launched_in = launched_after = False
        launch = month_index(p['launch'])
        if launch is not None:
            if p['launch'] >= start_date:
                launched_in = True
            if launch > last:
                launched_after = True
            first_required = max(first_required, launch)
        required = max(0, last - first_required + 1)

        def valid_at(c):
            return c['issued'] != '' and c['issued'] <= end_date and (c['until'] == '' or c['until'] >= end_date)

        # Gates
        gates = []
        for g in model['gates']:
            kind = g['kind']
            if kind == 'GATE_KIND_PRODUCER':
                ok = any(inp['upt_type'] and t.upper() == inp['upt_type'].upper()
                         for t in g['allowedUptTypes'])
                ok = ok and inp['upt_active'] and f['person_days'] > 0
            elif kind == 'GATE_KIND_CONTINUITY':
                harvest = [strip(c, 'CATEGORY_') for c in g.get('harvestCategories', [])]
                if p['category'] in harvest:
                    ok = f['batches'] >= g.get('minHarvests', 0)
                else:
                    ok = len(f['active']) >= g.get('minActiveMonths', 0)
            elif kind == 'GATE_KIND_LEGAL_MINIMUM':
                legal = [strip(c, 'CATEGORY_') for c in g.get('legalCategories', [])]
                if p['category'] not in legal or not p['packaged']:
                    ok = True
                else:
                    accepted = [strip(c, 'CERTIFICATION_TYPE_') for c in g['acceptedCertifications']]
                    ok = any(c['type'] in accepted and valid_at(c) for c in p['certs'])
            elif kind == 'GATE_KIND_MARKET':
                ok = f['sales'] >= g.get('minExternalSales', 0)
            elif kind == 'GATE_KIND_DATA_QUALITY':
                if launched_after or required == 0:
                    ok = False
                else:
                    ok = float(verified) / required + EPS >= g['minVerifiedFraction']
            elif kind == 'GATE_KIND_INTEGRITY':
                ok = True
            else:
                ok = False
            gates.append(ok)
        eligible = all(gates)

        # Raw values: (value, missing, fixed_n, points_max)
        raw = []
        for ind in indicators:
            norm = ind['normalisation']
            measure = ind['measure']
            value, missing, fixed, pmax = 0.0, False, None, 0.0
            if measure == 'MEASURE_PERSON_MONTHS':
                if reports == 0:
                    missing = True
                else:
                    value = float(person_months)
            elif measure == 'MEASURE_TRAINING':
                completed = competency = 0
                for t in p['trainings']:
                    date = t['start'] if t['end'] == '' else t['end']
                    m = month_index(date)
                    if m is None or not (first <= m <= last):
                        continue
                    completed += t['completed']
                    if t['scheme'] == 'BNSP_COMPETENCY':
                        competency += t['certificates']
                value = float(completed + 2 * competency)
            elif measure in ('MEASURE_PREMI_PER_PERSON_MONTH', 'MEASURE_PNBP', 'MEASURE_PANEL'):
                missing = True  # settlement and panel scores are absent in the benchmark data
            elif measure == 'MEASURE_GROSS_SALES':
                value = float(f['revenue'])
            elif measure == 'MEASURE_MARKET_REACH':
                mr = norm['marketReach']
                ch = sum(1 for k, v in f['by_channel'].items() if v > 0 and k != 'UNSPECIFIED')
                reach = 0
                for k, v in f['by_region'].items():
                    if v > 0:
                        reach = max(reach, {'SAME_REGENCY': 1, 'SAME_PROVINCE': 2,
                                            'OUT_OF_PROVINCE': 3, 'ABROAD': 3}.get(k, 0))
                value = (mr['channelWeight'] * min(float(ch) / mr['channelCap'], 1.0)
                         + mr['reachWeight'] * min(reach / mr['reachMax'], 1.0))
            elif measure == 'MEASURE_SALES_GROWTH':
                fa = norm.get('fixedAnchors', {})
                new_value = fa.get('newProductValue', 0.5) if 'fixedAnchors' in norm else 0.5
                if launched_in:
                    fixed = new_value
                elif inp['prev'] is None:
                    missing = True
                else:
                    prev = float(inp['prev'])
                    if prev <= 0:
                        fixed = new_value
                    else:
                        value = (float(f['revenue']) - prev) / prev
            elif measure == 'MEASURE_GROSS_MARGIN':
                if f['revenue'] <= 0:
                    missing = True
                elif f['direct'] > 0:
                    sales = float(f['revenue'])
                    value = (sales - float(f['direct'])) / sales
                else:
                    missing = True
            elif measure == 'MEASURE_LEGALITY':
                table = None
                for t in norm['points']['tables']:
                    cats = [strip(c, 'CATEGORY_') for c in t.get('categories', [])]
                    if p['category'] in cats and table is None:
                        table = t
                if table is None:
                    for t in norm['points']['tables']:
                        if not t.get('categories'):
                            table = t
                for item in table['items']:
                    pmax += item['points']
                    best = 0.0
                    any_of = [strip(c, 'CERTIFICATION_TYPE_') for c in item['anyOf']]
                    for c in p['certs']:
                        if c['type'] not in any_of or not valid_at(c):
                            continue
                        pts = item['points']
                        if c['type'] == 'MEREK' and not c['number'][:3].upper() == 'IDM':
                            pts = item.get('filedPoints', 0)
                        if pts > best:
                            best = pts
                    value += best
            elif measure == 'MEASURE_QC_PASS_RATE':
                if not f['qty_produced'] > 0:
                    missing = True
                else:
                    value = 1 - (f['qty_rejected'] + 0.0) / f['qty_produced']
            elif measure == 'MEASURE_LOCAL_INPUT_SHARE':
                if f['input'] <= 0:
                    missing = True
                else:
                    value = float(f['local']) / float(f['input'])
            elif measure == 'MEASURE_CONTINUITY':
                c = norm['continuity']
                active = len(f['active'])
                cv = 0.0
                if active > 0:
                    qs = [f['active'][k] for k in sorted(f['active'])]
                    mean = 0.0
                    for q in qs:
                        mean += q
                    mean /= active
                    var = 0.0
                    for q in qs:
                        var += (q - mean) * (q - mean)
                    var /= active
                    cv = math.sqrt(var) / mean if mean > 0 else c['cvCap']
                if active == 0:
                    value = 0.0
                else:
                    value = (c['activeWeight'] * min(1.0, float(active) / months)
                             + c['stabilityWeight'] * (1 - min(cv, c['cvCap']) / c['cvCap']))
            else:
                missing = True
            raw.append((value, missing, fixed, pmax))
        results.append(dict(id=p['id'], submitted=p['submitted'], eligible=eligible, raw=raw))

    cohort = [r for r in results if r['eligible']] or results
    caps = []
    for k, ind in enumerate(indicators):
        norm = ind['normalisation']
        if norm['kind'] != 'NORMALISATION_KIND_RATIO_TO_CAP':
            caps.append(0.0)
            continue
        caps.append(cohort_cap([r['raw'][k][0] for r in cohort if not r['raw'][k][1]],
                               norm['ratioToCap']))
    weights = [float(ind['weight']) for ind in indicators]
    pillar_of = [pillar_codes.index(ind['pillar']) for ind in indicators]
    for r in results:
        n = []
        for k, ind in enumerate(indicators):
            norm = ind['normalisation']
            value, missing, fixed, pmax = r['raw'][k]
            v = 0.0
            if not missing:
                kind = norm['kind']
                if kind == 'NORMALISATION_KIND_RATIO_TO_CAP':
                    v = min(value, caps[k]) / caps[k] if caps[k] > 0 else 0.0
                elif kind == 'NORMALISATION_KIND_FIXED_ANCHORS':
                    a = norm['fixedAnchors']
                    zero, one = float(a.get('zeroAt', 0)), float(a.get('oneAt', 0))
                    v = fixed if fixed is not None else (value - zero) / (one - zero)
                elif kind == 'NORMALISATION_KIND_RUBRIC_MEDIAN':
                    v = value / norm['rubric']['maxScore']
                elif kind == 'NORMALISATION_KIND_POINTS_TABLE':
                    v = value / pmax if pmax > 0 else 0.0
                else:
                    v = value
                v = min(max(v, 0.0), 1.0)
            n.append(v)
        pillar = [0.0] * len(pillar_codes)
        pmax = [0.0] * len(pillar_codes)
        for i in range(len(weights)):
            pillar[pillar_of[i]] += weights[i] * n[i]
            pmax[pillar_of[i]] += weights[i]
        total = 0.0
        for i in range(len(weights)):
            total += weights[i] * n[i]
        floors = model['floors']
        passed = total + EPS >= floors['minTotal']
        for pf in floors['pillars']:
            q = pillar_codes.index(pf['pillar'])
            passed = passed and pillar[q] + EPS >= pf['minFraction'] * pmax[q]
        stars = 0
        bands = model['starBands']
        for i in range(len(bands) - 1, -1, -1):
            b = bands[i]
            top = i == len(bands) - 1
            if total + EPS >= b.get('minTotal', 0) and (
                    total <= b['maxTotal'] + EPS if top else total + EPS < b['maxTotal']):
                stars = b['stars']
                break
        r.update(n=n, pillar=pillar, total=total, floors_passed=passed, stars=stars)

    codes = [ind['code'] for ind in indicators]

    def before(a, b):
        def differ(x, y):
            return abs(x - y) > EPS
        if differ(a['total'], b['total']):
            return -1 if a['total'] > b['total'] else 1
        for t in model['tieBreaks']:
            if t['kind'] == 'TIE_BREAK_KIND_PILLAR':
                q = pillar_codes.index(t['code'])
                x, y = a['pillar'][q], b['pillar'][q]
                if differ(x, y):
                    return -1 if x > y else 1
            elif t['kind'] == 'TIE_BREAK_KIND_INDICATOR':
                i = codes.index(t['code'])
                x, y = a['n'][i], b['n'][i]
                if differ(x, y):
                    return -1 if x > y else 1
            elif t['kind'] == 'TIE_BREAK_KIND_SUBMISSION_TIME':
                x = a['submitted'] if a['submitted'] > 0 else 2**63 - 1
                y = b['submitted'] if b['submitted'] > 0 else 2**63 - 1
                if x != y:
                    return -1 if x < y else 1
        ia, ib = a['id'].encode(), b['id'].encode()
        return -1 if ia < ib else (1 if ia > ib else 0)

    ranked = sorted([r for r in results if r['eligible'] and r['floors_passed']],
                    key=functools.cmp_to_key(before))
    others = sorted([r for r in results if not (r['eligible'] and r['floors_passed'])],
                    key=functools.cmp_to_key(before))
    for i, r in enumerate(ranked):
        r['rank'] = i + 1
    for r in others:
        r['rank'] = 0
    return ranked + others, codes


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    with open(MODEL_JSON) as f:
        model = json.load(f)
    upts, products = load(sys.argv[1])
    rows, codes = rank(model, sys.argv[2], sys.argv[3],
                       inputs(upts, products, sys.argv[2], sys.argv[3]))
    debug = ['A1', 'A2', 'B1', 'B3', 'B4', 'B5', 'C1', 'C2', 'D1', 'D3']
    print('product_id|total|stars|eligible|floors_passed|rank|'
          + '|'.join('n_' + c.lower() for c in debug))
    for r in rows:
        print('|'.join([r['id'], repr(r['total']), str(r['stars']), 't' if r['eligible'] else 'f',
                        't' if r['floors_passed'] else 'f', str(r['rank'])]
                       + [repr(r['n'][codes.index(c)]) for c in debug]))


if __name__ == '__main__':
    main()
