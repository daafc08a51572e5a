#!/usr/bin/env python3
"""Random benchmark-shaped CSVs full of edge cases, for engine_port.py vs ranking.sql.

Usage: gen_random.py OUT_DIR [PRODUCTS] [SEED]
Dates span 2022..2026. Edge cases: UPT types in other cases / unknown / inactive, every
category (services, harvest categories, packaged and unpackaged food), launches before, inside
and after typical periods, certificates issued/expiring on month ends, trainings without end
date, labour months partly verified, sales with zero revenue and UNSPECIFIED channel/region,
quantities with decimals, products without any data, and exact clones (ties) with equal or
different submission times."""
import csv
import datetime
import os
import random
import sys

CATEGORIES = ['PANGAN_OLAHAN', 'MINUMAN', 'HERBAL_NONPANGAN', 'TEKSTIL_KONVEKSI', 'KERAJINAN',
              'MEBEL_LOGAM', 'BAHAN_BANGUNAN', 'PERTANIAN', 'PETERNAKAN', 'PERIKANAN', 'JASA']
CHANNELS = ['UNSPECIFIED', 'VISITOR_COUNTER', 'STAFF_ODOPP', 'KANWIL_GALLERY', 'EXHIBITION',
            'CONSIGNMENT_SHOP', 'MARKETPLACE', 'SOCIAL_MEDIA', 'E_KATALOG', 'INSTITUTIONAL_B2B',
            'NATIONAL_UMKM_HUB']
REGIONS = ['UNSPECIFIED', 'SAME_REGENCY', 'SAME_PROVINCE', 'OUT_OF_PROVINCE', 'ABROAD']
CERTS = ['SPP_IRT', 'BPOM_MD', 'HALAL', 'MEREK', 'NIB', 'SNI', 'PKRT', 'OTHER']
MONTHS = [(y, m) for y in range(2022, 2027) for m in range(1, 13)]


def day(y, m, d):
    last = (datetime.date(y + (m == 12), m % 12 + 1, 1) - datetime.timedelta(days=1)).day
    return datetime.date(y, m, min(d, last)).isoformat()


def month_end(y, m):
    return day(y, m, 31)


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    os.makedirs(out, exist_ok=True)
    upts = []
    for i in range(max(4, n // 40)):
        t = rnd.choices(['LAPAS', 'RUTAN', 'lapas', 'Rutan', 'LPKA', 'BAPAS', 'LAPASX'],
                        [50, 30, 3, 3, 8, 3, 3])[0]
        upts.append(('U%03d' % i, t, rnd.random() > 0.05))
    products, batches, sales, certs, trainings, labour = [], [], [], [], [], []
    clones = []
    for i in range(n):
        pid = 'P%05d' % i
        if clones and rnd.random() < 0.05:
            # Exact clone of an earlier product's data (a tie), same or other submission time.
            src, rows = rnd.choice(clones)
            sub = src[5] if rnd.random() < 0.5 else rnd.choice([0, src[5] + 1, src[5] - 1])
            products.append((pid,) + src[1:5] + (sub,))
            for table, r in rows:
                {'b': batches, 's': sales, 'c': certs, 't': trainings, 'l': labour}[table].append(
                    (r[0] + '-' + pid, pid) + r[2:])
            continue
        cat = rnd.choice(CATEGORIES)
        upt = rnd.choice(upts)[0]
        launch = rnd.choices([None, 'old', 'in', 'late'], [30, 50, 15, 5])[0]
        if launch == 'old':
            launch = day(rnd.randint(2012, 2023), rnd.randint(1, 12), rnd.randint(1, 28))
        elif launch == 'in':
            launch = day(rnd.choice([2024, 2025]), rnd.randint(1, 12), rnd.choice([1, 2, 15, 31]))
        elif launch == 'late':
            launch = day(2026, rnd.randint(1, 12), 1)
        sub = rnd.choice([0] + [1700000000000 + rnd.randint(0, 10**9)] * 9)
        prow = (pid, upt, cat, launch or '', rnd.random() < 0.8, sub)
        products.append(prow)
        mine = []
        kind = rnd.random()
        if kind < 0.05:
            continue  # no data at all
        good = rnd.random() < 0.4  # dense, verified, trained and certified: often ranked
        density = 1.0 if good else rnd.choice([0.1, 0.3, 0.6, 0.9, 1.0])
        start = rnd.randint(0, 40)
        scale = rnd.choice([1, 10, 100, 1000])
        for k, (y, m) in enumerate(MONTHS[start:]):
            if rnd.random() < density:
                for j in range(rnd.choice([1, 1, 1, 2, 3])):
                    qty = round(rnd.uniform(0, 5) * scale, rnd.choice([0, 1, 2, 3]))
                    if rnd.random() < 0.03:
                        qty = 0.0
                    rej = round(qty * rnd.choice([0, 0, 0.01, 0.02] if good else
                                                 [0, 0, 0.01, 0.05, 0.1, 0.2]), 3)
                    ic = rnd.choice([0, rnd.randint(1, 5) * 100000])
                    lc = rnd.choice([0, ic, ic // 2, ic // 3])
                    r = ('B%d%d' % (k, j), pid, day(y, m, rnd.randint(1, 31)), qty, rej,
                         round(rnd.uniform(0, 50), 1), rnd.choice([0, rnd.randint(1, 90) * 10000]),
                         ic, lc)
                    batches.append(r)
                    mine.append(('b', r))
            if rnd.random() < density * 0.8:
                for j in range(rnd.choice([1, 1, 2, 4])):
                    rev = rnd.choice([0, rnd.randint(1, 100) * 50000])
                    r = ('S%d%d' % (k, j), pid, day(y, m, rnd.randint(1, 31)),
                         round(rnd.uniform(0, 30), rnd.choice([0, 2])), rev,
                         rnd.choice(CHANNELS[:rnd.randint(1, len(CHANNELS))]),
                         rnd.choice(REGIONS[:rnd.randint(1, len(REGIONS))]))
                    sales.append(r)
                    mine.append(('s', r))
            if rnd.random() < (0.98 if good else 0.7):
                head = rnd.choice([1, 2, 3, 5, 8, 13])
                r = ('L%d' % k, pid, day(y, m, 1), head, head == 1,
                     rnd.random() < (0.95 if good else 0.85))
                labour.append(r)
                mine.append(('l', r))
        if good:
            for j, t in enumerate(CERTS):
                if rnd.random() < 0.9:
                    r = ('G%d' % j, pid, t, rnd.choice(['IDM1', 'DID1']), day(2022, 1 + j, 5), '')
                    certs.append(r)
                    mine.append(('c', r))
        for j in range(rnd.choice([0, 1, 2, 3, 5])):
            y, m = rnd.choice(MONTHS[:20] if good else MONTHS)
            t = rnd.choice(CERTS)
            num = rnd.choice(['IDM%09d' % j, 'idm%09d' % j, 'DID%09d' % j, 'X%d' % j])
            issued = rnd.choice([day(y, m, rnd.randint(1, 28)), month_end(y, m)])
            yy, mm = rnd.choice(MONTHS)
            until = rnd.choice(['', month_end(yy, mm), day(yy, mm, 30), day(yy, mm, 1)])
            if good and rnd.random() < 0.7:
                until = ''
            r = ('C%d' % j, pid, t, num, issued, until)
            certs.append(r)
            mine.append(('c', r))
        for j in range(rnd.choice([2, 4, 8] if good else [0, 0, 1, 2])):
            y, m = rnd.choice(MONTHS)
            s = day(y, m, rnd.randint(1, 28))
            e = rnd.choice(['', day(*MONTHS[min(len(MONTHS) - 1, MONTHS.index((y, m)) + rnd.randint(0, 3))], 20)])
            part = rnd.randint(0, 30)
            comp = rnd.randint(0, part)
            r = ('T%d' % j, pid, s, e, part, comp, rnd.randint(0, comp),
                 rnd.choice(['NONE', 'ATTENDANCE', 'BNSP_COMPETENCY']))
            trainings.append(r)
            mine.append(('t', r))
        clones.append((prow, mine))

    def dump(name, rows):
        with open(os.path.join(out, name + '.csv'), 'w', newline='') as f:
            w = csv.writer(f, lineterminator='\n')
            for r in rows:
                w.writerow(['true' if v is True else 'false' if v is False else
                            ('' if v is None else v) for v in r])
    dump('upts', upts)
    dump('products', products)
    dump('batches', batches)
    dump('sales', sales)
    dump('certifications', certs)
    dump('trainings', trainings)
    dump('labour', labour)


if __name__ == '__main__':
    main()
