#!/usr/bin/env node
// Writes provinces_2025.geojson (34 provinces) from shared/data/geo/vn_34_provinces_2026_thanglequoc.geojson:
// Douglas–Peucker per ring (tolerance 0.01°, about 1 km), coordinates rounded to 3 decimals,
// rings that collapse below 4 points dropped, properties cut to code and name. Enough for a
// province overview map of a few hundred pixels; not for measuring anything.
//   node reference/geo/simplify.mjs <source.geojson>
import { readFileSync, writeFileSync } from 'node:fs';

const [source] = process.argv.slice(2);
if (!source) throw new Error('usage: simplify.mjs <vn_34_provinces_2026_thanglequoc.geojson>');
const TOLERANCE = 0.01;

function perpendicular([x, y], [x1, y1], [x2, y2]) {
  const dx = x2 - x1, dy = y2 - y1;
  const len = Math.hypot(dx, dy);
  return len === 0 ? Math.hypot(x - x1, y - y1) : Math.abs(dy * x - dx * y + x2 * y1 - y2 * x1) / len;
}

function douglasPeucker(points) {
  if (points.length < 3) return points;
  let index = 0, max = 0;
  for (let i = 1; i < points.length - 1; i++) {
    const d = perpendicular(points[i], points[0], points[points.length - 1]);
    if (d > max) { max = d; index = i; }
  }
  if (max <= TOLERANCE) return [points[0], points[points.length - 1]];
  return [...douglasPeucker(points.slice(0, index + 1)).slice(0, -1), ...douglasPeucker(points.slice(index))];
}

const round = (v) => Math.round(v * 1000) / 1000;
function ring(points) {
  const out = douglasPeucker(points).map(([x, y]) => [round(x), round(y)]);
  return out.length >= 4 ? out : null;
}

const geo = JSON.parse(readFileSync(source, 'utf8'));
const features = geo.features.map((f) => {
  const polygons = (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates)
    .map((poly) => poly.map(ring).filter(Boolean))
    .filter((poly) => poly.length > 0);
  return {
    type: 'Feature',
    properties: { province_code: f.properties.province_code, name: f.properties.name },
    geometry: { type: 'MultiPolygon', coordinates: polygons },
  };
});
writeFileSync(new URL('./provinces_2025.geojson', import.meta.url), JSON.stringify({ type: 'FeatureCollection', features }) + '\n');
