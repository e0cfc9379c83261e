#!/usr/bin/env python3
"""Vendors the MOET csdl code lists (../shared/data/csdl/moet_csdl_codelists_2020.csv) into
forms/codelists/<CODELIST>.json, one file per list: the single home of every code list.
Codes are kept zero-padded (`code`) with the raw cell beside it (`as_stored`).
Run again only when the shared spec changes: python3 scripts/vendor_codelists.py"""
import csv, json, os, sys
from collections import OrderedDict

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
src = os.path.join(root, '..', 'shared', 'data', 'csdl', 'moet_csdl_codelists_2020.csv')
out = os.path.join(root, 'forms', 'codelists')
lists = OrderedDict()
with open(src, encoding='utf-8', newline='') as f:
    for r in csv.DictReader(f):
        cl = lists.setdefault(r['codelist'], {'codelist': r['codelist'], 'title': r['codelist_title'],
                                               'source': 'MOET, Mô tả dữ liệu ĐẦU NĂM (26/10/2020), ' + r['source'], 'entries': []})
        extra = OrderedDict()
        for part in (r['extra'] or '').split('; '):
            if '=' in part:
                k, v = part.split('=', 1)
                extra[k.strip()] = v.strip()
        e = OrderedDict([('code', r['code']), ('name', r['name'])])
        if r['code_as_stored'] != r['code']:
            e['as_stored'] = r['code_as_stored']
        if extra:
            e['extra'] = extra
        cl['entries'].append(e)
for name, cl in lists.items():
    with open(os.path.join(out, name + '.json'), 'w', encoding='utf-8') as f:
        json.dump(cl, f, ensure_ascii=False, indent=1)
        f.write('\n')
print(f'{len(lists)} code lists written to {out}', file=sys.stderr)
